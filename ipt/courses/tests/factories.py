"""Courses made through the real services, so every test course has a valid contract and history."""

import datetime as dt

from django.utils import timezone

from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.courses import services
from ipt.courses.models import Course, TherapyVariant


def open_course(
    *, therapist, site, by=None, variant_code: str = "individual", client=None, **terms
) -> Course:
    """A client referred, accepted for IPT, allocated to `therapist`, with a course opened."""
    client = client or ClientFactory(service=therapist.service, created_by=by or therapist)
    referral = ReferralFactory(
        client=client,
        site=site,
        created_by=by or therapist,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
    )
    variant = TherapyVariant.objects.get(service=therapist.service, code=variant_code)
    return services.open_course(
        referral=referral,
        variant=variant,
        by=by or therapist,
        agreed_on=terms.pop("agreed_on", timezone.localdate() - dt.timedelta(days=1)),
        **terms,
    )


def add_appointment(
    course: Course,
    *,
    kind: str = "treatment",
    attendance: str = "5",
    starts_at: dt.datetime | None = None,
    minutes: int = 50,
):
    """An appointment of the course written directly (not through the appointments services),
    recorded with the given outcome ("" for not yet recorded)."""
    from ipt.appointments.models import Appointment

    if starts_at is None:
        latest = course.appointments.order_by("-starts_at").first()
        starts_at = (
            latest.starts_at + dt.timedelta(days=7)
            if latest
            else timezone.now() - dt.timedelta(days=120)
        )
    return Appointment.objects.create(
        course=course,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        therapist=course.therapist,
        medium="telephone",
        phone_number="07700900982",
        attendance=attendance,
        recorded_at=starts_at + dt.timedelta(minutes=minutes) if attendance else None,
        recorded_by=course.therapist if attendance else None,
        created_by=course.therapist,
    )


def attend(course: Course, sessions: int, *, attendance: str = "5") -> None:
    """Record `sessions` treatment sessions with the same outcome, a week apart."""
    for _ in range(sessions):
        add_appointment(course, attendance=attendance)
