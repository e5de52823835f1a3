"""Send every reminder that is due and unsent, schedule homework nudges that have come due, and
schedule the reminders of upcoming appointments that are missing them (a lost scheduling).

The worker (`manage.py db_worker`) sends each message on time. Running this from a timer as well
(every few minutes) is the safety net should a queued task ever be lost.
"""

from django.core.management.base import BaseCommand

from ipt.reminders import services


class Command(BaseCommand):
    help = (
        "Send reminders that are due and unsent, schedule due homework nudges, and schedule "
        "missing reminders of upcoming appointments."
    )

    def handle(self, *args, **options):
        counts = services.send_due()
        if not counts:
            self.stdout.write("No reminders were due")
            return
        done = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(f"Reminders due: {done}")
