"""An administrator registers a client, records the referral and allocates it; the therapist
then finds the client on their caseload, and a colleague cannot open the record."""

from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.tests.system.helpers import sign_in, sign_out


def test_an_allocated_referral_reaches_that_therapist_and_no_one_else(
    page, assert_accessible, service, site
):
    # Given an administrator and two therapists of the service
    admin = UserFactory(username="ada", first_name="Ada", service=service, is_administrator=True)
    tessa = UserFactory(
        username="tessa", first_name="Tessa", last_name="Marlow", service=service, is_therapist=True
    )
    oscar = UserFactory(username="oscar", first_name="Oscar", service=service, is_therapist=True)

    # When the administrator signs in with two factors and registers a client
    sign_in(page, admin, assert_accessible)
    page.get_by_role("link", name="Clients").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Register a client").click()
    expect(page.get_by_role("heading", name="Register a client")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Rachel")
    page.get_by_label("Family name").fill("Okafor")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1981")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("GP practice", exact=True).fill("Riverside Medical Practice")
    page.get_by_role("button", name="Register client").click()

    # Then the client's record opens
    expect(page.get_by_role("heading", name="Rachel Okafor")).to_be_visible()
    expect(page.get_by_text("943 476 5919")).to_be_visible()
    assert_accessible(page)
    record_url = page.url

    # When they add the referral
    page.get_by_role("link", name="Add a referral").click()
    assert_accessible(page)
    page.get_by_label(site.name).check()
    page.get_by_label("GP", exact=True).check()
    page.get_by_role("group", name="Date the referral was received").get_by_label("Day").fill("2")
    page.get_by_role("group", name="Date the referral was received").get_by_label("Month").fill(
        "11"
    )
    page.get_by_role("group", name="Date the referral was received").get_by_label("Year").fill(
        "2026"
    )
    page.get_by_label("Problem descriptor").select_option(label="Depression")
    page.get_by_label("Reason for referral").fill(
        "Low mood since starting a new job; conflict at home."
    )
    page.get_by_role("button", name="Add referral").click()
    expect(page.get_by_text("Waiting for assessment").first).to_be_visible()
    assert_accessible(page)

    # And allocate it to Tessa
    page.get_by_role("link", name="Allocate").first.click()
    assert_accessible(page)
    page.get_by_label("Tessa Marlow").check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("Tessa Marlow").first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Then Tessa finds the client on her caseload
    sign_in(page, tessa, assert_accessible)
    page.get_by_role("link", name="Clients").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Rachel Okafor").click()
    expect(page.get_by_role("heading", name="Rachel Okafor")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # And Oscar, another therapist, gets "Page not found" at the same address
    sign_in(page, oscar, assert_accessible)
    response = page.goto(record_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Okafor")).to_have_count(0)
    assert_accessible(page)
