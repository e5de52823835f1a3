"""Every page no other journey checks, seen by the user who reaches it: a therapist's pages of a
finished client's whole record and of a course under way, a supervisor's view of finished cases,
the service manager's and the administrator's settings, the pages before staff sign in, and the
client's portal. Each page answers without an error, has the heading a user expects, and passes
axe (WCAG 2.2 AA)."""

import datetime as dt
import random
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from ipt.accounts.tests.factories import PASSWORD, UserFactory
from ipt.appointments.models import Medium
from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.dates import long_datetime
from ipt.courses.models import TherapyVariant
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.diaries import services as diaries
from ipt.formulations import services as focus
from ipt.nonprod import demo_courses, demo_record
from ipt.notes import services as notes
from ipt.notes.models import HomeworkTask
from ipt.portal import services as portal
from ipt.tests.system.helpers import sign_in

Pages = list[tuple[str, str]]  # (address, what the page's main heading says)
CLIENT_PASSWORD = "a long and private passphrase"


def _visit(page: Page, check: Callable[[Page], None], pages: Pages) -> None:
    """Open each page: it answers without an error, shows its heading and passes axe."""
    for address, heading in pages:
        response = page.goto(address)
        assert response is not None and response.ok, f"{address} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check(page)


def _accepted_referral(site, therapist, given: str, family: str, weeks_ago: int):
    client = ClientFactory(
        service=site.service,
        given_name=given,
        family_name=family,
        email=f"{given.lower()}@example.com",
    )
    return ReferralFactory(
        client=client,
        site=site,
        allocated_therapist=therapist,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
        received_on=timezone.localdate() - dt.timedelta(weeks=weeks_ago),
    )


def _demo_courses(plans: list[tuple]) -> list:
    """Courses as the demo service has them: weekly sessions through the appointments services,
    most attended, with the client's questionnaires at each."""
    return demo_courses.create(
        plans,
        timezone.localdate(),
        timezone.now(),
        slots=demo_courses.Slots(),
        rng=random.Random(16),
    )


def _the_demo_personas(site, tessa, theo, by):
    """Rachel (Tessa's client) and Geoffrey (Theo's): sixteen sessions each, finished, with the
    whole clinical record the demo service has for them."""
    demo_courses.set_up_service(site.service, [site], by=by)
    trajectory = demo_courses.Trajectory
    rachel, geoffrey = _demo_courses(
        [
            (
                _accepted_referral(site, tessa, "Rachel", "Okafor", weeks_ago=27),
                demo_courses.Plan(22, "completed:planned_ending"),
                Medium.FACE_TO_FACE,
                trajectory(phq9=(17, 5), gad7=(13, 4), wsas=(24, 8)),
            ),
            (
                _accepted_referral(site, theo, "Geoffrey", "Hartley", weeks_ago=34),
                demo_courses.Plan(28, "completed:planned_ending"),
                Medium.VIDEO,
                trajectory(phq9=(19, 6), gad7=(11, 4), wsas=(26, 9), q9_at_first=1),
            ),
        ]
    )
    demo_courses.boosters(geoffrey, every_days=56, count=3, now=timezone.now())
    demo_record.add(rachel, geoffrey)
    return rachel


def _checked_elsewhere(page: Page) -> None:
    """The sign-in pages: the sign-in journeys check them."""


