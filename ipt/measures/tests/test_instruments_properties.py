"""Properties of the built-in instruments over generated answers, and every GAD-7 answer set."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipt.measures import instruments

PHQ9 = instruments.get("PHQ9")
GAD7 = instruments.get("GAD7")
WSAS = instruments.get("WSAS")

quick = settings(database=None, max_examples=300, deadline=None)


def full_answers(instrument, extra=None):
    return st.fixed_dictionaries(
        {item.id: st.sampled_from(item.values) for item in instrument.items} | (extra or {})
    )


def wsas_answers():
    working = full_answers(WSAS)
    not_working = full_answers(WSAS).map(
        lambda answers: {k: v for k, v in answers.items() if k != "q1"} | {"work_not_applicable": 1}
    )
    return st.one_of(working, not_working)


@quick
@given(full_answers(PHQ9))
def test_it_totals_phq9_as_the_sum_of_items_1_to_9(answers):
    assert PHQ9.total_score(answers) == sum(answers[f"q{n}"] for n in range(1, 10))


@quick
@given(full_answers(GAD7))
def test_it_totals_gad7_as_the_sum_of_its_items(answers):
    assert GAD7.total_score(answers) == sum(answers.values())


@quick
@given(wsas_answers())
def test_it_totals_wsas_as_the_sum_of_the_items_that_apply(answers):
    items = {k: v for k, v in answers.items() if k.startswith("q")}
    assert WSAS.total_score(answers) == sum(items.values())
    assert WSAS.total_score(answers) <= WSAS.max_score(answers)
    assert WSAS.max_score(answers) == 8 * len(items)


@quick
@given(st.sampled_from([PHQ9, GAD7]).flatmap(lambda i: st.tuples(st.just(i), full_answers(i))))
def test_it_makes_any_form_incomplete_by_removing_any_required_item(case):
    instrument, answers = case
    for item_id in instrument.required(answers):
        partial = {k: v for k, v in answers.items() if k != item_id}
        assert not instrument.is_complete(partial)
        assert instrument.total_score(partial) is None


@quick
@given(wsas_answers())
def test_it_makes_wsas_incomplete_by_removing_any_item_that_applies(answers):
    for item_id in [k for k in answers if k.startswith("q")]:
        partial = {k: v for k, v in answers.items() if k != item_id}
        assert WSAS.total_score(partial) is None


@quick
@given(
    st.dictionaries(
        st.sampled_from([f"q{n}" for n in range(1, 11)]), st.integers(min_value=0, max_value=3)
    )
)
def test_it_raises_the_item_9_flag_exactly_when_item_9_is_1_or_more(answers):
    flagged = PHQ9.risk_flags(answers) == ["PHQ9_Q9"]
    assert flagged == (answers.get("q9", 0) >= 1)


@quick
@given(
    full_answers(PHQ9),
    st.sampled_from([f"q{n}" for n in range(1, 11)]),
    st.integers().filter(lambda value: not 0 <= value <= 3),
)
def test_it_refuses_any_value_outside_the_item_range(answers, item_id, value):
    with pytest.raises(instruments.InvalidAnswers):
        PHQ9.total_score({**answers, item_id: value})


def test_it_bands_every_one_of_the_16384_gad7_answer_sets():
    expected = {range(0, 5): "minimal", range(5, 10): "mild", range(10, 15): "moderate"}
    expected[range(15, 22)] = "severe"
    seen = 0
    for values in itertools.product(range(4), repeat=7):
        answers = {f"q{n}": v for n, v in enumerate(values, start=1)}
        total = GAD7.total_score(answers)
        assert total == sum(values)
        band = next(label for span, label in expected.items() if total in span)
        assert GAD7.severity(total) == band
        seen += 1
    assert seen == 4**7
