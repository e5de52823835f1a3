"""Form fields and widgets that render as NHS design-system components.

Each bound field becomes the parameters of one nhsuk-frontend-jinja macro (see `component_for`);
templates call `{{ form_field(form["name"]) }}` and never hand-write form markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.MultiWidget):
    """Day, month and year boxes, as the NHS date input component expects."""

    template_name = ""  # rendered by the nhsuk dateInput macro, not by Django

    def __init__(self, attrs=None):
        super().__init__(
            {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()},
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date entered as day, month and year, with NHS content-style error messages."""

    widget = DateInput

    def __init__(self, *, label_for_errors: str = "the date", **kwargs):
        self.label_for_errors = label_for_errors
        # Django checks for an empty value before `compress`, so the NHS wording goes here too.
        kwargs["error_messages"] = {
            "required": f"Enter {label_for_errors}",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _ in range(3)),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            if self.required:
                raise ValidationError(f"Enter {self.label_for_errors}", code="required")
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(
                f"{self.label_for_errors.capitalize()} must include a {' and '.join(missing)}",
                code="incomplete",
            )
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"{self.label_for_errors.capitalize()} must be a real date", code="invalid"
            ) from None
        if value.year < 1900:
            raise ValidationError(
                f"{self.label_for_errors.capitalize()} must be after 1900", code="too_early"
            )
        return value


def _label_and_hint(bound_field) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if bound_field.help_text:
        params["hint"] = {"text": str(bound_field.help_text)}
    if bound_field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in bound_field.errors)}
    return params


def _choices(bound_field, selected_key: str) -> list[dict[str, Any]]:
    value = bound_field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    items = []
    for choice_value, choice_label in bound_field.field.choices:
        key = "" if choice_value is None else str(choice_value)
        items.append({"value": key, "text": str(choice_label), selected_key: key in chosen})
    return items


def component_for(bound_field, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Which NHS component renders this field, and with what parameters."""
    widget = bound_field.field.widget
    name, html_id = bound_field.html_name, bound_field.auto_id or bound_field.html_name
    label = str(bound_field.label)
    common = _label_and_hint(bound_field)

    if isinstance(widget, DateInput):
        value = bound_field.value()
        if not isinstance(value, list | tuple):
            value = widget.decompress(value)
        parts = [str(p) if p not in (None, "") else "" for p in (list(value) + [None] * 3)[:3]]
        error = bool(bound_field.errors)
        items = [
            {
                "id": f"{html_id}_{part}",
                "name": f"{name}_{part}",
                "label": part.capitalize(),
                "value": parts[i],
                "classes": ("nhsuk-input--width-4" if part == "year" else "nhsuk-input--width-2")
                + (" nhsuk-input--error" if error else ""),
                "inputmode": "numeric",
            }
            for i, part in enumerate(("day", "month", "year"))
        ]
        params = {
            "id": html_id,
            "items": items,
            "fieldset": {"legend": {"text": label, "size": "s"}},
            **common,
        }
        component = "dateInput"
    # CheckboxSelectMultiple is a subclass of RadioSelect in Django, so it is tested first.
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        params = {
            "idPrefix": html_id,
            "name": name,
            "items": _choices(bound_field, "checked"),
            "fieldset": {"legend": {"text": label, "size": "s"}},
            **common,
        }
        component = "checkboxes"
    elif isinstance(widget, forms.RadioSelect):
        params = {
            "idPrefix": html_id,
            "name": name,
            "items": _choices(bound_field, "checked"),
            "fieldset": {"legend": {"text": label, "size": "s"}},
            **common,
        }
        component = "radios"
    elif isinstance(widget, forms.CheckboxInput):
        params = {
            "idPrefix": html_id,
            "name": name,
            "items": [{"value": "on", "text": label, "checked": bool(bound_field.value())}],
            **common,
        }
        component = "checkboxes"
    elif isinstance(widget, forms.Select):
        params = {
            "id": html_id,
            "name": name,
            "label": {"text": label},
            "items": _choices(bound_field, "selected"),
            **common,
        }
        component = "select"
    elif isinstance(widget, forms.Textarea):
        params = {
            "id": html_id,
            "name": name,
            "label": {"text": label},
            "value": bound_field.value() or "",
            **common,
        }
        component = "textarea"
    else:
        input_type = getattr(widget, "input_type", "text")
        value = "" if input_type == "password" else bound_field.value()
        params = {
            "id": html_id,
            "name": name,
            "label": {"text": label},
            "type": input_type,
            "value": "" if value is None else str(value),
            **common,
        }
        for attr in ("autocomplete", "inputmode", "spellcheck"):
            if attr in widget.attrs:
                params[attr] = widget.attrs[attr]
        if "class" in widget.attrs:
            params["classes"] = widget.attrs["class"]
        component = "input"

    params.update(overrides or {})
    return {"component": component, "params": params}


def error_summary_items(form) -> list[dict[str, str]]:
    """Links from the error summary to each field in error, first error first."""
    items = [{"text": str(e)} for e in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            anchor = bound_field.auto_id or bound_field.html_name
            if isinstance(bound_field.field.widget, DateInput):
                anchor = f"{anchor}_day"
            items.append({"text": str(error), "href": f"#{anchor}"})
    return items
