"""Break-glass access: any member of staff may open a record of their own service, for a stated
reason, for an hour; service managers review every use."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from ipt.clients.models import BreakGlassAccess
from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent

REASON = "Client phoned in crisis and Tessa is on leave"


def _page(response) -> str:
    return response.content.decode()


def test_it_opens_a_record_for_an_hour_then_closes_it(as_user, other_therapist, tessas_client):
    http = as_user(other_therapist)
    record = reverse("clients:detail", kwargs={"pk": tessas_client.pk})
    assert http.get(record).status_code == 404
    assert http.get(reverse("clients:break_glass")).status_code == 200

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = http.post(
            reverse("clients:break_glass"), {"identifier": "943 476 5919", "reason": REASON}
        )
        assert response["Location"] == record
        page = _page(http.get(record))
        assert "Jane Doe" in page
        assert "This client is not on your caseload" in page
    grant = BreakGlassAccess.objects.get(user=other_therapist, client=tessas_client)
    assert grant.reason == REASON
    event = AuditEvent.objects.get(action="break_glass", client_id=tessas_client.pk)
    assert REASON in event.summary

    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert as_user(other_therapist).get(record).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=1, seconds=1), tick=False):
        assert as_user(other_therapist).get(record).status_code == 404


def test_it_finds_the_client_by_reference_too(as_user, other_therapist, tessas_client):
    response = as_user(other_therapist).post(
        reverse("clients:break_glass"), {"identifier": str(tessas_client.pk), "reason": REASON}
    )
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": tessas_client.pk})


def test_it_says_when_no_client_in_the_service_matches(as_user, other_therapist, tessas_client):
    response = as_user(other_therapist).post(
        reverse("clients:break_glass"), {"identifier": "9434765870", "reason": REASON}
    )
    assert response.status_code == 422
    assert "No client in your service matches" in _page(response)
    assert not BreakGlassAccess.objects.exists()


def test_it_never_opens_another_services_record(as_user, outsider, tessas_client):
    response = as_user(outsider).post(
        reverse("clients:break_glass"), {"identifier": "9434765919", "reason": REASON}
    )
    assert response.status_code == 422
    assert "No client in your service matches" in _page(response)
    assert "Jane Doe" not in _page(response)
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="break_glass").exists()


def test_it_needs_a_reason_of_ten_characters_or_more(as_user, other_therapist, tessas_client):
    http = as_user(other_therapist)
    short = http.post(
        reverse("clients:break_glass"), {"identifier": "9434765919", "reason": "Urgent"}
    )
    assert short.status_code == 422
    assert "Reason must be 10 characters or more" in _page(short)
    missing = http.post(reverse("clients:break_glass"), {"identifier": "", "reason": ""})
    assert missing.status_code == 422
    assert "Enter the client&#39;s NHS number or reference" in _page(missing)
    assert "Enter why you need to see this record" in _page(missing)
    assert not BreakGlassAccess.objects.exists()


def test_it_shows_service_managers_every_use_in_their_service(
    as_user, manager, other_therapist, tessas_client
):
    BreakGlassAccessFactory(user=other_therapist, client=tessas_client, reason=REASON)
    page = _page(as_user(manager).get(reverse("clients:break_glass_log")))
    assert escape(other_therapist.display_name) in page
    assert "Jane Doe" in page
    assert REASON in page


def test_it_hides_the_log_from_everyone_but_service_managers(
    as_user, therapist, supervisor, administrator
):
    for user in (therapist, supervisor, administrator):
        assert as_user(user).get(reverse("clients:break_glass_log")).status_code == 404


def test_it_shows_an_outsider_none_of_our_break_glass_log(
    as_user, outsider, other_therapist, tessas_client
):
    BreakGlassAccessFactory(user=other_therapist, client=tessas_client, reason=REASON)
    response = as_user(outsider).get(reverse("clients:break_glass_log"))
    assert response.status_code == 200
    assert "Jane Doe" not in _page(response)
    assert REASON not in _page(response)


def test_it_shows_the_log_in_a_fixed_number_of_queries(
    as_user, manager, other_therapist, service, django_assert_max_num_queries
):
    from ipt.clients.tests.factories import ClientFactory

    http = as_user(manager)
    for _ in range(20):
        BreakGlassAccessFactory(user=other_therapist, client=ClientFactory(service=service))
    with django_assert_max_num_queries(9):
        response = http.get(reverse("clients:break_glass_log"))
    assert _page(response).count(escape(other_therapist.display_name)) == 20
