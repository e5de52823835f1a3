"""Service managers and administrators choose the questionnaires before every session."""

import pytest
from django.urls import reverse

from ipt.core.models import AuditEvent
from ipt.courses.models import TherapyVariant
from ipt.measures import services
from ipt.measures.models import QuestionnaireSet


def _page(response) -> str:
    return response.content.decode()


@pytest.fixture
def group(service):
    return TherapyVariant.objects.get(service=service, code="group")


def test_it_shows_the_national_minimum_until_the_service_chooses(as_user, manager, group):
    page = _page(as_user(manager).get(reverse("measures:sets")))
    assert "PHQ-9, GAD-7, WSAS" in page
    assert "The service&#39;s questionnaires" in page or "The service's questionnaires" in page


def test_it_saves_the_services_set_and_courses_use_it(as_user, manager, course):
    http = as_user(manager)
    response = http.post(reverse("measures:set_default"), {"instrument_codes": ["PHQ9", "GAD7"]})
    assert response.status_code == 302
    assert services.instrument_codes_for(course) == ["PHQ9", "GAD7"]
    event = AuditEvent.objects.filter(object_type__endswith="questionnaireset").latest("sequence")
    assert event.actor == manager
    assert event.changes["instrument_codes"] == [[], ["PHQ9", "GAD7"]]
    assert "PHQ-9, GAD-7" in _page(http.get(reverse("measures:sets")))


def test_it_gives_a_variant_its_own_set_and_can_hand_it_back(as_user, administrator, group):
    http = as_user(administrator)
    url = reverse("measures:set_variant", args=[group.pk])
    assert http.post(url, {"instrument_codes": ["PHQ9"]}).status_code == 302
    assert QuestionnaireSet.objects.get(variant=group).instrument_codes == ["PHQ9"]

    assert http.post(url, {"use_service_set": "1"}).status_code == 302

    assert not QuestionnaireSet.objects.filter(variant=group).exists()
    removed = AuditEvent.objects.latest("sequence")
    assert removed.action == "delete"
    assert removed.changes["instrument_codes"] == [["PHQ9"], None]


def test_it_refuses_an_empty_set_with_422_and_keeps_the_old_one(as_user, manager, service):
    services.configure_set(service=service, instrument_codes=["PHQ9", "GAD7"], by=manager)
    response = as_user(manager).post(reverse("measures:set_default"), {})
    assert response.status_code == 422
    assert "Select at least one questionnaire" in _page(response)
    assert QuestionnaireSet.objects.get(service=service).instrument_codes == ["PHQ9", "GAD7"]


def test_it_refuses_an_unknown_questionnaire(as_user, manager, service):
    response = as_user(manager).post(reverse("measures:set_default"), {"instrument_codes": ["X"]})
    assert response.status_code == 422
    assert not QuestionnaireSet.objects.filter(service=service).exists()


@pytest.mark.parametrize("persona", ["therapist", "supervisor"])
def test_it_hides_the_pages_from_clinicians(request, as_user, persona, group):
    http = as_user(request.getfixturevalue(persona))
    assert http.get(reverse("measures:sets")).status_code == 404
    saved = http.post(reverse("measures:set_default"), {"instrument_codes": ["PHQ9"]})
    assert saved.status_code == 404
    assert not QuestionnaireSet.objects.exists()


def test_it_never_shows_or_changes_another_services_sets(as_user, outsider, manager, group):
    http = as_user(outsider)
    assert "Group IPT" not in _page(http.get(reverse("measures:sets")))
    url = reverse("measures:set_variant", args=[group.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, {"instrument_codes": ["PHQ9"]}).status_code == 404
    http.post(reverse("measures:set_default"), {"instrument_codes": ["PHQ9"]})
    assert not QuestionnaireSet.objects.filter(service=manager.service).exists()