def test_every_page_of_a_therapists_records_is_accessible(
    page, assert_accessible, site, therapist, other_therapist, administrator
):
    # Given Tessa's client Rachel has finished her course, with its whole clinical record
    tessa = therapist
    rachel = _the_demo_personas(site, tessa, other_therapist, by=administrator)
    first = rachel.appointments.filter(kind="treatment").order_by("starts_at").first()
    person = rachel.inventory_entries.current().order_by("pk").first()
    event = rachel.timeline_events.order_by("pk").first()
    episode = rachel.mood_episodes.order_by("pk").first()
    signed = rachel.session_notes.order_by("appointment__starts_at").first()
    reviewed = HomeworkTask.objects.filter(course=rachel, reviewed_at__isnull=False).first()
    # And Amir is three sessions in, one missed, the note of the last one still a draft
    amir = open_course(
        therapist=tessa,
        site=site,
        client=ClientFactory(service=site.service, given_name="Amir", family_name="Aziz"),
    )
    start = timezone.now() - dt.timedelta(weeks=4)
    for week in range(3):
        held = add_appointment(amir, starts_at=start + dt.timedelta(weeks=week))
    missed = add_appointment(amir, attendance="3", starts_at=start + dt.timedelta(weeks=3))
    upcoming = add_appointment(amir, attendance="", starts_at=timezone.now() + dt.timedelta(days=2))
    notes.start_note(
        appointment=held,
        content={"narrative": "Went through the interpersonal inventory; sleep still poor."},
        by=tessa,
    )
    goal = focus.add_goal(course=amir, text="Join the walking group again", by=tessa)
    # And a new referral is waiting for her assessment
    waiting = ReferralFactory(
        client=ClientFactory(service=site.service, given_name="Grace", family_name="Mensah"),
        site=site,
        allocated_therapist=tessa,
    )

    # When she signs in with both factors
    sign_in(page, tessa, _checked_elsewhere)

    # Then every page of her records answers, with the heading she expects, and passes axe
    r, a = {"pk": rachel.pk}, {"pk": amir.pk}
    _visit(
        page,
        assert_accessible,
        [
            (reverse("accounts:account"), "Your account"),
            (reverse("reminders:calendar"), "Your calendar feed"),
            (reverse("appointments:diary"), "Your diary"),
            (reverse("portal:requests"), "Appointment requests"),
            (reverse("clients:referral_status", args=[waiting.pk]), "Change the referral status"),
            (reverse("portal:access", args=[rachel.client_id]), "Portal access"),
            (reverse("reminders:client_messages", args=[rachel.client_id]), "Messages to Rachel"),
            (reverse("courses:open", args=[rachel.referral_id]), "Open a course of IPT"),
            (reverse("courses:renegotiate", kwargs=a), "Renegotiate the contract"),
            (reverse("courses:end", kwargs=a), "End the course"),
            (reverse("courses:end", kwargs=a) + "?outcome=withdrawn", "End the course: withdrawn"),
            (reverse("appointments:book", kwargs=a), "Book an appointment"),
            (reverse("appointments:detail", args=[first.pk]), long_datetime(first.starts_at)),
            (reverse("appointments:move", args=[upcoming.pk]), "Move the appointment"),
            (reverse("appointments:rebook", args=[missed.pk]), "Rebook the appointment"),
            (reverse("appointments:boosters", kwargs=r), "Schedule booster sessions"),
            (reverse("assessments:overview", kwargs=r), "Assessment"),
            (reverse("assessments:edit", kwargs=r), "Assessment"),
            (reverse("assessments:compare", kwargs=r), "Compare the inventory"),
            (
                reverse("assessments:person_edit", args=[rachel.pk, person.pk]),
                f"Change {person.name}",
            ),
            (
                reverse("assessments:person_remove", args=[rachel.pk, person.pk]),
                f"Remove {person.name}",
            ),
            (reverse("assessments:timeline", kwargs=r), "Timeline"),
            (reverse("assessments:event_add", kwargs=r), "Add a life event"),
            (reverse("assessments:event_edit", args=[rachel.pk, event.pk]), "Change a life event"),
            (reverse("assessments:event_remove", args=[rachel.pk, event.pk]), "Remove"),
            (reverse("assessments:episode_add", kwargs=r), "Add an episode of depression"),
            (
                reverse("assessments:episode_edit", args=[rachel.pk, episode.pk]),
                "Change an episode of depression",
            ),
            (reverse("assessments:episode_remove", args=[rachel.pk, episode.pk]), "Remove"),
            (
                reverse("formulations:dispute_stage", args=[rachel.pk, "primary"]),
                "Change the stage of the dispute",
            ),
            (
                reverse("formulations:strategies", args=[rachel.pk, "primary"]),
                "Strategies worked on",
            ),
            (
                reverse("formulations:formulation_version", args=[rachel.pk, 1]),
                "Formulation version 1",
            ),
            (
                reverse("formulations:formulation_agree", kwargs=r),
                "Mark the formulation as agreed",
            ),
            (reverse("formulations:middle_phase", kwargs=r), "Before the middle phase"),
            (reverse("formulations:goal_add", kwargs=r), "Add a goal"),
            (reverse("formulations:goal_ratings", kwargs=r), "Record goal ratings"),
            (reverse("formulations:goal_close", args=[amir.pk, goal.pk]), "Close a goal"),
            (reverse("notes:edit", args=[held.pk]), "Change the note"),
            (reverse("notes:addendum", args=[signed.appointment_id]), "Add an addendum"),
            (
                reverse("notes:homework_review", args=[reviewed.reviewed_at_id, reviewed.pk]),
                "Review homework",
            ),
            (reverse("notes:midpoint", kwargs=r), "Mid-point review"),
            (reverse("notes:ending", kwargs=r), "Ending"),
            (reverse("notes:relapse_plan", kwargs=r), "Relapse-prevention plan"),
            (reverse("notes:ending_summary", kwargs=r), "Ending summary"),
            (
                reverse("notes:ending_print", kwargs=r),
                "Relapse-prevention plan and ending summary",
            ),
            (reverse("diaries:course", kwargs=r), "Diary"),
        ],
    )

    # When she makes new backup codes
    page.goto(reverse("accounts:account"))
    page.get_by_role("button", name="Make new backup codes").click()

    # Then she sees them once, on an accessible page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    assert_accessible(page)


