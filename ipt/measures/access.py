"""Who may see questionnaire answers and risk alerts, and who may enter, correct and acknowledge.

Answers and alerts are clinical: administrators never see them. Everyone else reaches them
through the courses they may open; a supervisor or service manager an alert was escalated to
also sees that alert.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from ipt.accounts.models import Supervision
from ipt.appointments.models import Appointment
from ipt.clients.access import can_see_clinical, visible_client_ids
from ipt.courses.access import can_manage_course, visible_courses
from ipt.courses.models import Course

from .models import Response, ResponseQuerySet, RiskAlert, RiskAlertQuerySet


def visible_responses(user) -> ResponseQuerySet:
    """Responses (every version) of the courses the user may open, for clinicians only."""
    if not can_see_clinical(user):
        return Response.objects.none()
    return Response.objects.filter(course__in=visible_courses(user).values("pk"))


# Beyond this many open alerts, alerts_for_attention does not name them in its query.
NARROW_AT_MOST = 200


def visible_alerts(user, among_clients: Iterable[int] | None = None) -> RiskAlertQuerySet:
    """Risk alerts of the courses the user may open, and those escalated to them; only the given
    clients' alerts, in both, if `among_clients` is given."""
    if not can_see_clinical(user):
        return RiskAlert.objects.none()
    escalated_to_them = RiskAlert.escalated_to.through.objects.filter(user=user).values(
        "riskalert_id"
    )
    escalated = Q(pk__in=escalated_to_them, course__service_id=user.service_id)
    if among_clients is not None:
        among_clients = list(among_clients)
        escalated &= Q(client_id__in=among_clients)
    # An alert's client is its course's client (set so when raised): matching the client ids
    # spares the database joining every visible client's courses first.
    return RiskAlert.objects.filter(
        Q(client_id__in=visible_client_ids(user, among=among_clients)) | escalated
    )


def alerts_for_attention(user) -> RiskAlertQuerySet:
    """Open alerts the user must act on: their own clients', and those escalated to them."""
    if not can_see_clinical(user):
        return RiskAlert.objects.none()
    escalated_to_them = RiskAlert.escalated_to.through.objects.filter(user=user).values(
        "riskalert_id"
    )
    # The few open alerts that are theirs or escalated to them first, and only then which of
    # those they may see: asked in one query, the planner works out every visible client (ten
    # thousand for a supervisor of a large service) against every course before narrowing.
    mine = Q(therapist=user) | Q(pk__in=escalated_to_them)
    theirs = dict(
        RiskAlert.objects.open().filter(mine).values_list("pk", "client_id")[: NARROW_AT_MOST + 1]
    )
    if not theirs:
        return RiskAlert.objects.none()
    if len(theirs) > NARROW_AT_MOST:  # too many to name in one query: ask as before
        found = visible_alerts(user).filter(mine)
    else:
        found = visible_alerts(user, among_clients=set(theirs.values())).filter(pk__in=list(theirs))
    return (
        found.open()  # still open now: one may have been acknowledged since the first query
        .select_related("client", "response", "therapist")
        .order_by("raised_at", "pk")
    )


def can_enter(user, course: Course) -> bool:
    """Enter and correct questionnaires: the course's therapist, their supervisor, managers."""
    return can_see_clinical(user) and can_manage_course(user, course)


def can_enter_for(user, appointment: Appointment) -> bool:
    return can_enter(user, appointment.course)


def _supervises(user, therapist_id: int) -> bool:
    return (
        bool(user.is_supervisor)
        and Supervision.objects.filter(supervisor=user, supervisee_id=therapist_id).exists()
    )


def can_acknowledge(user, alert: RiskAlert) -> bool:
    """The responsible therapist, their supervisor, or a service manager of the service."""
    if not can_see_clinical(user) or user.service_id != alert.course.service_id:
        return False
    return (
        alert.therapist_id == user.pk
        or bool(user.is_service_manager)
        or _supervises(user, alert.therapist_id)
    )


def acknowledgeable(user, alerts) -> set[int]:
    """Which of these alerts the user may acknowledge, in at most one query."""
    alerts = list(alerts)
    if not alerts or not can_see_clinical(user):
        return set()
    supervisees: set[int] = set()
    if user.is_supervisor:
        supervisees = set(
            Supervision.objects.filter(supervisor=user).values_list("supervisee_id", flat=True)
        )
    return {
        alert.pk
        for alert in alerts
        if alert.client.service_id == user.service_id
        and (
            alert.therapist_id == user.pk
            or user.is_service_manager
            or alert.therapist_id in supervisees
        )
    }
