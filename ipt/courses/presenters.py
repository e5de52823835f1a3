"""Display values for courses, contracts and variants: plain text and NHS component parameters.

Pure functions of the objects they are given (prefetched by the view); no queries here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

from ipt.clients.models import Referral
from ipt.clients.presenters import date_and_time, long_date

from .models import Course, CourseStatusChange, Frequency, TherapyVariant, TreatmentContract
from .rules import END_REASONS, ContractTerms, CourseStatus, Phase, Progress

STATUS_LABELS = dict(Course.Status.choices)
FREQUENCY_LABELS = dict(Frequency.choices)

STATE_COLOURS = {
    Phase.INITIAL: "blue",
    Phase.MIDDLE: "purple",
    Phase.ENDING: "orange",
    CourseStatus.ASSESSMENT: "white",
    CourseStatus.COMPLETED: "green",
    CourseStatus.DROPPED_OUT: "red",
    CourseStatus.REFERRED_ON: "grey",
    CourseStatus.WITHDRAWN: "grey",
}


def optional_url(name: str, *args: Any) -> str | None:
    """The URL, or None while the page it names does not exist yet (another app's pages)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


def _row(key: str, value: str) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"text": value}}


def sessions(count: int) -> str:
    return f"{count} session" if count == 1 else f"{count} sessions"


def remaining_text(progress: Progress) -> str:
    """'4 sessions remaining', 'No sessions remaining'."""
    if progress.remaining == 0:
        return "No sessions remaining"
    return f"{sessions(progress.remaining)} remaining"


def state_label(course: Course, progress: Progress) -> str:
    """In treatment, the phase ('Middle phase'); otherwise the status ('Assessment')."""
    if course.status == CourseStatus.TREATMENT:
        return progress.phase.label.capitalize()
    return STATUS_LABELS.get(course.status, course.status)


def state_tag(course: Course, progress: Progress) -> dict[str, str]:
    key = progress.phase if course.status == CourseStatus.TREATMENT else course.status
    return {"text": state_label(course, progress), "colour": STATE_COLOURS.get(key, "grey")}


def session_range(first: int, last: int) -> str:
    """'Sessions 5 to 12', or 'Session 1' for a phase of one session."""
    if first >= last:
        return f"Session {first}"
    return f"Sessions {first} to {last}"


def phase_ranges(terms: ContractTerms) -> list[tuple[str, str]]:
    return [
        ("Initial phase", session_range(1, terms.initial_last)),
        ("Middle phase", session_range(terms.initial_last + 1, terms.middle_last)),
        ("Ending phase", session_range(terms.middle_last + 1, terms.planned_sessions)),
    ]


def phases_in_short(initial_last: int, middle_last: int, planned_sessions: int) -> str:
    """'1–4 / 5–12 / 13–16', as the manuals write the phase split."""

    def span(first: int, last: int) -> str:
        return str(first) if first >= last else f"{first}–{last}"

    return " / ".join(
        [
            span(1, initial_last),
            span(initial_last + 1, middle_last),
            span(middle_last + 1, planned_sessions),
        ]
    )


def frequency_label(frequency: str) -> str:
    return FREQUENCY_LABELS.get(frequency, frequency)


def contract_rows(contract: TreatmentContract) -> list[dict[str, Any]]:
    """The current contract: the frame agreed with the client."""
    return [
        _row("Planned sessions", str(contract.planned_sessions)),
        _row("Frequency", frequency_label(contract.frequency)),
        _row("Session length", f"{contract.session_minutes} minutes"),
        *(_row(phase, span) for phase, span in phase_ranges(contract.terms)),
        _row("Mid-point review", f"Session {contract.mid_point_review}"),
        _row("Ending named with the client", f"At session {contract.ending_named_at}"),
        _row("Agreed with the client", long_date(contract.agreed_on)),
        _row("Version", str(contract.version)),
    ]


def contract_history_rows(contracts: Iterable[TreatmentContract]) -> list[dict[str, str]]:
    """Every version of the contract, newest first, with the reason it was renegotiated."""
    return [
        {
            "version": str(contract.version),
            "agreed_on": long_date(contract.agreed_on),
            "terms": (
                f"{sessions(contract.planned_sessions)}, "
                f"{frequency_label(contract.frequency).lower()}, "
                f"{contract.session_minutes} minutes; phases "
                f"{phases_in_short(contract.initial_last, contract.middle_last, contract.planned_sessions)}"
            ),
            "reason": contract.reason or ("First agreed" if contract.version == 1 else ""),
            "who": contract.created_by.display_name,
            "when": date_and_time(contract.created_at),
        }
        for contract in contracts
    ]


def end_reason_label(status: str, code: str) -> str:
    try:
        return END_REASONS.get(CourseStatus(status), {}).get(code, code)
    except ValueError:
        return code


def status_history_rows(
    changes: Iterable[CourseStatusChange], *, show_notes: bool
) -> list[dict[str, str]]:
    """Each move of the course's status: who, when, the coded reason and (for clinicians) the note."""
    return [
        {
            "when": date_and_time(change.changed_at),
            "from": STATUS_LABELS.get(change.from_status, "New course")
            if change.from_status
            else "New course",
            "to": STATUS_LABELS.get(change.to_status, change.to_status),
            "reason": end_reason_label(change.to_status, change.reason_code)
            if change.reason_code
            else "",
            "note": change.note if show_notes else "",
            "who": change.changed_by.display_name,
        }
        for change in changes
    ]


