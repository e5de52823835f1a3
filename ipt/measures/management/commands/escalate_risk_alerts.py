"""Send questionnaires left unsent with a risk answer, then escalate every unacknowledged risk
alert that is due, now.

The worker (`manage.py db_worker`) does both on time, task by task. Running this command from a
timer as well (every few minutes) is a safety net should a queued task ever be lost.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ipt.measures import drafts, services


class Command(BaseCommand):
    help = (
        "Send portal questionnaires left unsent with a risk answer, and escalate unacknowledged "
        "risk alerts that are past their time or their next session."
    )

    def handle(self, *args, **options):
        sent = drafts.submit_risky_drafts(now=timezone.now())
        self.stdout.write(f"Sent {len(sent)} unsent questionnaire(s) holding a risk answer")
        escalated = services.escalate_due(now=timezone.now())
        self.stdout.write(f"Escalated {len(escalated)} risk alert(s)")
