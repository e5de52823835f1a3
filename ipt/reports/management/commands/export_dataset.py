"""Write the service's data set (referrals, appointments, measures, outcomes) as CSV files.

The files hold personal data (NHS numbers): see docs/dataset.md before moving them anywhere.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipt.organisations.models import Service
from ipt.reports.export import CHUNK_SIZE, Period, write_dataset


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter dates as YYYY-MM-DD, not {value!r}") from None


def _service(value: str | None) -> Service | None:
    if value is None:
        return None
    found = Service.objects.filter(pk=int(value)) if value.isdigit() else Service.objects.none()
    found = found or Service.objects.filter(name__iexact=value.strip())
    service = found.first()
    if service is None:
        known = ", ".join(f"{s.pk} {s.name}" for s in Service.objects.order_by("pk"))
        raise CommandError(f"No service {value!r}. Services: {known or 'none'}")
    return service


class Command(BaseCommand):
    help = (
        "Write referrals.csv, appointments.csv, measures.csv and outcomes.csv into OUTDIR. "
        "The files hold personal data (NHS numbers); see docs/dataset.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", help="Folder to write into (created if missing)")
        parser.add_argument("--from", dest="start", type=str, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=str, help="Last day, YYYY-MM-DD")
        parser.add_argument("--service", help="The service's name or id (default: every service)")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="Courses per read")

    def handle(self, *args, **options) -> None:
        try:
            period = Period(
                start=_date(options["start"]) if options["start"] else None,
                end=_date(options["end"]) if options["end"] else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        service = _service(options["service"])
        if options["chunk_size"] < 1:
            raise CommandError("The chunk size must be 1 or more")
        started = time.perf_counter()
        written = write_dataset(
            options["outdir"], service=service, period=period, chunk_size=options["chunk_size"]
        )
        seconds = time.perf_counter() - started
        for name, rows in written.rows.items():
            self.stdout.write(f"{name:<18} {rows:>10,} rows")
        self.stdout.write(f"Written to {options['outdir']} in {seconds:.1f} seconds.")
        self.stdout.write("These files hold personal data (NHS numbers): keep them secure.")
