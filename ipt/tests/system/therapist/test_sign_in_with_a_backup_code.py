"""A therapist without their phone signs in with a backup code, then signs out."""

import re

from django_otp import devices_for_user
from playwright.sync_api import expect

from ipt.accounts import services
from ipt.accounts.tests.factories import PASSWORD, UserFactory


def test_a_therapist_signs_in_with_a_backup_code_and_signs_out(page, assert_accessible, service):
    # Given a therapist with backup codes
    user = UserFactory(username="tessa", first_name="Tessa", service=service, is_therapist=True)
    codes = services.replace_backup_codes(user=user, by=user)

    # When they sign in with their password
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # The design system's scripts ran: the Content-Security-Policy let them through.
    expect(page.locator("body")).to_have_class(re.compile("js-enabled"))
    assert_accessible(page)
    page.get_by_label("Username").fill("tessa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    # Then they are asked for a security code
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)

    # When they give a wrong code, they see why
    page.get_by_label("Security code").fill("wrongcode1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("The security code is not right")
    assert_accessible(page)

    # When they give a backup code (once django-otp's pause after a wrong code has passed)
    for device in devices_for_user(user):
        device.throttle_reset()
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()

    # Then they are signed in
    expect(page.get_by_role("heading", name="Hello, Tessa")).to_be_visible()
    assert_accessible(page)

    # When they sign out, they are back at the sign-in page
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
