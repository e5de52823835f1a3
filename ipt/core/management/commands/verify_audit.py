from django.core.management.base import BaseCommand, CommandError

from ipt.core.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first broken link, or 'intact'."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
