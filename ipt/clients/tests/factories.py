import datetime as dt

import factory
from django.conf import settings
from django.utils import timezone

from ipt.accounts.tests.factories import UserFactory
from ipt.clients import nhs_number
from ipt.clients.models import BreakGlassAccess, Client, Referral, ReferralStatusChange
from ipt.organisations.tests.factories import ServiceFactory, SiteFactory


def valid_nhs_number(n: int) -> str:
    """A distinct valid NHS number for each n (test numbers start with 4)."""
    first_nine = 400_000_000 + n * 7
    while nhs_number.check_digit(str(first_nine)) is None:
        first_nine += 1
    return f"{first_nine}{nhs_number.check_digit(str(first_nine))}"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    service = factory.SubFactory(ServiceFactory)
    given_name = factory.Iterator(["Alex", "Priya", "Jordan", "Grace", "Tomasz", "Aisha"])
    family_name = factory.Iterator(["Shaw", "Patel", "Morgan", "Okafor", "Nowak", "Begum"])
    date_of_birth = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=97 * n))
    nhs_number = factory.Sequence(valid_nhs_number)
    gp_practice_name = "Riverside Medical Practice"
    gp_practice_code = "A81001"
    created_by = factory.SubFactory(
        UserFactory, service=factory.SelfAttribute("..service"), is_administrator=True
    )


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    service = factory.SelfAttribute("client.service")
    site = factory.SubFactory(SiteFactory, service=factory.SelfAttribute("..service"))
    source = "gp"
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    problem_descriptor = "depression"
    reason = "Low mood since a bereavement in the spring"
    created_by = factory.SelfAttribute("client.created_by")
    allocated_therapist = None
    allocated_at = factory.LazyAttribute(
        lambda r: timezone.now() if r.allocated_therapist is not None else None
    )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """Every referral starts with its 'received' row, as `services.add_referral` writes."""
        if create:
            ReferralStatusChange.objects.create(
                referral=self,
                from_status="",
                to_status=self.status,
                reason="Referral received",
                changed_by=self.created_by,
            )


class BreakGlassAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassAccess

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory, service=factory.SelfAttribute("..client.service"))
    reason = "Covering a colleague's crisis call"
    granted_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda a: a.granted_at + settings.BREAK_GLASS_DURATION)
