"""Every URL needs a signed-in, two-factor-verified member of staff, or for the portal's pages
(under /my/) a signed-in client, unless it is on a short allow-list."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ipt.accounts.tests.factories import UserFactory

OPEN_TO_EVERYONE = {
    "accounts:sign_in",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "core:health",
    "portal:sign_in",
    "portal:accept",
    "portal:forgotten_password",
    "portal:reset",
    "portal:crisis",
    "reminders:feed",
}
BEFORE_SECOND_FACTOR = {"accounts:verify", "accounts:set_up", "accounts:sign_out"}
POST_ONLY = {"portal:sign_out"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _example_path(route: str) -> str:
    """A concrete path for a route: integers become 1, anything else 'x'."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)))


def _for_clients(route: str) -> bool:
    return route.startswith("my/")


def test_the_url_walk_finds_the_site():
    names = {name for name, _ in ALL_URLS}
    assert {"core:home", "accounts:sign_in", "core:audit_log"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[n for n, _ in ALL_URLS])
def test_a_signed_out_visitor_is_sent_to_sign_in_unless_allowed(client, name, route):
    for method in ("get", "post"):
        response = getattr(client, method)(_example_path(route))
        if name in POST_ONLY and method == "get":
            assert response.status_code == 405
            continue
        sent_to_sign_in = response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:sign_in")
        )
        sent_to_client_sign_in = response.status_code == 302 and response["Location"].startswith(
            reverse("portal:sign_in")
        )
        if name in OPEN_TO_EVERYONE:
            assert not sent_to_sign_in, f"{name} should be open to everyone"
            assert not sent_to_client_sign_in, f"{name} should be open to everyone"
        elif _for_clients(route):
            assert sent_to_client_sign_in, (
                f"{method.upper()} {name} answered {response.status_code}"
            )
        else:
            assert sent_to_sign_in, f"{method.upper()} {name} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[n for n, _ in ALL_URLS])
def test_a_password_only_sign_in_reaches_nothing_but_the_second_step(client, name, route):
    user = UserFactory(is_therapist=True, is_service_manager=True, with_authenticator=False)
    client.force_login(user)
    response = (
        client.post(_example_path(route)) if name in POST_ONLY else client.get(_example_path(route))
    )
    held = response.status_code == 302 and response["Location"] == reverse("accounts:verify")
    if name in OPEN_TO_EVERYONE | BEFORE_SECOND_FACTOR:
        assert not held
    elif _for_clients(route):
        # A member of staff is not a client: the portal asks for a client's sign-in.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:sign_in"))
    else:
        assert held, f"{name} answered {response.status_code} before the second factor"
