"""Display values for the staff administration pages."""

from __future__ import annotations

from django.urls import reverse


def _status(user) -> dict[str, str]:
    if not user.is_active:
        return {"text": "Deactivated", "colour": "grey"}
    if not user.has_usable_password():
        return {"text": "Invited", "colour": "blue"}
    return {"text": "Active", "colour": "green"}


def _roles(user) -> str:
    return ", ".join(role.label for role in user.roles) or "None"


def _sites(user) -> str:
    return ", ".join(site.name for site in user.sites.all()) or "None"


def _two_factor(is_set_up: bool) -> str:
    return "Set up" if is_set_up else "Not set up"


def staff_rows(users) -> list[dict]:
    """One row per member of staff; each user carries `has_two_factor` from the query."""
    return [
        {
            "name": user.display_name,
            "href": reverse("accounts:user_edit", kwargs={"pk": user.pk}),
            "username": user.username,
            "roles": _roles(user),
            "sites": _sites(user),
            "status": _status(user),
            "two_factor": _two_factor(user.has_two_factor),
        }
        for user in users
    ]


def staff_account(user, *, has_two_factor: bool) -> dict:
    """The sign-in side of someone's account: status, two-factor and invitation."""
    awaiting_password = user.is_active and not user.has_usable_password()
    return {
        "pk": user.pk,
        "name": user.display_name,
        "rows": [
            {"key": {"text": "Username"}, "value": {"text": user.username}},
            {"key": {"text": "Status"}, "value": {"text": _status(user)["text"]}},
            {
                "key": {"text": "Two-factor authentication"},
                "value": {"text": _two_factor(has_two_factor)},
            },
        ],
        "can_reset_two_factor": has_two_factor,
        "can_resend_invitation": awaiting_password,
    }
