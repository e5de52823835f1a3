"""What a client had typed when the idle time-out signed them out.

A form posted after the time-out cannot be saved, but what it held is kept in the session
(never the CSRF token or a password), keyed by the page and the account. Once the same client
signs in again they go back to that page, which fills the form from it; the first portal page
they open afterwards discards it, whichever page that is."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

KEPT_KEY = "ipt_portal_kept_form"
LEFT_OUT = ("csrfmiddlewaretoken", "next")
MESSAGE = "You were signed out before this was saved. Check what you typed and save it"


def keep(request, *, account_id: int) -> None:
    """Keep the posted fields of this request for the account's next sign-in."""
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in LEFT_OUT and "password" not in name.lower()
    }
    request.session[KEPT_KEY] = {"account": account_id, "path": request.path, "data": data}


def carried(session) -> dict | None:
    """What was kept, to carry into the new session that signing in starts."""
    kept = session.get(KEPT_KEY)
    return kept if isinstance(kept, dict) else None


def carry(session, kept: dict | None, *, account_id: int) -> str:
    """Put what was kept into the new session if it was the same client's; the page it came
    from (to go back to), or "" if there is nothing to go back to."""
    if kept is None or kept.get("account") != account_id:
        return ""
    session[KEPT_KEY] = kept
    return str(kept.get("path", ""))


def take(request) -> QueryDict | None:
    """What was kept for this page and client, if anything; discarded either way."""
    kept = request.session.pop(KEPT_KEY, None)
    account = getattr(request, "client_account", None)
    if not isinstance(kept, dict) or account is None:
        return None
    if kept.get("account") != account.pk or kept.get("path") != request.path:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept.get("data", {}).items():
        data.setlist(name, list(values))
    return data


def initial_from(form: forms.Form, data: QueryDict) -> dict:
    """Initial values for an unbound form from posted data, read as each field's widget reads
    it (a date's day, month and year boxes give a list), so it shows what was typed without
    error messages."""
    values = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if not field.widget.value_omitted_from_data(data, {}, key):
            values[name] = field.widget.value_from_datadict(data, {}, key)
    return values
