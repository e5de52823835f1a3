import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ipt.clients import services as clients
from ipt.clients.tests.factories import ClientFactory
from ipt.core import audit
from ipt.core.models import AuditEvent


def test_home_greets_the_user_and_offers_what_their_roles_allow(as_user, manager):
    page = as_user(manager).get(reverse("core:home")).content.decode()
    assert "Hello, " in page
    assert reverse("core:audit_log") in page
    assert reverse("accounts:user_list") not in page


def test_home_offers_administration_only_to_administrators(as_user, administrator):
    page = as_user(administrator).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") in page
    assert reverse("core:audit_log") not in page


def test_the_health_check_answers_without_sign_in(client, db):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_an_unknown_address_gets_the_nhs_page_not_found(as_user, therapist):
    response = as_user(therapist).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found – IPT service</title>" in page
    assert "nhsuk-header" in page


@override_settings(DEBUG=False)
def test_a_server_error_gets_the_nhs_error_page(db):
    from ipt.core import views

    response = views.server_error(None)  # Django calls it without a usable request context
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_pages_carry_a_content_security_policy_with_a_nonce(as_user, therapist):
    response = as_user(therapist).get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Request-ID"]


@pytest.fixture
def history(manager, therapist, outsider):
    """Events by two people of our service, about two clients, and one from another service."""
    first = ClientFactory(service=manager.service, given_name="Rachel", family_name="Okafor")
    second = ClientFactory(service=manager.service, given_name="Geoffrey", family_name="Hartley")
    clients.record_view(client=first, by=therapist)
    clients.record_view(client=second, by=manager)
    audit.record(by=outsider, action=audit.Action.VIEW, obj=outsider, summary="elsewhere")
    return first, second


def test_a_service_manager_searches_the_audit_log_by_client(as_user, manager, history):
    first, second = history
    response = as_user(manager).get(reverse("core:audit_log"), {"client": first.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Viewed the client record") == 1
    assert "tessa" in page
    assert "elsewhere" not in page


def test_a_service_manager_searches_the_audit_log_by_user_and_date(as_user, manager, history):
    http = as_user(manager)
    today = timezone.localdate()
    query = {
        "user": manager.pk,
        "date_from_day": today.day,
        "date_from_month": today.month,
        "date_from_year": today.year,
    }
    page = http.get(reverse("core:audit_log"), query).content.decode()
    assert "maya" in page
    assert "tessa" not in page
    tomorrow = today + dt.timedelta(days=1)
    later = {
        "date_from_day": tomorrow.day,
        "date_from_month": tomorrow.month,
        "date_from_year": tomorrow.year,
    }
    assert "No events match" in http.get(reverse("core:audit_log"), later).content.decode()


def test_the_audit_log_never_shows_another_services_events(as_user, outsider, history):
    page = as_user(outsider).get(reverse("core:audit_log")).content.decode()
    assert "Viewed the client record" not in page
    assert "elsewhere" in page


def test_a_bad_audit_search_explains_itself(as_user, manager, history):
    response = as_user(manager).get(
        reverse("core:audit_log"),
        {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
    )
    assert response.status_code == 422
    assert "The start date must be a real date" in response.content.decode()


def test_only_service_managers_reach_the_audit_log(as_user, therapist, administrator, supervisor):
    for user in (therapist, administrator, supervisor):
        assert as_user(user).get(reverse("core:audit_log")).status_code == 404


def test_the_audit_log_lists_a_page_of_events_in_a_fixed_number_of_queries(
    as_user, manager, therapist, django_assert_max_num_queries
):
    http = as_user(manager)
    for _ in range(60):
        audit.record(by=therapist, action=audit.Action.VIEW, obj=therapist)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("core:audit_log"))
    assert response.content.decode().count('class="nhsuk-table__row"') == 51
    assert AuditEvent.objects.count() >= 60
