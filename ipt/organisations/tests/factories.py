import datetime as dt

import factory

from ipt.organisations.models import ClosureDate, Room, Service, Site


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Talking Therapies {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address = "1 High Street"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Room {n + 1}")


class ClosureDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureDate

    service = factory.SubFactory(ServiceFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 12, 25) + dt.timedelta(days=n))
    reason = "Bank holiday"
