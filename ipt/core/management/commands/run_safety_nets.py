"""Run every safety-net sweep now, or every few minutes until stopped.

The worker sends reminders, escalates risk alerts and sends unsent risky questionnaires task
by task, on time. These sweeps catch anything a lost task missed. In production run
`manage.py run_safety_nets` from a timer every five minutes (docs/deployment.md); `make dev`
runs it with `--every 300` beside the worker.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

SWEEPS = ("escalate_risk_alerts", "send_due_reminders")


class Command(BaseCommand):
    help = "Run the risk-alert and reminder sweeps once, or every N seconds with --every N."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, every: int = 0, **options):
        while True:
            for sweep in SWEEPS:
                call_command(sweep, stdout=self.stdout)
            if not every:
                return
            time.sleep(every)
