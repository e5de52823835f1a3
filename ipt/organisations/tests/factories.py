import factory

from ipt.organisations.models import Service, Site


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
