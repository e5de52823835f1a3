"""Administrators manage their service's IPT variants; nobody else sees the pages."""

import pytest
from django.urls import reverse

from ipt.core.models import AuditEvent
from ipt.courses.models import TherapyVariant


def _page(response) -> str:
    return response.content.decode()


def _form(**changes) -> dict[str, str | list[str]]:
    return {
        "name": "Brief IPT",
        "description": "Eight sessions for milder depression.",
        "planned_sessions": "8",
        "frequency": "weekly",
        "session_minutes": "50",
        "initial_last": "2",
        "middle_last": "6",
        "mid_point_review": "4",
        "ending_named_at": "6",
        "therapy_mode": "01",
    } | changes


def test_it_lists_the_services_variants(as_user, administrator, service):
    service.therapy_variants.filter(code="maintenance").update(is_active=False)
    response = as_user(administrator).get(reverse("courses:variant_list"))
    page = _page(response)
    assert response.status_code == 200
    assert "IPT for eating disorders" in page
    assert "20 sessions, weekly, 50 minutes; phases 1–5 / 6–16 / 17–20" in page
    assert "Deactivated" in page
    assert 'href="/ipt-variants/"' in page  # the header navigation


def test_it_adds_a_variant(as_user, administrator, service):
    http = as_user(administrator)
    assert http.get(reverse("courses:variant_new")).status_code == 200
    data = _form(features=["carer_joins"])
    response = http.post(reverse("courses:variant_new"), data)
    assert response["Location"] == reverse("courses:variant_list")
    variant = service.therapy_variants.get(name="Brief IPT")
    assert (variant.code, variant.planned_sessions, variant.carer_joins) == ("brief_ipt", 8, True)
    assert not variant.partner_attends
    assert AuditEvent.objects.filter(action="create", object_id=str(variant.pk)).exists()
    assert "Brief IPT has been added" in _page(http.get(response["Location"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name of the variant"),
        ({"name": "Telephone IPT"}, "Your service already has a variant called Telephone IPT"),
        ({"planned_sessions": "30"}, "The planned number of sessions must be between 8 and 20"),
        ({"middle_last": "9"}, "The initial phase must end before the middle phase"),
        ({"therapy_mode": "09"}, "Select the therapy mode"),
    ],
)
def test_it_refuses_an_invalid_variant_with_422_and_saves_nothing(
    as_user, administrator, service, changes, message
):
    response = as_user(administrator).post(reverse("courses:variant_new"), _form(**changes))
    assert response.status_code == 422
    assert message in _page(response)
    assert service.therapy_variants.count() == 8


def test_it_changes_and_deactivates_a_variant(as_user, administrator, service):
    variant = service.therapy_variants.get(code="group")
    url = reverse("courses:variant_edit", kwargs={"pk": variant.pk})
    http = as_user(administrator)
    page = _page(http.get(url))
    assert 'name="session_minutes" type="text" value="90"' in page
    data = _form(
        name="Group IPT",
        planned_sessions="16",
        initial_last="4",
        middle_last="12",
        ending_named_at="12",
        mid_point_review="8",
        session_minutes="120",
        therapy_mode="03",
        is_active="False",
    )
    response = http.post(url, data)
    assert response["Location"] == reverse("courses:variant_list")
    variant.refresh_from_db()
    assert (variant.session_minutes, variant.is_active, variant.code) == (120, False, "group")
    event = AuditEvent.objects.get(action="update", object_id=str(variant.pk))
    assert event.changes["session_minutes"] == [90, 120]
    assert event.changes["is_active"] == [True, False]


def test_it_refuses_an_invalid_change_with_422(as_user, administrator, service):
    variant = service.therapy_variants.get(code="group")
    url = reverse("courses:variant_edit", kwargs={"pk": variant.pk})
    response = as_user(administrator).post(url, _form(name="Telephone IPT", is_active="True"))
    assert response.status_code == 422
    assert "already has a variant called Telephone IPT" in _page(response)
    variant.refresh_from_db()
    assert variant.name == "Group IPT"


@pytest.mark.parametrize("who", ["therapist", "supervisor", "manager", "outsider"])
def test_it_lets_only_administrators_of_the_service_manage_variants(as_user, request, who, service):
    user = request.getfixturevalue(who)
    variant = service.therapy_variants.get(code="group")
    http = as_user(user)
    assert http.get(reverse("courses:variant_list")).status_code == 404
    assert http.get(reverse("courses:variant_new")).status_code == 404
    assert http.post(reverse("courses:variant_new"), _form()).status_code == 404
    url = reverse("courses:variant_edit", kwargs={"pk": variant.pk})
    assert http.get(url).status_code == 404
    assert http.post(url, _form(is_active="False")).status_code == 404
    assert TherapyVariant.objects.filter(service=service).count() == 8
    assert TherapyVariant.objects.get(pk=variant.pk).is_active


def test_it_hides_another_services_variants_from_administrators(as_user, administrator, outsider):
    from ipt.courses.variants import DEFAULT_VARIANTS

    elsewhere = TherapyVariant.objects.create(service=outsider.service, **DEFAULT_VARIANTS[0])
    url = reverse("courses:variant_edit", kwargs={"pk": elsewhere.pk})
    assert as_user(administrator).get(url).status_code == 404
