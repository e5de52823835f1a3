from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from ipt.clients.models import Client, Referral, ReferralStatus
from ipt.core.audit import verify_chain
from ipt.nonprod import demo


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def loaded(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_a_service_with_every_role_and_about_forty_clients(loaded):
    assert "Demo data loaded." in loaded
    for username in ("ada.admin", "maya.manager", "sam.supervisor", "tessa.therapist"):
        assert username in loaded
    assert 38 <= Client.objects.count() <= 45
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert verify_chain().intact


def test_running_it_twice_changes_nothing(loaded):
    before = _row_counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _row_counts() == before


def test_the_two_personas_are_on_their_therapists_caseloads(loaded, client):
    rachel = Client.objects.get(given_name="Rachel", family_name="Okafor")
    geoffrey = Client.objects.get(given_name="Geoffrey", family_name="Hartley")
    assert rachel.referrals.get().allocated_therapist.username == "tessa.therapist"
    assert geoffrey.referrals.get().allocated_therapist.username == "theo.therapist"
    assert "wife died five months ago" in geoffrey.referrals.get().reason


def test_a_printed_backup_code_signs_the_demo_therapist_in(loaded, client):
    line = next(row for row in loaded.splitlines() if row.strip().startswith("tessa.therapist"))
    code = line.split("codes:")[1].split()[0]
    client.post(
        reverse("accounts:sign_in"), {"username": "tessa.therapist", "password": demo.PASSWORD}
    )
    response = client.post(reverse("accounts:verify"), {"token": code}, follow=True)
    assert "Hello, Tessa" in response.content.decode()
    caseload = client.get(reverse("clients:list")).content.decode()
    assert "Okafor" in caseload
    assert "Hartley" not in caseload


def test_courses_are_at_every_state_with_a_year_of_mostly_attended_appointments(loaded):
    from django.utils import timezone

    from ipt.appointments.models import Appointment
    from ipt.courses.models import Course

    assert set(Course.objects.values_list("status", flat=True)) == set(Course.Status.values)
    recorded = Appointment.objects.exclude(attendance="")
    attended = recorded.filter(attendance__in=["5", "6"]).count()
    assert 0.85 <= attended / recorded.count() <= 0.95
    earliest = Appointment.objects.order_by("starts_at").first().starts_at
    assert (timezone.now() - earliest).days >= 330


def test_the_personas_courses_are_where_their_stories_say(loaded):
    from ipt.courses.models import Course
    from ipt.courses.services import progress

    rachel = Course.objects.get(client__given_name="Rachel")
    geoffrey = Course.objects.get(client__given_name="Geoffrey")
    from ipt.measures import progress as scores
    from ipt.measures.models import RiskAlert

    for course in (rachel, geoffrey):
        assert course.status == "completed"
        assert progress(course).attended == 16
        outcome = scores.outcome_of(course, scores.series_of(course))
        assert outcome.finished and outcome.reliable_recovery, outcome.explanation
    alert = RiskAlert.objects.get(course=geoffrey)
    assert alert.acknowledged_at is not None
    boosters = geoffrey.appointments.filter(kind="booster")
    assert boosters.count() == 3
    assert boosters.filter(attendance="5").count() >= 1
