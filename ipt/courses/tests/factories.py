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