def test_a_supervisors_view_of_finished_cases_is_accessible(
    page, assert_accessible, site, therapist, supervisor
):
    # Given Tessa, whom Sam supervises, finished a course with Amir this year
    _demo_courses(
        [
            (
                _accepted_referral(site, therapist, "Amir", "Aziz", weeks_ago=25),
                demo_courses.Plan(20, "completed:planned_ending"),
                Medium.TELEPHONE,
                demo_courses.Trajectory(phq9=(16, 6), gad7=(12, 5), wsas=(20, 9)),
            )
        ]
    )

    # When Sam signs in and opens supervision
    sign_in(page, supervisor, _checked_elsewhere)
    _visit(page, assert_accessible, [(reverse("supervision:caseloads"), "Supervision")])

    # Then Tessa's outcome rates are there to read, in a table that passes axe
    expect(page.get_by_role("table", name="Outcome rates of Tessa Marlow")).to_be_visible()


def test_every_page_of_a_service_managers_settings_is_accessible(
    page, assert_accessible, site, therapist, manager
):
    # Given a service with a client waiting for assessment
    waiting = ReferralFactory(
        client=ClientFactory(service=site.service, given_name="Rachel", family_name="Okafor"),
        site=site,
    )
    variant = TherapyVariant.objects.filter(service=site.service).order_by("name").first()

    # When the service manager signs in
    sign_in(page, manager, _checked_elsewhere)

    # Then every page of the service's settings answers, with its heading, and passes axe
    _visit(
        page,
        assert_accessible,
        [
            (reverse("appointments:diary"), "Diary"),
            (reverse("appointments:diary") + f"?therapist={therapist.pk}", "Diary of Tessa"),
            (reverse("clients:waiting_list"), "Waiting list"),
            (reverse("clients:edit", args=[waiting.client_id]), "Change details"),
            (reverse("measures:settings"), "Risk alerts and crisis information"),
            (reverse("measures:sets"), "Questionnaires before every session"),
            (reverse("measures:set_default"), "The service's questionnaires"),
            (
                reverse("measures:set_variant", args=[variant.pk]),
                f"Questionnaires for {variant.name}",
            ),
            (reverse("assessments:settings"), "Clinical record settings"),
            (reverse("formulations:labels"), "Problem area labels"),
            (reverse("reminders:settings"), "Reminders"),
            (reverse("reminders:failed"), "Messages that could not be sent"),
        ],
    )


