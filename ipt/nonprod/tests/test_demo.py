import re
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


def test_the_printed_client_login_opens_geoffreys_portal(loaded):
    from django.test import Client as Browser

    assert "g.hartley@example.com" in loaded
    browser = Browser()
    response = browser.post(
        reverse("portal:sign_in"),
        {"email": "g.hartley@example.com", "password": demo.PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    home = browser.get(reverse("portal:home")).content.decode()
    assert "Geoffrey" in home


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


def _signed_in_as(username: str):
    from ipt.accounts.models import User
    from ipt.conftest import signed_in

    return signed_in(User.objects.get(username=username))


def test_rachels_record_tells_her_role_dispute_from_impasse_to_renegotiation(loaded):
    from ipt.assessments.models import InventorySnapshot
    from ipt.courses.models import Course
    from ipt.formulations.models import FocusArea
    from ipt.notes.models import HomeworkOutcome, SessionNote

    course = Course.objects.get(client__given_name="Rachel")
    assessment = course.assessment
    assert assessment.icd10_code == "F32.1"
    assert assessment.sick_role_discussed and assessment.psychoeducation_given
    assert assessment.medication_considered and assessment.safety_plan
    # A narrative and a safety plan, never a score or a low/medium/high label.
    assert assessment.risk_narrative
    assert not re.search(r"\b(low|medium|high) risk\b", assessment.risk_narrative, re.I)

    relationships = [e.relationship for e in course.inventory_entries.current()]
    assert relationships.count("partner") == 1 and relationships.count("child") >= 2
    assert relationships.count("colleague") >= 2
    assert {"friend", "parent"} <= set(relationships)
    assert {e.ring for e in course.inventory_entries.current()} == {1, 2, 3}
    snapshots = list(InventorySnapshot.objects.filter(course=course).order_by("taken_on"))
    assert [s.occasion for s in snapshots] == ["assessment", "mid_point", "end"]
    rings = [{e["name"]: e["ring"] for e in s.entries} for s in snapshots]
    assert rings[0]["Daniel"] == 2 and rings[-1]["Daniel"] == 1
    assert rings[0]["Lou"] > rings[1]["Lou"]
    assert course.timeline_events.filter(linked_to_onset=True, kind="job").exists()
    episode = course.mood_episodes.get()
    onset = course.timeline_events.filter(linked_to_onset=True).order_by("occurred_on").first()
    assert onset.occurred_on <= episode.started_on

    dispute = FocusArea.objects.get(course=course, rank="primary")
    assert dispute.area == "role_dispute" and "Daniel" in dispute.dispute_with
    history = list(dispute.stage_changes.order_by("changed_on"))
    assert [c.stage for c in history] == ["impasse", "renegotiation"]
    assert history[0].changed_on < history[1].changed_on
    assert dispute.dispute_stage == "renegotiation"
    versions = list(course.formulations.order_by("version"))
    assert [v.version for v in versions] == [1, 2] and all(v.is_agreed for v in versions)
    assert course.goals.count() >= 2
    for goal in course.goals.all():
        scores = list(goal.ratings.order_by("rated_on").values_list("score", flat=True))
        assert len(scores) >= 3 and scores[-1] > scores[0]

    notes = SessionNote.objects.filter(course=course).select_related("appointment")
    assert notes.count() >= 12
    assert all(n.is_signed and n.author_id == n.signed_by_id == course.therapist_id for n in notes)
    assert {n.template for n in notes} == {"initial", "middle", "ending"}
    techniques = {t for n in notes.filter(template="middle") for t in n.content["techniques"]}
    assert {"role_play", "communication_analysis"} <= techniques
    homework = course.homework.order_by("set_at__starts_at")
    assert homework.count() == notes.filter(template="middle").count()
    assert all(task.reviewed_at.starts_at > task.set_at.starts_at for task in homework)
    assert homework.filter(outcome=HomeworkOutcome.DONE).exists()
    assert any(
        "role" in t.description.lower() or "practise" in t.description.lower() for t in homework
    )
    assert notes.filter(addenda__isnull=False).count() == 1
    assert course.midpoint_review.appointment is not None
    assert course.relapse_prevention_plan.early_warning_signs
    assert course.ending_summary.gains

    http = _signed_in_as("tessa.therapist")
    page = http.get(reverse("formulations:overview", args=[course.pk])).content.decode()
    assert "Role dispute" in page and "Renegotiation" in page and "Impasse" in page
    notes_page = http.get(reverse("notes:list", args=[course.pk]))
    assert notes_page.status_code == 200
    compare = http.get(reverse("assessments:compare", args=[course.pk]))
    assert compare.status_code == 200 and "Daniel" in compare.content.decode()


def test_geoffreys_record_has_his_wifes_death_and_his_return_to_tennis_and_cycling(loaded):
    from ipt.courses.models import Course
    from ipt.formulations.models import FocusArea
    from ipt.notes.models import SessionNote

    course = Course.objects.get(client__given_name="Geoffrey")
    grief = FocusArea.objects.get(course=course, rank="primary")
    assert grief.area == "grief" and "Maggie" in grief.deceased and grief.died_on is not None
    death = course.timeline_events.get(kind="death")
    assert death.occurred_on == grief.died_on and death.linked_to_onset
    illness = course.timeline_events.filter(kind="illness").order_by("occurred_on").first()
    assert illness.occurred_on < grief.died_on
    assert course.mood_episodes.get().started_on > grief.died_on
    details = {e.relationship_detail for e in course.inventory_entries.current()}
    assert any("tennis" in d.lower() for d in details)
    assert any("cycling" in d.lower() for d in details)
    goals = " ".join(course.goals.values_list("text", flat=True)).lower()
    assert "tennis" in goals and "cycling" in goals and "friends" in goals
    notes = SessionNote.objects.filter(course=course)
    assert notes.filter(template="middle").count() == 8
    assert all(n.is_signed and n.author_id == course.therapist_id for n in notes)
    assert course.homework.filter(reviewed_at__isnull=False).count() == 8
    assert course.midpoint_review and course.relapse_prevention_plan and course.ending_summary

    http = _signed_in_as("theo.therapist")
    page = http.get(reverse("formulations:overview", args=[course.pk])).content.decode()
    assert "Grief" in page and "Maggie" in page
    assert http.get(reverse("assessments:timeline", args=[course.pk])).status_code == 200
