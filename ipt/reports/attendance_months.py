"""Appointments counted by month, therapist, medium and attendance code (`AttendanceMonth`), so
the dashboard's attendance figures read one row per therapist, month, medium and code
instead of every appointment (on the large synthetic service, an eighth as many rows).

Each write that adds an appointment or changes its time or outcome recounts the months it
touches, from the appointments themselves, in its own transaction (`recount`); a bulk load
rebuilds them all (`rebuild`). A recount, not an increment: whatever happened before, the bucket
ends equal to the appointments it counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ipt.appointments.models import Appointment

from .models import AttendanceMonth

BATCH = 2000


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the calendar month (Europe/London) the moment falls in."""
    return timezone.localtime(moment).date().replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def midnight(day: dt.date) -> dt.datetime:
    """The start of the day in Europe/London (the dashboard's periods and months begin here)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _stored(rows: Iterable[tuple]) -> list[AttendanceMonth]:
    """Rows of (service, month, therapist, medium, attendance, count) as unsaved buckets."""
    return [
        AttendanceMonth(
            service_id=service_id,
            month=month,
            therapist_id=therapist_id,
            medium=medium,
            attendance=attendance,
            appointments=n,
        )
        for service_id, month, therapist_id, medium, attendance, n in rows
    ]


def recount(*, service_id: int, therapist_id: int, months: Iterable[dt.date]) -> None:
    """Count the therapist's appointments in the service afresh for each month given. The
    therapist's row is locked meanwhile (as booking does), so two writes to one therapist's
    month committing together cannot store the older count last."""
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=therapist_id).values_list("pk"))
        for month in sorted(set(months)):
            counts = (
                Appointment.objects.filter(
                    course__service_id=service_id,
                    therapist_id=therapist_id,
                    starts_at__gte=midnight(month),
                    starts_at__lt=midnight(next_month(month)),
                )
                .values_list("medium", "attendance")
                .annotate(n=Count("pk"))
                .order_by()
            )
            fresh = _stored(
                (service_id, month, therapist_id, medium, attendance, n)
                for medium, attendance, n in counts
            )
            AttendanceMonth.objects.filter(
                service_id=service_id, therapist_id=therapist_id, month=month
            ).delete()
            AttendanceMonth.objects.bulk_create(fresh)


def rebuild() -> int:
    """Count every appointment afresh (after a bulk load or an import). Returns the rows stored.

    Every user's row is locked first (a recount locks its therapist's), so a write committing
    meanwhile either comes before the count here or waits and recounts after it."""
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().order_by("pk").values_list("pk"))
        rows = (
            Appointment.objects.annotate(month=TruncMonth("starts_at", tzinfo=tz))
            .values_list("course__service_id", "month", "therapist_id", "medium", "attendance")
            .annotate(n=Count("pk"))
            .order_by()
        )
        fresh = _stored(
            (service_id, timezone.localtime(month).date(), *rest)
            for service_id, month, *rest in rows
        )
        AttendanceMonth.objects.all().delete()
        AttendanceMonth.objects.bulk_create(fresh, batch_size=BATCH)
    return len(fresh)


def by_code(found: QuerySet[AttendanceMonth]) -> Counter[str]:
    """Appointments by attendance code over the buckets found."""
    return Counter(dict(found.values_list("attendance").annotate(n=Sum("appointments")).order_by()))