def test_every_page_an_administrator_manages_is_accessible(
    page, assert_accessible, site, therapist, administrator
):
    # Given a service with rooms at its site and closure dates
    demo_courses.set_up_service(site.service, [site], by=administrator)
    room = site.rooms.order_by("name").first()
    closure = site.service.closure_dates.order_by("date").first()
    variant = TherapyVariant.objects.filter(service=site.service).order_by("name").first()

    # When the administrator signs in
    sign_in(page, administrator, _checked_elsewhere)

    # Then every page they manage the service from answers, with its heading, and passes axe
    _visit(
        page,
        assert_accessible,
        [
            (reverse("accounts:user_list"), "Users"),
            (reverse("accounts:user_new"), "Add a user"),
            (reverse("accounts:user_edit", args=[therapist.pk]), "Change Tessa Marlow"),
            (
                reverse("accounts:user_reset_two_factor", args=[therapist.pk]),
                "Reset two-factor authentication for Tessa Marlow",
            ),
            (reverse("organisations:site_list"), "Sites"),
            (reverse("organisations:site_new"), "Add a site"),
            (reverse("organisations:site_edit", args=[site.pk]), "Change Riverside Centre"),
            (reverse("organisations:room_list", args=[site.pk]), "Rooms"),
            (reverse("organisations:room_new", args=[site.pk]), "Add a room"),
            (reverse("organisations:room_edit", args=[site.pk, room.pk]), "Change Room 1"),
            (reverse("organisations:closure_list"), "Closure dates"),
            (reverse("organisations:closure_new"), "Add a closure date"),
            (reverse("organisations:closure_delete", args=[closure.pk]), "Remove the closure"),
            (reverse("organisations:service_settings"), "Service settings"),
            (reverse("courses:variant_list"), "IPT variants"),
            (reverse("courses:variant_new"), "Add an IPT variant"),
            (reverse("courses:variant_edit", args=[variant.pk]), f"Change {variant.name}"),
        ],
    )


def test_the_pages_before_staff_sign_in_are_accessible(page, assert_accessible, service, therapist):
    # Given Tessa has forgotten her password, and Nia has just joined without an authenticator
    nia = UserFactory(
        username="nia",
        first_name="Nia",
        service=service,
        is_therapist=True,
        with_authenticator=False,
    )
    reset_link = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(therapist.pk)),
            "token": default_token_generator.make_token(therapist),
        },
    )

    # When Tessa asks for a new password and follows the emailed link
    # Then each page answers, with its heading, and passes axe
    _visit(
        page,
        assert_accessible,
        [
            (reverse("accounts:password_reset"), "Reset your password"),
            (reverse("accounts:password_reset_done"), "Check your email"),
            (reset_link, "Choose a new password"),
            (reverse("accounts:password_reset_complete"), "Your new password is saved"),
        ],
    )

    # When Nia signs in for the first time
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("Username").fill(nia.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    # Then she is shown how to set up her authenticator app, on an accessible page
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    assert_accessible(page)


def test_every_page_of_the_client_portal_is_accessible(
    page, assert_accessible, service, site, therapist
):
    # Given Rachel uses the portal, has a session in two days and keeps a diary
    rachel = ClientFactory(
        service=service, given_name="Rachel", family_name="Okafor", email="rachel@example.com"
    )
    course = open_course(therapist=therapist, site=site, client=rachel)
    add_appointment(course, starts_at=timezone.now() - dt.timedelta(weeks=1))
    upcoming = add_appointment(
        course, attendance="", starts_at=timezone.now() + dt.timedelta(days=2)
    )
    invitation = portal.invite(client=rachel, by=therapist)
    account = portal.accept_invitation(token=invitation.token, password=CLIENT_PASSWORD)
    entry = diaries.add_entry(
        by=rachel,
        happened_on=timezone.localdate() - dt.timedelta(days=1),
        what_happened="Asked Dev to do the school run on Tuesdays",
        who_with="Dev",
        feelings="Nervous, then relieved",
        mood=6,
    )
    reset_link = urlsplit(portal.reset_link(account)).path

    # When she opens the portal's pages before signing in
    # Then each answers, with its heading, and passes axe
    _visit(
        page,
        assert_accessible,
        [
            (reverse("portal:sign_in"), "Sign in to your therapy account"),
            (reverse("portal:forgotten_password"), "Reset your password"),
            (reset_link, "Choose a new password"),
            (reverse("portal:crisis"), "Get help now"),
        ],
    )

    # When she signs in
    page.goto(reverse("portal:sign_in"))
    page.get_by_label("Email address").fill("rachel@example.com")
    page.get_by_label("Password").fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello Rachel")).to_be_visible()

    # Then her appointments, asking to move one, and changing a diary entry pass axe
    _visit(
        page,
        assert_accessible,
        [
            (reverse("portal:appointments"), "Your appointments"),
            (
                reverse("portal:change_appointment", args=[upcoming.pk]),
                "Ask to cancel or move an appointment",
            ),
            (reverse("diaries:portal_edit", args=[entry.pk]), "Change your diary entry"),
        ],
    )
