"""The client list, registering a client, the client record and changing details."""

import datetime as dt

import pytest
from django.urls import reverse
from markupsafe import escape

from ipt.clients.models import Client
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.models import AuditEvent

NEW_CLIENT = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "date_of_birth_day": "9",
    "date_of_birth_month": "12",
    "date_of_birth_year": "1986",
    "nhs_number": "943 476 5870",
    "gp_practice_name": "Riverside Medical Practice",
    "gp_practice_code": "a81001",
    "email": "grace@example.com",
    "contact_consents": ["email", "letter"],
    "preferred_contact_method": "email",
}


def _page(response) -> str:
    return response.content.decode()


def test_it_lists_a_therapists_own_caseload(as_user, therapist, tessas_client, waiting_client):
    page = _page(as_user(therapist).get(reverse("clients:list")))
    assert "Jane Doe" in page
    assert "943 476 5919" in page
    assert "Wanda Waits" not in page
    assert ">Therapist<" not in page


def test_it_lists_a_supervisees_clients_for_their_supervisor_with_the_therapist(
    as_user, supervisor, therapist, tessas_client
):
    page = _page(as_user(supervisor).get(reverse("clients:list")))
    assert "Jane Doe" in page
    assert ">Therapist<" in page
    assert escape(therapist.display_name) in page


def test_it_lists_every_client_of_the_service_for_managers_and_administrators(
    as_user, manager, administrator, tessas_client, waiting_client
):
    for user in (manager, administrator):
        page = _page(as_user(user).get(reverse("clients:list")))
        assert "Jane Doe" in page
        assert "Wanda Waits" in page
        assert "Register a client" in page


def test_it_shows_an_outsider_none_of_our_clients(as_user, outsider, tessas_client):
    response = as_user(outsider).get(reverse("clients:list"))
    assert response.status_code == 200
    assert "Jane Doe" not in _page(response)


@pytest.mark.parametrize("search", ["jane", "Doe", "943 476 5919", "9434765919"])
def test_it_searches_by_name_or_nhs_number(as_user, manager, search, tessas_client, waiting_client):
    page = _page(as_user(manager).get(reverse("clients:list"), {"q": search}))
    assert "Jane Doe" in page
    assert "Wanda Waits" not in page


def test_it_lists_clients_in_a_fixed_number_of_queries(
    as_user, manager, service, site, therapist, django_assert_max_num_queries
):
    from ipt.courses.tests.factories import open_course

    http = as_user(manager)
    for _ in range(15):
        client = ClientFactory(service=service, created_by=manager)
        ReferralFactory(client=client, site=site, allocated_therapist=therapist, created_by=manager)
    for _ in range(15):
        open_course(therapist=therapist, site=site, by=manager)
    # 14: one fetches the open risk alerts at the top; four check the open courses are on track.
    # The list is never counted: it reads one row more than a page to know if another follows.
    with django_assert_max_num_queries(14):
        response = http.get(reverse("clients:list"))
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 31


def test_a_long_list_pages_by_fifty_with_previous_and_next_links(as_user, manager, service):
    for n in range(51):
        ClientFactory(service=service, family_name=f"Family{n:02d}", created_by=manager)
    http = as_user(manager)
    url = reverse("clients:list")

    first = http.get(url).content.decode()
    second = http.get(url, {"page": "2"}).content.decode()
    past_the_end = http.get(url, {"page": "9"}).content.decode()

    assert first.count('<tr class="nhsuk-table__row">') == 51  # a header row and 50 clients
    assert "Family49" in first and "Family50" not in first
    assert 'href="?page=2"' in first and 'href="?page=0"' not in first
    assert "Family50" in second and "Family49" not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second
    assert "Family00" in past_the_end  # the first page rather than an empty one


def test_it_registers_a_client(as_user, manager):
    response = as_user(manager).post(reverse("clients:new"), NEW_CLIENT)
    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": client.pk})
    assert client.nhs_number == "9434765870"
    assert client.date_of_birth == dt.date(1986, 12, 9)
    assert client.gp_practice_code == "A81001"
    assert (client.consent_email, client.consent_sms, client.consent_letter) == (True, False, True)
    assert client.service == manager.service
    assert AuditEvent.objects.filter(action="create", client_id=client.pk).exists()


def test_it_hides_registration_from_therapists(as_user, therapist):
    assert as_user(therapist).get(reverse("clients:new")).status_code == 404
    assert as_user(therapist).post(reverse("clients:new"), NEW_CLIENT).status_code == 404
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "Enter the client&#39;s date of birth",
        ),
        ({"date_of_birth_year": "2999"}, "Date of birth must be in the past"),
        ({"nhs_number": "943 476 5871"}, "Enter a valid NHS number"),
        ({"given_name": ""}, "Enter the client&#39;s given name"),
        ({"email": ""}, "Enter an email address, or choose another way"),
        ({"gp_practice_code": "12345"}, "GP practice code must be a letter followed by 5 numbers"),
    ],
)
def test_it_refuses_invalid_details_with_422_and_saves_nothing(as_user, manager, changes, message):
    response = as_user(manager).post(reverse("clients:new"), NEW_CLIENT | changes)
    assert response.status_code == 422
    assert message in _page(response)
    assert "<title>Error: Register a client" in _page(response)
    assert not Client.objects.exists()


