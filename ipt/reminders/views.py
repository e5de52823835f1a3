"""A client's messages, the service's failed messages and reminder settings, and therapists'
calendar feeds.

Clients are fetched through `access` (outside scope: 404); each write is one call to
`services`. The feed itself needs no sign-in: its secret token is the key.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipt.appointments.ics import appointment_event, calendar_of
from ipt.clients.presenters import full_name
from ipt.core.dates import long_datetime
from ipt.core.http import submitted

from . import access, presenters, queries, services
from .forms import SettingsForm

NEW_FEED_URL = "reminders_new_feed_url"


@require_GET
def client_messages(request, pk: int):
    """Every reminder to the client: when, how, and what became of it."""
    client = access.client_to_read(request.user, pk)
    can_retry = access.can_retry(request.user, client)
    context = {
        "client": client,
        "name": full_name(client),
        "rows": presenters.message_rows(queries.messages_of(client), can_retry=can_retry),
    }
    return render(request, "reminders/client_messages.jinja", context)


@require_POST
def retry(request, pk: int, message_pk: int):
    """Try a failed message again now."""
    client = access.client_to_read(request.user, pk)
    if not access.can_retry(request.user, client):
        raise PermissionDenied
    message = queries.message_of(client, message_pk)
    if message is None:
        raise Http404
    try:
        services.retry(message=message, by=request.user)
    except services.RemindersRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The {message.get_kind_display().lower()} will be tried again")
    return redirect("reminders:client_messages", pk=client.pk)


@require_GET
def failed(request):
    """The service's messages that could not be sent, for managers and administrators."""
    if not access.can_configure(request.user):
        raise Http404
    found = list(queries.failed_messages(request.user.service_id))
    names = {message.client_id: full_name(message.client) for message in found}
    return render(request, "reminders/failed.jinja", {"rows": presenters.failed_rows(found, names)})


@require_http_methods(["GET", "POST"])
def settings(request):
    """Which reminders the service sends, and when."""
    if not access.can_configure(request.user):
        raise Http404
    current = services.settings_for(request.user.service)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = SettingsForm(submitted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_settings(
                    service=request.user.service, by=request.user, **form.cleaned_data
                )
            except services.RemindersRefused as refused:
                form.add_error(refused.field, str(refused))
            else:
                messages.success(request, "Reminder settings saved")
                return redirect("reminders:settings")
        status = 422
    return render(request, "reminders/settings.jinja", {"form": form}, status=status)


@require_GET
def calendar(request):
    """The therapist's secret calendar address: create, copy, replace or revoke it."""
    if not access.can_have_feed(request.user):
        raise Http404
    feed = queries.active_feed(request.user)
    new_url = request.session.pop(NEW_FEED_URL, "")
    context = {
        "feed": feed,
        "created": long_datetime(feed.created_at) if feed else "",
        "new_url": new_url if feed else "",
    }
    return render(request, "reminders/calendar.jinja", context)


@require_POST
def calendar_create(request):
    """A new calendar address, replacing any the therapist had."""
    if not access.can_have_feed(request.user):
        raise Http404
    _, token = services.create_feed(therapist=request.user, by=request.user)
    path = reverse("reminders:feed", kwargs={"token": token})
    request.session[NEW_FEED_URL] = f"{django_settings.IPT_BASE_URL}{path}"
    messages.success(request, "Your calendar address is ready. Copy it now: it is shown once")
    return redirect("reminders:calendar")


@require_POST
def calendar_revoke(request):
    """Stop the therapist's calendar address working."""
    if not access.can_have_feed(request.user):
        raise Http404
    if services.revoke_feed(therapist=request.user, by=request.user) is not None:
        messages.success(request, "Your calendar address no longer works")
    return redirect("reminders:calendar")


@login_not_required
@require_GET
def feed(request, token: str):
    """The therapist's appointments as iCalendar: client initials and how, nothing clinical."""
    found = services.feed_for_token(token)
    if found is None:
        raise Http404
    now = timezone.now()
    events = [
        appointment_event(
            appointment,
            summary=presenters.feed_summary(appointment, appointment.course.client.full_name),
            description=presenters.feed_description(appointment),
            stamp=now,
        )
        for appointment in queries.feed_appointments(found.therapist, now)
    ]
    calendar = calendar_of(events, name=presenters.FEED_NAME)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
