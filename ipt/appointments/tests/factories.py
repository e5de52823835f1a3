"""Appointments as set-up data. Tests of the rules book through `services`; these are for the
appointments a test needs to exist already (a diary full of them, a history of outcomes)."""

import datetime as dt

import factory
from django.utils import timezone

from ipt.appointments.models import IPT_CARE_ACTIVITY, Appointment, Kind, Medium


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A 50-minute telephone treatment session of `course` (pass one) tomorrow at this time."""

    class Meta:
        model = Appointment

    kind = Kind.TREATMENT
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(minutes=50))
    therapist = factory.SelfAttribute("course.therapist")
    medium = Medium.TELEPHONE
    phone_number = "01632 960 001"
    created_by = factory.SelfAttribute("course.therapist")

    class Params:
        outcome = factory.Trait(
            recorded_at=factory.LazyAttribute(lambda a: a.ends_at),
            recorded_by=factory.SelfAttribute("therapist"),
            consultation_mechanism="02",
            therapy_mode="01",
            care_activity=IPT_CARE_ACTIVITY,
        )


def history(course, codes, *, first: dt.datetime, kind=Kind.TREATMENT, every_days: int = 7):
    """Weekly appointments of `course` from `first`, with these outcomes ("" for none yet)."""
    return [
        AppointmentFactory(
            course=course,
            kind=kind,
            starts_at=first + dt.timedelta(days=n * every_days),
            attendance=code,
            outcome=bool(code),
        )
        for n, code in enumerate(codes)
    ]
