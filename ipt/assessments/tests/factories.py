"""Inventory entries, life events and episodes written directly (set-up data: no audit events)."""

import datetime as dt

import factory

from ipt.assessments.models import InventoryEntry, MoodEpisode, TimelineEvent


class InventoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InventoryEntry

    name = factory.Sequence(lambda n: f"Person {n}")
    relationship = "friend"
    ring = 1
    created_by = factory.LazyAttribute(lambda entry: entry.course.therapist)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    occurred_on = dt.date(2026, 3, 14)
    kind = "death"
    description = "His wife died after a long illness"
    created_by = factory.LazyAttribute(lambda event: event.course.therapist)


class MoodEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoodEpisode

    started_on = dt.date(2026, 5, 1)
    created_by = factory.LazyAttribute(lambda episode: episode.course.therapist)
