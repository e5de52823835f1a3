"""Writes about the service and its sites. Each is atomic and audited in the same transaction."""

from __future__ import annotations

from django.db import transaction

from ipt.core import audit

from .models import Service, Site

SITE_FIELDS = ["name", "address", "is_active"]
SERVICE_FIELDS = ["name", "kind"]


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
def update_service(*, service: Service, by, name: str, kind: str) -> Service:
    """Change the service's name or kind (NHS Talking Therapies service or private practice)."""
    before = audit.snapshot(service, SERVICE_FIELDS)
    service.name, service.kind = name, kind
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
