"""The portal's header navigation: what a signed-in client can reach."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_LINKS = [
    ("portal:home", "Home"),
    ("portal:appointments", "Appointments"),
    ("measures:portal_sets", "Questionnaires"),
    ("portal:homework", "Homework"),
    ("diaries:portal_list", "Diary"),
    ("portal:progress", "My progress"),
]


def href(name: str) -> str | None:
    """The URL of a named page, or None while the page does not exist yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def items_for(request) -> list[dict]:
    """Header links for the signed-in client (none when signed out)."""
    if getattr(request, "client", None) is None:
        return []
    items = []
    for name, label in _LINKS:
        link = href(name)
        if link is None:
            continue
        current = request.path == link or (
            link != href("portal:home") and request.path.startswith(link)
        )
        items.append({"href": link, "text": label, "current": current})
    return items
