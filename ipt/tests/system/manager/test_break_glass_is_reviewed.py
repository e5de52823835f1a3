"""A therapist covering a crisis call opens a colleague's client with a reason; the service
manager sees the access in the break-glass log and the audit log."""

from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.tests.system.helpers import sign_in, sign_out


def test_a_break_glass_access_is_granted_for_a_reason_and_reviewed(
    page, assert_accessible, service, site
):
    # Given Tessa's client, and Oscar, a therapist who does not work with them
    tessa = UserFactory(username="tessa", first_name="Tessa", service=service, is_therapist=True)
    oscar = UserFactory(username="oscar", first_name="Oscar", service=service, is_therapist=True)
    maya = UserFactory(username="maya", first_name="Maya", service=service, is_service_manager=True)
    client = ClientFactory(
        service=service,
        given_name="Grace",
        family_name="Mensah",
        nhs_number="9434765919",
        created_by=maya,
    )
    ReferralFactory(client=client, site=site, created_by=maya, allocated_therapist=tessa)

    # When Oscar looks for the client, they are not on his list
    sign_in(page, oscar, assert_accessible)
    page.get_by_role("link", name="Clients").first.click()
    expect(page.get_by_text("Mensah")).to_have_count(0)
    assert_accessible(page)

    # When he opens the record outside his caseload, giving a reason
    page.get_by_role("link", name="Open a record outside your caseload").click()
    assert_accessible(page)
    page.get_by_label("Client's NHS number or reference").fill("943 476 5919")
    page.get_by_label("Why do you need to see this record?").fill(
        "Duty call: the client rang in crisis while Tessa is on leave."
    )
    page.get_by_role("button", name="Open the record").click()

    # Then he sees the record, with a warning that the access is temporary and recorded
    expect(page.get_by_role("heading", name="Grace Mensah")).to_be_visible()
    expect(page.get_by_text("This client is not on your caseload")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # And the service manager sees who opened which record and why
    sign_in(page, maya, assert_accessible)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Break-glass log").click()
    expect(page.get_by_text("Duty call: the client rang in crisis")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    page.get_by_label("Client reference").fill(str(client.pk))
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Opened the record outside their usual scope").first).to_be_visible()
    expect(page.get_by_text("Viewed the client record").first).to_be_visible()
    assert_accessible(page)