def test_it_warns_of_a_client_with_the_same_nhs_number_and_saves_nothing_until_confirmed(
    as_user, manager, service
):
    existing = ClientFactory(service=service, nhs_number="9434765870", given_name="Gracie")
    http = as_user(manager)
    response = http.post(reverse("clients:new"), NEW_CLIENT)
    assert response.status_code == 422
    page = _page(response)
    assert "This client may already have a record" in page
    assert reverse("clients:detail", kwargs={"pk": existing.pk}) in page
    assert "This is a different person" in page
    assert Client.objects.count() == 1

    response = http.post(reverse("clients:new"), NEW_CLIENT | {"not_duplicate": "on"})
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_it_warns_of_a_client_with_the_same_name_and_date_of_birth(as_user, manager, service):
    ClientFactory(
        service=service,
        given_name="grace",
        family_name="HOPPER",
        date_of_birth=dt.date(1986, 12, 9),
        nhs_number="",
    )
    response = as_user(manager).post(reverse("clients:new"), NEW_CLIENT)
    assert response.status_code == 422
    assert "This client may already have a record" in _page(response)
    assert Client.objects.count() == 1


def test_it_ignores_lookalikes_in_other_services(as_user, manager, outsider):
    ClientFactory(service=outsider.service, nhs_number="9434765870")
    response = as_user(manager).post(reverse("clients:new"), NEW_CLIENT)
    assert response.status_code == 302


def test_it_shows_the_client_record_and_records_the_view(as_user, therapist, tessas_client):
    response = as_user(therapist).get(reverse("clients:detail", kwargs={"pk": tessas_client.pk}))
    page = _page(response)
    assert response.status_code == 200
    assert "Jane Doe" in page
    assert "943 476 5919" in page
    assert "Waiting for assessment" in page
    assert "Status history" in page
    assert "Change details" not in page
    assert AuditEvent.objects.filter(action="view", client_id=tessas_client.pk).count() == 1


def test_it_shows_the_record_to_the_therapists_supervisor(as_user, supervisor, tessas_client):
    url = reverse("clients:detail", kwargs={"pk": tessas_client.pk})
    assert as_user(supervisor).get(url).status_code == 200


def test_it_shows_administrators_the_demographics_and_the_links_to_manage(
    as_user, administrator, tessas_client
):
    page = _page(
        as_user(administrator).get(reverse("clients:detail", kwargs={"pk": tessas_client.pk}))
    )
    assert "Date of birth" in page
    assert "Riverside Medical Practice" in page
    assert reverse("clients:edit", kwargs={"pk": tessas_client.pk}) in page
    assert reverse("clients:referral_new", kwargs={"pk": tessas_client.pk}) in page


@pytest.mark.parametrize("who", ["other_therapist", "outsider"])
def test_it_hides_the_record_from_anyone_outside_scope(as_user, request, who, tessas_client):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("clients:detail", kwargs={"pk": tessas_client.pk}))
    assert response.status_code == 404
    assert "Jane Doe" not in _page(response)
    assert not AuditEvent.objects.filter(action="view").exists()


def test_it_changes_a_clients_details(as_user, manager, tessas_client):
    url = reverse("clients:edit", kwargs={"pk": tessas_client.pk})
    http = as_user(manager)
    form = http.get(url)
    assert 'value="Jane"' in _page(form)
    response = http.post(url, NEW_CLIENT | {"given_name": "Janet", "nhs_number": "9434765919"})
    assert response.status_code == 302
    tessas_client.refresh_from_db()
    assert tessas_client.given_name == "Janet"
    event = AuditEvent.objects.get(action="update", client_id=tessas_client.pk)
    assert event.changes["given_name"] == ["Jane", "Janet"]


def test_it_refuses_an_invalid_change_with_422_and_changes_nothing(as_user, manager, tessas_client):
    url = reverse("clients:edit", kwargs={"pk": tessas_client.pk})
    response = as_user(manager).post(url, NEW_CLIENT | {"family_name": ""})
    assert response.status_code == 422
    tessas_client.refresh_from_db()
    assert tessas_client.family_name == "Doe"
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.parametrize("who", ["therapist", "outsider"])
def test_it_lets_only_managers_of_the_service_change_details(as_user, request, who, tessas_client):
    user = request.getfixturevalue(who)
    url = reverse("clients:edit", kwargs={"pk": tessas_client.pk})
    assert as_user(user).get(url).status_code == 404
    assert as_user(user).post(url, NEW_CLIENT).status_code == 404
    tessas_client.refresh_from_db()
    assert tessas_client.given_name == "Jane"


def test_it_asks_for_contact_consent_with_checkboxes(as_user, manager):
    page = _page(as_user(manager).get(reverse("clients:new")))
    assert page.count('name="contact_consents" type="checkbox"') == 3
