"""A service manager looks at one site's grief courses on the dashboard and downloads the
outcomes table as CSV."""

import csv
import datetime as dt
import io

from django.utils import timezone
from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.formulations import services as formulations
from ipt.organisations.tests.factories import SiteFactory
from ipt.tests.system.helpers import sign_in


def test_a_manager_filters_the_dashboard_and_downloads_a_table(
    page, assert_accessible, service, site, therapist
):
    # Given two sites with finished courses focused on grief, and one on a role dispute
    other_site = SiteFactory(service=service, name="Harbour Clinic")
    maya = UserFactory(username="maya", first_name="Maya", service=service, is_service_manager=True)
    for where, area in ((site, "grief"), (site, "role_dispute"), (other_site, "grief")):
        course = open_course(therapist=therapist, site=where)
        formulations.set_problem_area(course=course, rank="primary", area=area, by=therapist)
        courses.change_status(course=course, to_status="treatment", by=therapist)
        start = timezone.now() - dt.timedelta(weeks=6)
        for week in range(3):
            add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        courses.change_status(
            course=course, to_status="completed", by=therapist, reason_code="planned_ending"
        )

    # When Maya opens the dashboard and filters it to Riverside Centre and grief
    sign_in(page, maya, assert_accessible)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Service dashboard")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Site").select_option(label="Riverside Centre")
    page.get_by_label("IPT problem area").select_option(label="Grief")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Site")).to_have_value(str(site.pk))
    expect(page.get_by_label("IPT problem area")).to_have_value("grief")
    assert_accessible(page)

    # Then the outcomes table downloads as CSV with one finished course
    link = page.get_by_role("link", name="(CSV)").filter(has_text="outcome")
    with page.expect_download() as download:
        link.first.click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) > 1
    finished = next(row for row in rows if row and row[0].lower().startswith("finished"))
    assert "1" in finished[1:]
