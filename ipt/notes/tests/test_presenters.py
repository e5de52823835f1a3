"""Display values of notes: sections by phase, technique records only when used, line breaks."""

from ipt.notes import presenters
from ipt.notes.models import SessionNote
from ipt.notes.templates import Template


def _keys(section) -> list[str]:
    return [row["key"]["text"] for row in section["rows"]]


def test_it_shows_a_technique_record_only_when_it_was_filled_in():
    sections = presenters.content_sections(
        Template.MIDDLE,
        {"techniques": ["role_play"], "rp_scenario": "Asking for help", "narrative": "a\nb"},
        strategy_text=str,
    )

    headings = [s["heading"] for s in sections]
    assert "Role play" in headings and "Communication analysis" not in headings
    role_play = sections[headings.index("Role play")]
    assert _keys(role_play) == ["Scenario", "How it went", "What to try"]
    assert str(sections[-1]["rows"][-1]["value"]["html"]) == "a<br>b"


def test_it_reads_yes_or_no_for_each_ending_topic():
    sections = presenters.content_sections(
        Template.ENDING, {"ending_discussed": "yes", "ending_discussed_notes": "Sad but ready"}
    )

    first = sections[0]
    assert first["heading"] == "Ending discussed"
    assert [str(r["value"]["html"]) for r in first["rows"]] == ["Yes", "Sad but ready"]


def test_it_tags_the_status_of_a_note():
    assert presenters.status_text(None) == "Not started"
    assert presenters.status_text(SessionNote()) == "Draft"
    assert presenters.status_text(SessionNote(signed_at="2026-01-01T10:00Z")) == "Signed"


def test_it_marks_a_note_whose_appointment_is_no_longer_a_session():
    assert presenters.outcome_text("") == ""
    assert presenters.outcome_text("Cancelled by the client") == (
        "The appointment is now recorded as: cancelled by the client"
    )
