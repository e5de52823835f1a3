"""Personas shared by every app's tests: owner, colleague, supervisor, manager, administrator,
and an outsider from another service."""

import pytest
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts.tests.factories import UserFactory
from ipt.organisations.tests.factories import ServiceFactory, SiteFactory


def signed_in(user) -> HttpClient:
    """A test client signed in as `user` with both factors, as after the real sign-in."""
    http = HttpClient()
    http.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


@pytest.fixture
def service(db):
    from ipt.courses.models import TherapyVariant
    from ipt.courses.variants import DEFAULT_VARIANTS

    service = ServiceFactory(name="Northshire Talking Therapies")
    # Set-up data, like a factory: the standard variants without audit events of their own.
    TherapyVariant.objects.bulk_create(
        TherapyVariant(service=service, **values) for values in DEFAULT_VARIANTS
    )
    return service


@pytest.fixture
def site(service):
    return SiteFactory(service=service, name="Riverside Centre")


@pytest.fixture
def therapist(service, site):
    user = UserFactory(
        username="tessa", first_name="Tessa", last_name="Marlow", service=service, is_therapist=True
    )
    user.sites.add(site)
    return user


@pytest.fixture
def other_therapist(service, site):
    user = UserFactory(
        username="oscar",
        first_name="Oscar",
        last_name="O'Neill",
        service=service,
        is_therapist=True,
    )
    user.sites.add(site)
    return user


@pytest.fixture
def supervisor(service, therapist):
    from ipt.accounts.models import Supervision

    user = UserFactory(username="sam", service=service, is_therapist=True, is_supervisor=True)
    Supervision.objects.create(supervisor=user, supervisee=therapist)
    return user


@pytest.fixture
def manager(service):
    return UserFactory(username="maya", service=service, is_service_manager=True)


@pytest.fixture
def administrator(service):
    return UserFactory(username="adam", service=service, is_administrator=True)


@pytest.fixture
def outsider(db):
    """A service manager of a different service: sees nothing of ours."""
    return UserFactory(
        username="olive",
        service=ServiceFactory(name="Elsewhere Wellbeing"),
        is_service_manager=True,
    )


@pytest.fixture
def as_user():
    """`as_user(user)` gives a test client signed in as that user."""
    return signed_in


@pytest.fixture
def course(therapist, site, manager):
    """Tessa's client on a 16-session course of individual IPT (contract 1–4 / 5–12 / 13–16)."""
    from ipt.courses.tests.factories import open_course

    return open_course(therapist=therapist, site=site, by=therapist)
