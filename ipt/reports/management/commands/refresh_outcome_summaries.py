"""Rebuild every course's outcome summary and the appointments counted by month, e.g. after an
import or a synthetic service."""

import time

from django.core.management.base import BaseCommand

from ipt.reports import attendance_months
from ipt.reports.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the outcome summary of every course (or of the courses given); with no "
        "courses given, count every appointment by month for the dashboard afresh as well."
    )

    def add_arguments(self, parser):
        parser.add_argument("course_ids", nargs="*", type=int, help="Only these courses")

    def handle(self, *args, course_ids, **options):
        started = time.monotonic()
        count = rebuild(course_ids or None)
        months = 0 if course_ids else attendance_months.rebuild()
        self.stdout.write(
            f"Refreshed {count} outcome summar{'y' if count == 1 else 'ies'}"
            + (f" and {months} monthly appointment counts " if months else " ")
            + f"in {time.monotonic() - started:.1f} s"
        )
