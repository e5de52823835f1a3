"""Send every reminder that is due and unsent, and schedule homework nudges that have come due.

The worker (`manage.py db_worker`) sends each message on time. Running this from a timer as well
(every few minutes) is the safety net should a queued task ever be lost.
"""

from django.core.management.base import BaseCommand

from ipt.reminders import services


class Command(BaseCommand):
    help = "Send reminders that are due and unsent, and schedule due homework nudges."

    def handle(self, *args, **options):
        counts = services.send_due()
        if not counts:
            self.stdout.write("No reminders were due")
            return
        done = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(f"Reminders due: {done}")
