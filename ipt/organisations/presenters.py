"""Display values for the service and its sites."""

from __future__ import annotations

from django.urls import reverse


def status_tag(is_active: bool) -> dict[str, str]:
    if is_active:
        return {"text": "Active", "colour": "green"}
    return {"text": "Deactivated", "colour": "grey"}


def site_rows(sites) -> list[dict]:
    """One row per site; each site carries `active_staff`, the count of its active staff."""
    return [
        {
            "name": site.name,
            "href": reverse("organisations:site_edit", kwargs={"pk": site.pk}),
            "address": ", ".join(
                line.strip() for line in site.address.splitlines() if line.strip()
            ),
            "staff": str(site.active_staff),
            "status": status_tag(site.is_active),
        }
        for site in sites
    ]
