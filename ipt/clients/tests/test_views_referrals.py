"""Adding referrals, allocating them, changing their status, and the waiting list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.models import AuditEvent
from ipt.organisations.tests.factories import SiteFactory


def _page(response) -> str:
    return response.content.decode()


def _referral_form(site, **changes):
    received = timezone.localdate() - dt.timedelta(days=3)
    return {
        "site": str(site.pk),
        "source": "self",
        "received_on_day": str(received.day),
        "received_on_month": str(received.month),
        "received_on_year": str(received.year),
        "problem_descriptor": "social_anxiety",
        "reason": "Avoids meetings and has stopped seeing friends",
        "urgency": "routine",
    } | changes


def test_it_adds_a_referral(as_user, manager, site, tessas_client):
    url = reverse("clients:referral_new", kwargs={"pk": tessas_client.pk})
    http = as_user(manager)
    assert "Riverside Centre" in _page(http.get(url))
    response = http.post(url, _referral_form(site))
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": tessas_client.pk})
    referral = tessas_client.referrals.get(problem_descriptor="social_anxiety")
    assert referral.status == "waiting_for_assessment"
    assert AuditEvent.objects.filter(
        action="create", client_id=tessas_client.pk, object_id=str(referral.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Enter the reason for referral"),
        ({"source": ""}, "Select who made the referral"),
        ({"received_on_year": "2999"}, "must be today or in the past"),
        ({"received_on_day": "31", "received_on_month": "2"}, "must be a real date"),
    ],
)
def test_it_refuses_an_invalid_referral_with_422(
    as_user, manager, site, tessas_client, changes, message
):
    url = reverse("clients:referral_new", kwargs={"pk": tessas_client.pk})
    response = as_user(manager).post(url, _referral_form(site, **changes))
    assert response.status_code == 422
    assert message in _page(response)
    assert tessas_client.referrals.count() == 1


def test_it_refuses_a_site_of_another_service(as_user, manager, outsider, tessas_client):
    elsewhere = SiteFactory(service=outsider.service)
    url = reverse("clients:referral_new", kwargs={"pk": tessas_client.pk})
    response = as_user(manager).post(url, _referral_form(elsewhere))
    assert response.status_code == 422
    assert tessas_client.referrals.count() == 1


@pytest.mark.parametrize("who", ["therapist", "outsider"])
def test_it_lets_only_managers_of_the_service_add_referrals(
    as_user, request, who, site, tessas_client
):
    user = request.getfixturevalue(who)
    url = reverse("clients:referral_new", kwargs={"pk": tessas_client.pk})
    assert as_user(user).get(url).status_code == 404
    assert as_user(user).post(url, _referral_form(site)).status_code == 404
    assert tessas_client.referrals.count() == 1


def test_it_allocates_a_referral_and_the_client_joins_the_caseload(
    as_user, manager, other_therapist, waiting_client
):
    referral = waiting_client.referrals.get()
    url = reverse("clients:referral_allocate", kwargs={"pk": referral.pk})
    http = as_user(manager)
    assert escape(other_therapist.display_name) in _page(http.get(url))
    response = http.post(url, {"therapist": str(other_therapist.pk)})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.allocated_therapist == other_therapist
    assert AuditEvent.objects.filter(action="update", client_id=waiting_client.pk).exists()
    caseload = _page(as_user(other_therapist).get(reverse("clients:list")))
    assert "Wanda Waits" in caseload


def test_it_refuses_an_allocation_to_someone_outside_the_service_with_422(
    as_user, manager, outsider, waiting_client
):
    elsewhere = UserFactory(service=outsider.service, is_therapist=True)
    referral = waiting_client.referrals.get()
    url = reverse("clients:referral_allocate", kwargs={"pk": referral.pk})
    response = as_user(manager).post(url, {"therapist": str(elsewhere.pk)})
    assert response.status_code == 422
    assert "Select a therapist" in _page(response)
    referral.refresh_from_db()
    assert referral.allocated_therapist is None


def test_it_refuses_to_allocate_a_closed_referral_with_422(
    as_user, manager, therapist, service, site
):
    referral = ReferralFactory(client=ClientFactory(service=service), site=site, status="withdrawn")
    url = reverse("clients:referral_allocate", kwargs={"pk": referral.pk})
    response = as_user(manager).post(url, {"therapist": str(therapist.pk)})
    assert response.status_code == 422
    assert "cannot be allocated" in _page(response)
    referral.refresh_from_db()
    assert referral.allocated_therapist is None


@pytest.mark.parametrize("who", ["therapist", "outsider"])
def test_it_lets_only_managers_of_the_service_allocate(
    as_user, request, who, therapist, waiting_client
):
    user = request.getfixturevalue(who)
    referral = waiting_client.referrals.get()
    url = reverse("clients:referral_allocate", kwargs={"pk": referral.pk})
    assert as_user(user).get(url).status_code == 404
    assert as_user(user).post(url, {"therapist": str(therapist.pk)}).status_code == 404
    referral.refresh_from_db()
    assert referral.allocated_therapist is None


@pytest.mark.parametrize("who", ["therapist", "supervisor", "manager"])
def test_it_lets_the_therapist_their_supervisor_and_managers_change_the_status(
    as_user, request, who, tessas_client
):
    user = request.getfixturevalue(who)
    referral = tessas_client.referrals.get()
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    http = as_user(user)
    assert "Assessed" in _page(http.get(url))
    response = http.post(url, {"to_status": "assessed", "reason": "Assessment completed"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "assessed"
    assert referral.status_changes.last().reason == "Assessment completed"
    assert AuditEvent.objects.filter(action="update", client_id=tessas_client.pk).exists()
    record = _page(http.get(reverse("clients:detail", kwargs={"pk": tessas_client.pk})))
    assert "Assessment completed" in record


def test_it_refuses_a_status_not_allowed_from_here_with_422(as_user, therapist, tessas_client):
    referral = tessas_client.referrals.get()
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    response = as_user(therapist).post(url, {"to_status": "accepted_for_ipt", "reason": "Keen"})
    assert response.status_code == 422
    assert "Select one of the statuses shown" in _page(response)
    referral.refresh_from_db()
    assert referral.status == "waiting_for_assessment"
    assert referral.status_changes.count() == 1


def test_it_asks_for_a_reason_with_422(as_user, therapist, tessas_client):
    referral = tessas_client.referrals.get()
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    response = as_user(therapist).post(url, {"to_status": "assessed", "reason": ""})
    assert response.status_code == 422
    assert "Enter the reason for the change" in _page(response)
    referral.refresh_from_db()
    assert referral.status == "waiting_for_assessment"


def test_it_says_a_closed_referral_cannot_change(as_user, manager, service, site):
    referral = ReferralFactory(client=ClientFactory(service=service), site=site, status="withdrawn")
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    assert "This referral is closed" in _page(as_user(manager).get(url))


@pytest.mark.parametrize("who", ["other_therapist", "outsider"])
def test_it_hides_the_status_change_from_anyone_else(as_user, request, who, tessas_client):
    user = request.getfixturevalue(who)
    referral = tessas_client.referrals.get()
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    assert as_user(user).get(url).status_code == 404
    response = as_user(user).post(url, {"to_status": "assessed", "reason": "Sneaky"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "waiting_for_assessment"


def test_it_hides_the_status_change_from_a_break_glass_viewer(
    as_user, other_therapist, tessas_client
):
    from ipt.clients.tests.factories import BreakGlassAccessFactory

    BreakGlassAccessFactory(user=other_therapist, client=tessas_client)
    referral = tessas_client.referrals.get()
    http = as_user(other_therapist)
    assert http.get(reverse("clients:detail", kwargs={"pk": tessas_client.pk})).status_code == 200
    url = reverse("clients:referral_status", kwargs={"pk": referral.pk})
    assert http.get(url).status_code == 404


@pytest.fixture
def long_waiter(service, site, manager):
    client = ClientFactory(
        service=service, given_name="Lena", family_name="Long", created_by=manager
    )
    received = timezone.localdate() - dt.timedelta(days=130)
    return ReferralFactory(client=client, site=site, received_on=received, urgency="urgent")


@pytest.fixture
def six_week_waiter(service, manager, therapist):
    client = ClientFactory(service=service, given_name="Sol", family_name="Six", created_by=manager)
    received = timezone.localdate() - dt.timedelta(days=42)
    other_site = SiteFactory(service=service, name="Hillside Clinic")
    return ReferralFactory(
        client=client, site=other_site, received_on=received, allocated_therapist=therapist
    )


def test_it_lists_open_referrals_longest_waiting_first_with_the_week_marks(
    as_user, manager, service, site, long_waiter, six_week_waiter, waiting_client
):
    closed = ClientFactory(service=service, given_name="Cleo", family_name="Closed")
    ReferralFactory(client=closed, site=site, status="declined_or_signposted")
    page = _page(as_user(manager).get(reverse("clients:waiting_list")))
    assert page.index("Lena Long") < page.index("Sol Six") < page.index("Wanda Waits")
    assert "Cleo Closed" not in page
    assert "130 days" in page
    assert "18 weeks or more" in page
    assert "6 weeks or more" in page
    assert "Hillside Clinic" in page


def test_it_filters_the_waiting_list_by_site_and_allocation(
    as_user, manager, site, long_waiter, six_week_waiter, waiting_client
):
    http = as_user(manager)
    by_site = _page(http.get(reverse("clients:waiting_list"), {"site": str(site.pk)}))
    assert "Lena Long" in by_site
    assert "Sol Six" not in by_site
    unallocated = _page(http.get(reverse("clients:waiting_list"), {"unallocated": "on"}))
    assert "Wanda Waits" in unallocated
    assert "Sol Six" not in unallocated


def test_it_refuses_an_unknown_site_filter_with_422(as_user, manager, outsider):
    elsewhere = SiteFactory(service=outsider.service)
    response = as_user(manager).get(reverse("clients:waiting_list"), {"site": str(elsewhere.pk)})
    assert response.status_code == 422
    assert "Select a site from the list" in _page(response)


def test_it_shows_the_waiting_list_in_a_fixed_number_of_queries(
    as_user, manager, service, site, therapist, django_assert_max_num_queries
):
    http = as_user(manager)
    for n in range(30):
        ReferralFactory(
            client=ClientFactory(service=service),
            site=site,
            allocated_therapist=therapist if n % 2 else None,
        )
    with django_assert_max_num_queries(10):
        response = http.get(reverse("clients:waiting_list"))
    assert _page(response).count("Not allocated") == 15


def test_it_hides_the_waiting_list_from_therapists(as_user, therapist, supervisor):
    assert as_user(therapist).get(reverse("clients:waiting_list")).status_code == 404
    assert as_user(supervisor).get(reverse("clients:waiting_list")).status_code == 404


def test_it_shows_an_outsider_none_of_our_waiting_list(as_user, outsider, waiting_client):
    response = as_user(outsider).get(reverse("clients:waiting_list"))
    assert response.status_code == 200
    assert "Wanda Waits" not in _page(response)
    assert "No referrals are waiting" in _page(response)
