"""Opening courses, renegotiating contracts, moving status, progress, and the variants."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.models import AuditEvent
from ipt.courses import services
from ipt.courses.models import Course, CourseStatusChange, TherapyVariant, TreatmentContract
from ipt.courses.rules import CourseStatus, Phase
from ipt.courses.services import CourseRefused
from ipt.courses.variants import DEFAULT_VARIANTS
from ipt.organisations.tests.factories import ServiceFactory

from .factories import add_appointment, attend, open_course

YESTERDAY = dt.timedelta(days=1)


@pytest.fixture
def referral(service, site, therapist, manager):
    client = ClientFactory(service=service, created_by=manager)
    return ReferralFactory(
        client=client,
        site=site,
        created_by=manager,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
    )


@pytest.fixture
def individual(service):
    return service.therapy_variants.get(code="individual")


def _open(referral, variant, by, **terms):
    return services.open_course(
        referral=referral,
        variant=variant,
        by=by,
        agreed_on=timezone.localdate() - YESTERDAY,
        **terms,
    )


def test_it_opens_a_course_with_the_variants_defaults(referral, individual, therapist):
    course = _open(referral, individual, therapist)
    assert course.status == CourseStatus.ASSESSMENT
    assert course.therapist == therapist
    assert course.client_id == referral.client_id
    contract = services.current_contract(course)
    assert contract.version == 1
    assert (contract.planned_sessions, contract.initial_last, contract.middle_last) == (16, 4, 12)
    assert (contract.frequency, contract.session_minutes) == ("weekly", 50)
    assert list(course.status_changes.values_list("from_status", "to_status")) == [
        ("", "assessment")
    ]
    event = AuditEvent.objects.get(action="create", object_id=str(course.pk))
    assert event.client_id == referral.client_id
    assert event.object_type == "courses.course"
    assert event.changes["planned_sessions"] == [None, 16]


def test_it_opens_a_course_with_the_contract_agreed_with_the_client(
    referral, individual, therapist
):
    course = _open(
        referral,
        individual,
        therapist,
        planned_sessions=12,
        initial_last=3,
        middle_last=9,
        ending_named_at=9,
        mid_point_review=6,
        frequency="fortnightly",
    )
    contract = services.current_contract(course)
    assert (contract.planned_sessions, contract.middle_last, contract.frequency) == (
        12,
        9,
        "fortnightly",
    )


def test_it_opens_a_course_for_another_therapist_of_the_service(
    referral, individual, manager, other_therapist
):
    course = _open(referral, individual, manager, therapist=other_therapist)
    assert course.therapist == other_therapist
    assert course.created_by == manager


@pytest.mark.parametrize(
    "status",
    [
        ReferralStatus.WAITING_FOR_ASSESSMENT,
        ReferralStatus.ASSESSED,
        ReferralStatus.DECLINED_OR_SIGNPOSTED,
        ReferralStatus.WITHDRAWN,
    ],
)
def test_it_opens_courses_only_from_referrals_accepted_for_ipt(
    referral, individual, therapist, status
):
    referral.status = status
    referral.save(update_fields=["status"])
    with pytest.raises(CourseRefused, match="Only a referral accepted for IPT"):
        _open(referral, individual, therapist)
    assert not Course.objects.exists()
    assert not AuditEvent.objects.filter(object_type="courses.course").exists()


def test_it_opens_one_course_per_referral(referral, individual, therapist):
    _open(referral, individual, therapist)
    with pytest.raises(CourseRefused, match="already has a course"):
        _open(referral, individual, therapist)
    assert Course.objects.count() == 1


def test_it_refuses_a_variant_of_another_service(referral, therapist):
    elsewhere = ServiceFactory(name="Elsewhere")
    variant = TherapyVariant.objects.create(service=elsewhere, **DEFAULT_VARIANTS[0])
    with pytest.raises(CourseRefused, match="Choose one of the service's IPT variants"):
        _open(referral, variant, therapist)
    assert not Course.objects.exists()


def test_it_refuses_a_deactivated_variant(referral, individual, therapist):
    individual.is_active = False
    individual.save(update_fields=["is_active"])
    with pytest.raises(CourseRefused, match="Choose one of the service's IPT variants"):
        _open(referral, individual, therapist)


def test_it_needs_an_active_therapist_of_the_service(
    referral, individual, manager, therapist, outsider
):
    referral.allocated_therapist = None
    referral.allocated_at = None
    referral.save(update_fields=["allocated_therapist", "allocated_at"])
    with pytest.raises(CourseRefused, match="Allocate the referral to a therapist"):
        _open(referral, individual, manager)
    elsewhere = UserFactory(service=outsider.service, is_therapist=True)
    with pytest.raises(CourseRefused, match="Allocate the referral to a therapist"):
        _open(referral, individual, manager, therapist=elsewhere)
    with pytest.raises(CourseRefused, match="Allocate the referral to a therapist"):
        _open(referral, individual, manager, therapist=manager)
    therapist.is_active = False
    therapist.save(update_fields=["is_active"])
    with pytest.raises(CourseRefused, match="Allocate the referral to a therapist"):
        _open(referral, individual, manager, therapist=therapist)
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"planned_sessions": 21}, "between 8 and 20"),
        ({"initial_last": 12}, "The initial phase must end before the middle phase"),
        ({"ending_named_at": 5}, "Name the ending"),
        ({"mid_point_review": 17}, "The mid-point review must be one of the planned sessions"),
        ({"session_minutes": 20}, "between 30 and 180 minutes"),
    ],
)
def test_it_refuses_contract_terms_that_break_the_rules(
    referral, individual, therapist, terms, message
):
    with pytest.raises(CourseRefused, match=message):
        _open(referral, individual, therapist, **terms)
    assert not Course.objects.exists()
    assert not TreatmentContract.objects.exists()


def test_it_renegotiates_the_contract_keeping_every_version(course, therapist):
    first = services.current_contract(course)
    contract = services.renegotiate_contract(
        course=course,
        by=therapist,
        reason="  Client starting a new job; fortnightly sessions  ",
        agreed_on=timezone.localdate(),
        frequency="fortnightly",
        planned_sessions=12,
        middle_last=9,
        ending_named_at=9,
    )
    assert contract.version == 2
    assert contract.reason == "Client starting a new job; fortnightly sessions"
    assert (contract.planned_sessions, contract.initial_last, contract.middle_last) == (12, 4, 9)
    assert services.current_contract(course) == contract
    assert list(course.contracts.values_list("version", flat=True)) == [2, 1]
    first.refresh_from_db()
    assert first.planned_sessions == 16
    event = AuditEvent.objects.filter(action="update", object_id=str(course.pk)).get()
    assert event.client_id == course.client_id
    assert "version 2" in event.summary
    assert event.changes["planned_sessions"] == [16, 12]
    assert event.changes["frequency"] == ["weekly", "fortnightly"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_needs_a_reason_to_renegotiate(course, therapist, reason):
    with pytest.raises(CourseRefused, match="Enter the reason"):
        services.renegotiate_contract(
            course=course, by=therapist, reason=reason, agreed_on=timezone.localdate()
        )
    assert course.contracts.count() == 1


def test_it_refuses_to_plan_fewer_sessions_than_attended(course, therapist):
    attend(course, 9)
    with pytest.raises(CourseRefused, match="attended 9 sessions; plan at least that many"):
        services.renegotiate_contract(
            course=course,
            by=therapist,
            reason="Shorter course",
            agreed_on=timezone.localdate(),
            planned_sessions=8,
            initial_last=2,
            middle_last=6,
            ending_named_at=6,
        )
    assert course.contracts.count() == 1


def test_it_refuses_invalid_renegotiated_terms(course, therapist):
    with pytest.raises(CourseRefused, match="between 8 and 20"):
        services.renegotiate_contract(
            course=course,
            by=therapist,
            reason="More sessions",
            agreed_on=timezone.localdate(),
            planned_sessions=24,
        )
    assert course.contracts.count() == 1


def test_it_refuses_to_renegotiate_an_ended_course(course, therapist):
    services.change_status(
        course=course, to_status="withdrawn", by=therapist, reason_code="client_chose_to_stop"
    )
    with pytest.raises(CourseRefused, match="The course has ended"):
        services.renegotiate_contract(
            course=course, by=therapist, reason="Too late", agreed_on=timezone.localdate()
        )


def test_it_never_changes_a_contract_row(course):
    contract = services.current_contract(course)
    contract.planned_sessions = 12
    with pytest.raises(ValueError, match="never changed"):
        contract.save()


def test_it_moves_a_course_into_treatment(course, therapist):
    change = services.change_status(course=course, to_status="treatment", by=therapist)
    assert course.status == "treatment"
    course.refresh_from_db()
    assert course.status == "treatment"
    assert course.ended_on is None
    assert (change.from_status, change.to_status, change.changed_by) == (
        "assessment",
        "treatment",
        therapist,
    )
    event = AuditEvent.objects.filter(action="update", object_id=str(course.pk)).get()
    assert event.client_id == course.client_id
    assert event.changes == {"status": ["assessment", "treatment"]}


def test_it_completes_a_course_with_its_ending_date_and_reason(course, therapist):
    services.change_status(course=course, to_status="treatment", by=therapist)
    ended_on = timezone.localdate() - dt.timedelta(days=2)
    services.change_status(
        course=course,
        to_status=CourseStatus.COMPLETED,
        by=therapist,
        reason_code="planned_ending",
        note="  Goals met; relapse plan agreed  ",
        on=ended_on,
    )
    course.refresh_from_db()
    assert (course.status, course.ended_on, course.end_reason) == (
        "completed",
        ended_on,
        "planned_ending",
    )
    assert course.end_reason_label == "Completed the agreed sessions"
    last = course.status_changes.last()
    assert (last.reason_code, last.note) == ("planned_ending", "Goals met; relapse plan agreed")
    assert list(course.status_changes.values_list("to_status", flat=True)) == [
        "assessment",
        "treatment",
        "completed",
    ]
    event = AuditEvent.objects.filter(action="update", object_id=str(course.pk)).latest("sequence")
    assert event.client_id == course.client_id
    assert event.changes["ended_on"] == [None, ended_on.isoformat()]


def test_it_ends_a_course_today_unless_told_otherwise(course, therapist):
    services.change_status(
        course=course, to_status="dropped_out", by=therapist, reason_code="moved_away"
    )
    assert course.ended_on == timezone.localdate()


@pytest.mark.parametrize(
    ("to_status", "reason_code", "message"),
    [
        ("completed", "planned_ending", "A course that is assessment cannot become completed"),
        ("dropped_out", "", "Select the reason the course ended"),
        ("dropped_out", "planned_ending", "Select the reason the course ended"),
        ("assessment", "", "cannot become assessment"),
    ],
)
def test_it_refuses_a_status_change_the_rules_do_not_allow_and_changes_nothing(
    course, therapist, to_status, reason_code, message
):
    with pytest.raises(CourseRefused, match=message):
        services.change_status(
            course=course, to_status=to_status, by=therapist, reason_code=reason_code
        )
    course.refresh_from_db()
    assert (course.status, course.ended_on, course.end_reason) == ("assessment", None, "")
    assert course.status_changes.count() == 1
    assert not AuditEvent.objects.filter(action="update", object_id=str(course.pk)).exists()


def test_it_lets_no_ended_course_move(course, therapist):
    services.change_status(course=course, to_status="referred_on", by=therapist, reason_code="risk")
    with pytest.raises(CourseRefused, match="referred on cannot become treatment"):
        services.change_status(course=course, to_status="treatment", by=therapist)
    course.refresh_from_db()
    assert course.status == "referred_on"


def test_it_keeps_status_history_append_only(course):
    change = course.status_changes.get()
    change.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        change.save()


def test_it_counts_only_attended_treatment_sessions(course):
    attend(course, 3)
    add_appointment(course, attendance="6")
    add_appointment(course, attendance="3")
    add_appointment(course, attendance="2")
    add_appointment(course, attendance="")
    add_appointment(course, kind="assessment")
    add_appointment(course, kind="booster")
    assert services.attended_treatment_sessions(course) == 4
    assert services.progress(course).label == "Session 4 of 16 · initial phase"


def test_it_describes_progress_from_the_current_contract(course, therapist):
    assert services.progress(course).label == "Session 1 of 16 · initial phase"
    attend(course, 6)
    progress = services.progress(course)
    assert (progress.label, progress.remaining, progress.phase) == (
        "Session 6 of 16 · middle phase",
        10,
        Phase.MIDDLE,
    )
    services.renegotiate_contract(
        course=course,
        by=therapist,
        reason="Shorter course",
        agreed_on=timezone.localdate(),
        planned_sessions=10,
        initial_last=3,
        middle_last=7,
        ending_named_at=7,
        mid_point_review=5,
    )
    assert services.progress(course).label == "Session 6 of 10 · middle phase"
    first = course.contracts.get(version=1)
    assert services.progress(course, contract=first).label == "Session 6 of 16 · middle phase"


def test_it_signals_the_ending_from_the_named_session(course):
    attend(course, 11)
    assert not services.progress(course).ending_signalled
    attend(course, 1)
    assert services.progress(course).ending_signalled
    assert services.progress(course).remaining == 4


def test_it_gives_the_progress_of_several_courses_in_two_queries(
    course, therapist, site, django_assert_num_queries
):
    second = open_course(therapist=therapist, site=site, variant_code="adolescent")
    attend(course, 6)
    attend(second, 10)
    add_appointment(second, attendance="3")
    with django_assert_num_queries(2):
        found = services.progress_of([course, second])
    assert found[course.pk] == services.progress(course)
    assert found[second.pk].label == "Session 10 of 12 · ending phase"
    assert services.progress_of([]) == {}


def test_it_flags_a_course_for_review_after_missed_sessions_in_a_row(course, service):
    attend(course, 2)
    add_appointment(course, attendance="3")
    assert not services.needs_review(course)
    add_appointment(course, attendance="2")
    add_appointment(course, kind="assessment", attendance="7")
    assert services.needs_review(course)
    add_appointment(course, kind="booster", attendance="5")
    assert services.needs_review(course)
    add_appointment(course, attendance="5")
    assert not services.needs_review(course)


def test_it_uses_the_services_review_threshold(course, service):
    service.consecutive_non_attendances_for_review = 3
    service.save(update_fields=["consecutive_non_attendances_for_review"])
    course.service.refresh_from_db()
    attend(course, 2, attendance="3")
    assert not services.needs_review(course)
    attend(course, 1, attendance="3")
    assert services.needs_review(course)


def test_it_suggests_the_variants_terms_as_defaults(service):
    adolescent = service.therapy_variants.get(code="adolescent")
    assert services.defaults_from(adolescent) == {
        "planned_sessions": 12,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 8,
        "mid_point_review": 6,
        "ending_named_at": 9,
    }


def test_it_gives_a_new_service_the_default_variants_once(manager):
    service = ServiceFactory(name="New Service")
    made = services.add_default_variants(service=service, by=manager)
    assert len(made) == 8
    assert (
        AuditEvent.objects.filter(action="create", object_type="courses.therapyvariant").count()
        == 8
    )
    assert services.add_default_variants(service=service, by=manager) == []
    assert service.therapy_variants.count() == 8


def test_it_keeps_each_default_variants_terms_valid():
    for values in DEFAULT_VARIANTS:
        services._check_terms({name: values[name] for name in services.CONTRACT_FIELDS})


VARIANT = {
    "name": "Brief IPT",
    "description": "Eight sessions for milder depression.",
    "planned_sessions": 8,
    "frequency": "weekly",
    "session_minutes": 50,
    "initial_last": 2,
    "middle_last": 6,
    "mid_point_review": 4,
    "ending_named_at": 6,
    "therapy_mode": "01",
    "carer_joins": False,
    "partner_attends": False,
    "adjunct_to_medication": False,
}


def test_it_adds_a_variant_with_a_code_made_from_its_name(service, administrator):
    variant = services.create_variant(service=service, by=administrator, **VARIANT)
    assert (variant.code, variant.name, variant.planned_sessions) == ("brief_ipt", "Brief IPT", 8)
    assert variant.is_active
    event = AuditEvent.objects.get(action="create", object_id=str(variant.pk))
    assert event.object_type == "courses.therapyvariant"
    assert event.changes["planned_sessions"] == [None, 8]
    assert event.actor == administrator


def test_it_keeps_variant_codes_unique(service, administrator):
    first = services.create_variant(service=service, by=administrator, **VARIANT)
    services.update_variant(variant=first, by=administrator, name="Brief IPT (old)")
    second = services.create_variant(service=service, by=administrator, **VARIANT)
    assert (first.code, second.code) == ("brief_ipt", "brief_ipt_2")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Enter the name of the variant"),
        ({"name": "ipt for depression"}, "already has a variant called"),
        ({"planned_sessions": 6}, "between 8 and 20"),
        ({"middle_last": 8}, "The initial phase must end before the middle phase"),
    ],
)
def test_it_refuses_an_invalid_variant(service, administrator, changes, message):
    with pytest.raises(CourseRefused, match=message):
        services.create_variant(service=service, by=administrator, **(VARIANT | changes))
    assert service.therapy_variants.count() == 8
    assert not AuditEvent.objects.filter(object_type="courses.therapyvariant").exists()


def test_it_refuses_unknown_variant_details(service, administrator):
    with pytest.raises(TypeError, match="code"):
        services.create_variant(service=service, by=administrator, **VARIANT, code="x")


def test_it_changes_a_variant_without_touching_open_courses(course, service, administrator):
    variant = course.variant
    services.update_variant(
        variant=variant, by=administrator, planned_sessions=12, middle_last=8, ending_named_at=9
    )
    variant.refresh_from_db()
    assert (variant.planned_sessions, variant.code) == (12, "individual")
    assert services.current_contract(course).planned_sessions == 16
    event = AuditEvent.objects.get(action="update", object_id=str(variant.pk))
    assert event.changes == {
        "ending_named_at": [12, 9],
        "middle_last": [12, 8],
        "planned_sessions": [16, 12],
    }


def test_it_deactivates_a_variant_rather_than_deleting_it(service, administrator):
    variant = service.therapy_variants.get(code="maintenance")
    services.update_variant(variant=variant, by=administrator, is_active=False)
    assert not service.therapy_variants.active().filter(code="maintenance").exists()
    assert service.therapy_variants.filter(code="maintenance").exists()


def test_it_records_nothing_when_a_variant_does_not_change(service, administrator):
    variant = service.therapy_variants.get(code="group")
    services.update_variant(variant=variant, by=administrator, name="Group IPT", is_active=True)
    assert not AuditEvent.objects.filter(object_id=str(variant.pk)).exists()


def test_it_leaves_a_refused_variant_change_unsaved(service, administrator):
    variant = service.therapy_variants.get(code="group")
    with pytest.raises(CourseRefused, match="already has a variant called"):
        services.update_variant(variant=variant, by=administrator, name="Telephone IPT")
    assert variant.name == "Group IPT"
    variant.refresh_from_db()
    assert variant.name == "Group IPT"


def test_it_reads_the_current_contract_in_one_query(course):
    with CaptureQueriesContext(connection) as queries:
        services.current_contract(course)
    assert len(queries) == 1


def test_it_keeps_status_changes_in_order(course, therapist):
    services.change_status(course=course, to_status="treatment", by=therapist)
    assert [str(c) for c in CourseStatusChange.objects.filter(course=course)] == [
        "new → assessment",
        "assessment → treatment",
    ]


def test_a_course_given_to_another_therapist_moves_the_referral_to_their_caseload(
    therapist, other_therapist, site
):
    from django.utils import timezone

    from ipt.clients.access import visible_clients
    from ipt.clients.models import ReferralStatus
    from ipt.clients.tests.factories import ReferralFactory
    from ipt.core.models import AuditEvent
    from ipt.courses import services
    from ipt.courses.models import TherapyVariant

    referral = ReferralFactory(
        site=site,
        client__service=therapist.service,
        created_by=therapist,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
    )
    course = services.open_course(
        referral=referral,
        variant=TherapyVariant.objects.get(service=therapist.service, code="individual"),
        by=therapist,
        agreed_on=timezone.localdate(),
        therapist=other_therapist,
    )
    referral.refresh_from_db()
    assert course.therapist == other_therapist
    assert referral.allocated_therapist == other_therapist
    assert visible_clients(other_therapist).filter(pk=course.client_id).exists()
    assert not visible_clients(therapist).filter(pk=course.client_id).exists()
    assert AuditEvent.objects.filter(
        client_id=course.client_id, summary__startswith="Allocated the referral"
    ).exists()
