"""Writes about the service and its sites. Each is atomic and audited in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ipt.core import audit

from .models import ClosureDate, Room, Service, Site

SITE_FIELDS = ["name", "address", "is_active"]
SERVICE_FIELDS = ["name", "kind", "video_base_url", "consecutive_non_attendances_for_review"]
ROOM_FIELDS = ["name", "is_active"]
CLOSURE_FIELDS = ["date", "reason"]


@transaction.atomic
def create_site(*, service: Service, name: str, address: str, by) -> Site:
    """Add a site the service works from."""
    site = Site.objects.create(service=service, name=name, address=address)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=site,
        summary=f"Added the site {site.name}",
        changes=audit.changes_between({}, audit.snapshot(site, SITE_FIELDS)),
    )
    return site


@transaction.atomic
def update_site(*, site: Site, by, name: str, address: str, is_active: bool) -> Site:
    """Rename, re-address, deactivate or reactivate a site. Sites are never deleted."""
    before = audit.snapshot(site, SITE_FIELDS)
    site.name, site.address, site.is_active = name, address, is_active
    site.save(update_fields=SITE_FIELDS)
    changes = audit.changes_between(before, audit.snapshot(site, SITE_FIELDS))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=site,
        summary=f"Changed the site {site.name}",
        changes=changes,
    )
    return site


@transaction.atomic
def update_service(
    *,
    service: Service,
    by,
    name: str,
    kind: str,
    video_base_url: str | None = None,
    consecutive_non_attendances_for_review: int | None = None,
) -> Service:
    """Change the service's name, kind, video service address or review threshold.

    The last two stay as they are when not given.
    """
    before = audit.snapshot(service, SERVICE_FIELDS)
    service.name, service.kind = name, kind
    if video_base_url is not None:
        service.video_base_url = video_base_url
    if consecutive_non_attendances_for_review is not None:
        if consecutive_non_attendances_for_review < 1:
            raise ValueError("At least one missed session must flag a course for review")
        service.consecutive_non_attendances_for_review = consecutive_non_attendances_for_review
    service.save(update_fields=SERVICE_FIELDS)
    changes = audit.changes_between(before, audit.snapshot(service, SERVICE_FIELDS))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=service,
        summary="Changed the service settings",
        changes=changes,
    )
    return service


@transaction.atomic
def create_room(*, site: Site, name: str, by) -> Room:
    """Add a room at a site, where face-to-face appointments can be booked."""
    room = Room.objects.create(site=site, name=name)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=room,
        summary=f"Added the room {room.name} at {site.name}",
        changes=audit.changes_between({}, audit.snapshot(room, ROOM_FIELDS)),
    )
    return room


@transaction.atomic
def update_room(*, room: Room, by, name: str, is_active: bool) -> Room:
    """Rename a room or take it out of use. Rooms are never deleted: appointments refer to them."""
    before = audit.snapshot(room, ROOM_FIELDS)
    room.name, room.is_active = name, is_active
    room.save(update_fields=ROOM_FIELDS)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=room,
        summary=f"Changed the room {room.name} at {room.site.name}",
        changes=audit.changes_between(before, audit.snapshot(room, ROOM_FIELDS)),
    )
    return room


@transaction.atomic
def add_closure(*, service: Service, date: dt.date, reason: str, by) -> ClosureDate:
    """Add a day the service is closed (a bank holiday, a closure); series booking skips it."""
    closure = ClosureDate.objects.create(service=service, date=date, reason=reason)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=closure,
        summary=f"Added a closure date: {closure}",
        changes=audit.changes_between({}, audit.snapshot(closure, CLOSURE_FIELDS)),
    )
    return closure


@transaction.atomic
def remove_closure(*, closure: ClosureDate, by) -> None:
    """Open the service again on a closure date. Appointments already booked do not move."""
    before = audit.snapshot(closure, CLOSURE_FIELDS)
    audit.record(
        by=by,
        action=audit.Action.DELETE,
        obj=closure,
        summary=f"Removed a closure date: {closure}",
        changes=audit.changes_between(before, {}),
    )
    closure.delete()
