"""The phase templates: which fields each phase's note has, and the technique records."""

from ipt.courses.rules import Phase
from ipt.notes import templates
from ipt.notes.templates import Template


def _names(template) -> set[str]:
    return {item.name for item in templates.fields_for(template)}


def test_it_gives_each_phase_its_own_fields():
    assert "tasks_covered" in _names(Template.INITIAL)
    assert {"interval_history", "strategies", "techniques", "ca_said", "rp_scenario"} <= _names(
        Template.MIDDLE
    )
    assert {"ending_discussed", "gains_reviewed", "maintenance_discussed_notes"} <= _names(
        Template.ENDING
    )
    assert "interval_history" not in _names(Template.INITIAL) | _names(Template.ENDING)
    assert "tasks_covered" not in _names(Template.MIDDLE) | _names(Template.ENDING)


def test_it_uses_the_ending_template_for_boosters():
    assert templates.template_for(Phase.MIDDLE) == Template.MIDDLE
    assert templates.template_for(None, booster=True) == Template.ENDING
    assert templates.template_for(None) is None


def test_it_lists_the_seven_ipt_techniques():
    assert [c.text for c in templates.TECHNIQUES] == [
        "Exploration",
        "Encouragement of affect",
        "Clarification",
        "Communication analysis",
        "Decision analysis",
        "Role play",
        "Use of the therapeutic relationship",
    ]


def test_it_needs_the_role_play_record_only_when_role_play_was_used():
    without = {"techniques": ["exploration"]}
    with_role_play = {"techniques": ["role_play"], "rp_scenario": "Asking for help"}

    assert templates.missing_for_techniques(without) == []
    assert [f.name for f in templates.missing_for_techniques(with_role_play)] == [
        "rp_how_it_went",
        "rp_what_to_try",
    ]


def test_it_keeps_only_the_template_fields_when_cleaning():
    cleaned = templates.clean_content(
        Template.INITIAL, {"tasks_covered": ["inventory"], "narrative": " Hi ", "other": "x"}
    )

    assert cleaned == {"tasks_covered": ["inventory"], "narrative": "Hi"}
