import datetime as dt

from django import forms

from ipt.nhsuk_forms.fields import DateField, component_for, error_summary_items


class ExampleForm(forms.Form):
    seen_on = DateField(label="Date seen", label_for_errors="the date the client was seen")
    contact = forms.MultipleChoiceField(
        label="Contact by",
        required=False,
        choices=[("email", "Email"), ("sms", "Text message")],
        widget=forms.CheckboxSelectMultiple,
    )
    medium = forms.ChoiceField(
        label="Medium",
        choices=[("video", "Video"), ("phone", "Telephone")],
        widget=forms.RadioSelect,
    )


def _form(**data):
    return ExampleForm({"medium": "video", **data})


def test_it_reads_a_date_from_day_month_and_year():
    form = _form(seen_on_day="4", seen_on_month="11", seen_on_year="2026")
    assert form.is_valid()
    assert form.cleaned_data["seen_on"] == dt.date(2026, 11, 4)


def test_it_asks_for_a_missing_date_in_nhs_words():
    form = _form()
    assert form.errors["seen_on"] == ["Enter the date the client was seen"]


def test_it_names_the_missing_part_of_a_date():
    form = _form(seen_on_day="4", seen_on_year="2026")
    assert form.errors["seen_on"] == ["The date the client was seen must include a month"]


def test_it_refuses_a_date_that_does_not_exist():
    form = _form(seen_on_day="31", seen_on_month="2", seen_on_year="2026")
    assert form.errors["seen_on"] == ["The date the client was seen must be a real date"]


def test_a_multiple_choice_renders_as_checkboxes_and_a_single_choice_as_radios():
    form = _form(contact=["sms"])
    assert component_for(form["contact"])["component"] == "checkboxes"
    assert component_for(form["medium"])["component"] == "radios"
    checked = [item["checked"] for item in component_for(form["contact"])["params"]["items"]]
    assert checked == [False, True]


def test_the_error_summary_links_to_the_first_box_of_a_date():
    form = _form()
    form.is_valid()
    assert error_summary_items(form) == [
        {"text": "Enter the date the client was seen", "href": "#id_seen_on_day"}
    ]
