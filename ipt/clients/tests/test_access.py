"""Who sees which clients: each role, break-glass grants, and people from other services."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ipt.accounts.tests.factories import UserFactory
from ipt.clients import access
from ipt.clients.models import Client
from ipt.clients.tests.factories import BreakGlassAccessFactory, ClientFactory, ReferralFactory


@pytest.fixture
def oscars_client(service, site, other_therapist, manager):
    client = ClientFactory(
        service=service, given_name="Olu", family_name="Other", created_by=manager
    )
    ReferralFactory(
        client=client, site=site, allocated_therapist=other_therapist, created_by=manager
    )
    return client


@pytest.fixture
def elsewhere_client(outsider):
    return ClientFactory(service=outsider.service)


def test_it_shows_a_therapist_only_the_clients_allocated_to_them(
    therapist, tessas_client, oscars_client, waiting_client
):
    assert list(access.visible_clients(therapist)) == [tessas_client]
    assert list(access.caseload(therapist)) == [tessas_client]


def test_it_shows_a_supervisor_their_supervisees_clients_as_well_as_their_own(
    service, site, supervisor, manager, tessas_client, oscars_client
):
    own = ClientFactory(service=service, given_name="Sid", family_name="Own")
    ReferralFactory(client=own, site=site, allocated_therapist=supervisor, created_by=manager)
    assert set(access.visible_clients(supervisor)) == {tessas_client, own}


def test_it_shows_managers_and_administrators_every_client_of_their_service(
    manager, administrator, tessas_client, oscars_client, waiting_client, elsewhere_client
):
    everyone = {tessas_client, oscars_client, waiting_client}
    assert set(access.visible_clients(manager)) == everyone
    assert set(access.visible_clients(administrator)) == everyone


def test_it_shows_an_outsider_nothing_of_another_service(
    outsider, tessas_client, waiting_client, elsewhere_client
):
    assert list(access.visible_clients(outsider)) == [elsewhere_client]
    assert not access.visible_referrals(outsider).filter(client=tessas_client).exists()
    assert not access.waiting_list(outsider).exists()


def test_it_shows_a_user_without_a_service_nothing(tessas_client):
    homeless = UserFactory(service=None, is_service_manager=True, is_therapist=True)
    assert not access.visible_clients(homeless).exists()
    assert not access.can_manage_referrals(homeless)


def test_it_hides_a_client_once_the_referral_moves_to_another_therapist(
    therapist, other_therapist, tessas_client
):
    tessas_client.referrals.update(allocated_therapist=other_therapist)
    assert not access.visible_clients(therapist).exists()


def test_it_lists_each_client_once_however_many_referrals_they_have(
    site, therapist, manager, tessas_client
):
    ReferralFactory(
        client=tessas_client, site=site, allocated_therapist=therapist, created_by=manager
    )
    BreakGlassAccessFactory(user=therapist, client=tessas_client)
    assert access.visible_clients(therapist).count() == 1


def test_it_opens_a_client_to_break_glass_until_the_grant_expires(therapist, waiting_client):
    BreakGlassAccessFactory(user=therapist, client=waiting_client)
    assert list(access.visible_clients(therapist)) == [waiting_client]
    assert not access.caseload(therapist).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, seconds=1), tick=False):
        assert not access.visible_clients(therapist).exists()


def test_it_lets_only_administrators_and_managers_manage_referrals(
    therapist, supervisor, manager, administrator
):
    assert access.can_manage_referrals(manager)
    assert access.can_manage_referrals(administrator)
    assert not access.can_manage_referrals(therapist)
    assert not access.can_manage_referrals(supervisor)


def test_it_keeps_clinical_notes_from_administrators(therapist, supervisor, manager, administrator):
    assert not access.can_see_clinical(administrator)
    assert access.can_see_clinical(therapist)
    assert access.can_see_clinical(supervisor)
    assert access.can_see_clinical(manager)
    both = UserFactory(service=administrator.service, is_administrator=True, is_therapist=True)
    assert access.can_see_clinical(both)


def test_it_lets_the_allocated_therapist_their_supervisor_and_managers_change_status(
    therapist, other_therapist, supervisor, manager, administrator, outsider, tessas_client
):
    referral = tessas_client.referrals.get()
    assert access.can_change_status(therapist, referral)
    assert access.can_change_status(supervisor, referral)
    assert access.can_change_status(manager, referral)
    assert access.can_change_status(administrator, referral)
    assert not access.can_change_status(other_therapist, referral)
    assert not access.can_change_status(outsider, referral)


def test_it_finds_a_client_for_break_glass_only_in_the_users_own_service(
    therapist, outsider, tessas_client
):
    assert access.find_for_break_glass(therapist, "943 476 5919") == tessas_client
    assert access.find_for_break_glass(therapist, str(tessas_client.pk)) == tessas_client
    assert access.find_for_break_glass(outsider, "9434765919") is None
    assert access.find_for_break_glass(outsider, str(tessas_client.pk)) is None
    assert access.find_for_break_glass(therapist, "not a number") is None


def test_it_offers_only_active_therapists_of_the_service_for_allocation(
    service, therapist, other_therapist, supervisor, manager, outsider
):
    UserFactory(service=service, is_therapist=True, is_active=False)
    UserFactory(service=outsider.service, is_therapist=True)
    offered = set(access.therapists_for_allocation(service))
    assert offered == {therapist, other_therapist, supervisor}


def test_it_says_when_break_glass_access_ends_only_for_clients_off_the_caseload(
    therapist, tessas_client, waiting_client
):
    grant = BreakGlassAccessFactory(user=therapist, client=waiting_client)
    BreakGlassAccessFactory(user=therapist, client=tessas_client)
    assert access.break_glass_expiry(therapist, waiting_client) == grant.expires_at
    assert access.break_glass_expiry(therapist, tessas_client) is None


def _ids(subquery) -> set[int]:
    return set(Client.objects.filter(pk__in=subquery).values_list("pk", flat=True))


def test_narrowed_to_some_clients_it_keeps_exactly_those_the_user_may_open(
    therapist,
    supervisor,
    manager,
    administrator,
    outsider,
    tessas_client,
    oscars_client,
    waiting_client,
    elsewhere_client,
):
    BreakGlassAccessFactory(user=therapist, client=waiting_client)
    asked = [tessas_client.pk, oscars_client.pk, waiting_client.pk, elsewhere_client.pk]
    for user in (therapist, supervisor, manager, administrator, outsider):
        narrowed = _ids(access.visible_client_ids(user, among=asked))
        assert narrowed == _ids(access.visible_client_ids(user)) & set(asked), user.username
    assert _ids(access.visible_client_ids(therapist, among=asked)) == {
        tessas_client.pk,
        waiting_client.pk,
    }
    assert _ids(access.visible_client_ids(therapist, among=[oscars_client.pk])) == set()