def summary_rows(course: Course, progress: Progress) -> list[dict[str, Any]]:
    """The course at a glance: the same rows on the course page and the client record."""
    rows = [
        _row("Variant", course.variant.name),
        _row("Therapist", course.therapist.display_name),
        _row("Status", state_label(course, progress)),
        _row("Progress", progress.label),
    ]
    if course.is_open:
        rows.append(_row("Sessions remaining", remaining_text(progress)))
    rows.append(_row("Opened", long_date(course.opened_on)))
    if not course.is_open:
        rows.append(_row("Ended", long_date(course.ended_on)))
        rows.append(_row("Reason", course.end_reason_label or "Not recorded"))
    return rows


def course_links(course: Course, *, can_manage: bool, can_book: bool) -> list[dict[str, str]]:
    """Links to what the user may do with the course. Appointment pages may not exist yet."""
    candidates: list[tuple[str | None, str]] = [
        (optional_url("appointments:course", course.pk), "Appointments"),
    ]
    if can_book and course.is_open:
        candidates.append(
            (optional_url("appointments:book_series", course.pk), "Book the course's sessions")
        )
    if can_book and course.status == CourseStatus.COMPLETED:
        candidates.append(
            (optional_url("appointments:boosters", course.pk), "Schedule booster sessions")
        )
    if can_manage and course.is_open:
        candidates += [
            (reverse("courses:renegotiate", args=[course.pk]), "Renegotiate the contract"),
            (reverse("courses:end", args=[course.pk]), "End the course"),
        ]
    return [{"href": href, "text": text} for href, text in candidates if href]


def ending_message(progress: Progress) -> str:
    return (
        f"The ending has been named with the client at session {progress.terms.ending_named_at}. "
        f"{remaining_text(progress)}: review progress, plan for future difficulties and talk "
        "about feelings about ending."
    )


def review_message(threshold: int) -> str:
    return (
        f"The client has missed {threshold} or more sessions in a row. Review the course: "
        "contact the client, and discuss the course in supervision."
    )


def course_page(
    course: Course,
    *,
    contracts: list[TreatmentContract],
    history: Iterable[CourseStatusChange],
    progress: Progress,
    needs_review: bool,
    can_manage: bool,
    can_book: bool,
    show_notes: bool,
) -> dict[str, Any]:
    """Everything the course page shows; `contracts` newest first."""
    return {
        "heading": course.variant.name,
        "progress": progress.label,
        "remaining": remaining_text(progress) if course.is_open else "",
        "state": state_tag(course, progress),
        "summary": summary_rows(course, progress),
        "ending": ending_message(progress) if course.is_open and progress.ending_signalled else "",
        "review": review_message(course.service.consecutive_non_attendances_for_review)
        if course.is_open and needs_review
        else "",
        "contract": contract_rows(contracts[0]),
        "contract_history": contract_history_rows(contracts),
        "status_history": status_history_rows(history, show_notes=show_notes),
        "show_notes": show_notes,
        "links": course_links(course, can_manage=can_manage, can_book=can_book),
    }


def course_panel(course: Course, progress: Progress) -> dict[str, Any]:
    """One course on the client record."""
    return {
        "id": f"course-{course.pk}",
        "heading": course.variant.name,
        "state": state_tag(course, progress),
        "progress": progress.label,
        "rows": summary_rows(course, progress),
        "href": reverse("courses:detail", args=[course.pk]),
    }


def open_course_action(referral: Referral) -> dict[str, str]:
    """The referral panel's link to open a course (same shape as the referral actions)."""
    return {
        "href": reverse("courses:open", args=[referral.pk]),
        "text": "Open a course",
        "hidden": f"for the referral received {long_date(referral.received_on)}",
    }


def variant_defaults(variant: TherapyVariant) -> str:
    """'16 sessions, weekly, 50 minutes; phases 1–4 / 5–12 / 13–16'."""
    return (
        f"{sessions(variant.planned_sessions)}, {frequency_label(variant.frequency).lower()}, "
        f"{variant.session_minutes} minutes; phases "
        f"{phases_in_short(variant.initial_last, variant.middle_last, variant.planned_sessions)}"
    )


def variant_features(variant: TherapyVariant) -> list[str]:
    features = []
    if variant.carer_joins:
        features.append("A parent or carer joins the first, a mid-phase and the final session")
    if variant.partner_attends:
        features.append("The partner attends")
    if variant.adjunct_to_medication:
        features.append("Alongside medication")
    return features


def variant_items(variants: Iterable[TherapyVariant], selected: str | None) -> list[dict]:
    """Radio items for choosing a variant: its description and the defaults it sets."""
    items = []
    for variant in variants:
        hint = " ".join(
            part
            for part in [
                variant.description,
                *(f"{feature}." for feature in variant_features(variant)),
                f"Defaults: {variant_defaults(variant)}.",
            ]
            if part
        )
        items.append(
            {
                "value": str(variant.pk),
                "text": variant.name,
                "hint": {"text": hint},
                "checked": str(variant.pk) == str(selected),
            }
        )
    return items


def variant_status_tag(is_active: bool) -> dict[str, str]:
    if is_active:
        return {"text": "Active", "colour": "green"}
    return {"text": "Deactivated", "colour": "grey"}


def variant_rows(variants: Iterable[TherapyVariant]) -> list[dict[str, Any]]:
    return [
        {
            "name": variant.name,
            "href": reverse("courses:variant_edit", args=[variant.pk]),
            "defaults": variant_defaults(variant),
            "mode": variant.get_therapy_mode_display(),
            "status": variant_status_tag(variant.is_active),
        }
        for variant in variants
    ]


def outcome_label(status: CourseStatus | str) -> str:
    return STATUS_LABELS.get(str(status), str(status))
