"""Reads the reminders pages share, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ipt.accounts.models import User
from ipt.appointments.models import FREES_THE_SLOT, Appointment
from ipt.clients.models import Client

from .models import CalendarFeed, Message

FEED_PAST = dt.timedelta(weeks=4)
FEED_AHEAD = dt.timedelta(weeks=26)


def messages_of(client: Client) -> QuerySet[Message]:
    """The client's messages, newest first."""
    return (
        Message.objects.filter(client=client)
        .select_related("appointment")
        .order_by("-scheduled_for", "-pk")
    )


def failed_messages(service_id: int) -> QuerySet[Message]:
    """Messages of the service that gave up, oldest first."""
    return (
        Message.objects.failed()
        .filter(client__service_id=service_id)
        .select_related("client")
        .order_by("scheduled_for", "pk")
    )


def feed_appointments(therapist: User, now: dt.datetime) -> QuerySet[Appointment]:
    """The therapist's appointments from four weeks ago to 26 weeks ahead, cancelled ones left
    out."""
    return (
        Appointment.objects.filter(
            therapist=therapist, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD
        )
        .exclude(attendance__in=sorted(FREES_THE_SLOT))
        .select_related("course__client", "site", "room")
        .order_by("starts_at", "pk")
    )


def message_of(client: Client, pk: int) -> Message | None:
    return Message.objects.filter(client=client, pk=pk).first()


def active_feed(therapist: User) -> CalendarFeed | None:
    return CalendarFeed.objects.active().filter(therapist=therapist).first()
