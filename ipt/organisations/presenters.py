"""Display values for the service, its sites, rooms and closure dates."""

from __future__ import annotations

from django.urls import reverse

from ipt.core.dates import long_date


def status_tag(is_active: bool) -> dict[str, str]:
    if is_active:
        return {"text": "Active", "colour": "green"}
    return {"text": "Deactivated", "colour": "grey"}


def site_rows(sites) -> list[dict]:
    """One row per site; each site carries `active_staff` and `rooms_in_use` (counts)."""
    return [
        {
            "name": site.name,
            "href": reverse("organisations:site_edit", kwargs={"pk": site.pk}),
            "address": ", ".join(
                line.strip() for line in site.address.splitlines() if line.strip()
            ),
            "staff": str(site.active_staff),
            "rooms": str(site.rooms_in_use),
            "rooms_href": reverse("organisations:room_list", kwargs={"pk": site.pk}),
            "status": status_tag(site.is_active),
        }
        for site in sites
    ]


def room_status_tag(is_active: bool) -> dict[str, str]:
    if is_active:
        return {"text": "In use", "colour": "green"}
    return {"text": "No longer in use", "colour": "grey"}


def room_rows(site, rooms) -> list[dict]:
    return [
        {
            "name": room.name,
            "href": reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": room.pk}),
            "status": room_status_tag(room.is_active),
        }
        for room in rooms
    ]


def closure_rows(closures) -> list[dict]:
    return [
        {
            "date": long_date(closure.date),
            "reason": closure.reason,
            "delete_href": reverse("organisations:closure_delete", kwargs={"pk": closure.pk}),
        }
        for closure in closures
    ]
