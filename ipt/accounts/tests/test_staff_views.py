import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import escape

from ipt.accounts.models import User
from ipt.accounts.tests.factories import PASSWORD, UserFactory
from ipt.core.models import AuditEvent
from ipt.organisations.tests.factories import ServiceFactory, SiteFactory


@pytest.fixture
def other_administrator(db):
    """An administrator of a different service: must see nothing of ours."""
    return UserFactory(
        username="alex", service=ServiceFactory(name="Elsewhere Wellbeing"), is_administrator=True
    )


def _edit_data(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": [role.value for role in user.roles],
        "sites": [site.pk for site in user.sites.all()],
        "supervisors": [person.pk for person in user.supervisors.all()],
        "is_active": str(user.is_active),
    }
    return {**data, **overrides}


def _invited(service, **kwargs):
    user = UserFactory(service=service, with_authenticator=False, **kwargs)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


STAFF_PAGES = [
    ("get", "accounts:user_list", False),
    ("get", "accounts:user_new", False),
    ("post", "accounts:user_new", False),
    ("get", "accounts:user_edit", True),
    ("post", "accounts:user_edit", True),
    ("get", "accounts:user_reset_two_factor", True),
    ("post", "accounts:user_reset_two_factor", True),
    ("post", "accounts:user_resend_invitation", True),
]


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "manager", "outsider"])
@pytest.mark.parametrize(("method", "name", "for_someone"), STAFF_PAGES)
def test_it_hides_staff_pages_from_everyone_but_administrators(
    request, as_user, therapist, persona, method, name, for_someone
):
    kwargs = {"pk": therapist.pk} if for_someone else {}
    http = as_user(request.getfixturevalue(persona))
    response = getattr(http, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "name", "for_someone"), STAFF_PAGES)
def test_it_hides_our_staff_from_another_services_administrator(
    as_user, therapist, other_administrator, method, name, for_someone
):
    kwargs = {"pk": therapist.pk} if for_someone else {}
    http = as_user(other_administrator)
    response = getattr(http, method)(reverse(name, kwargs=kwargs))
    if for_someone:
        assert response.status_code == 404
    else:
        assert therapist.username not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "accounts:user_edit"),
        ("post", "accounts:user_edit"),
        ("get", "accounts:user_reset_two_factor"),
        ("post", "accounts:user_reset_two_factor"),
        ("post", "accounts:user_resend_invitation"),
    ],
)
def test_it_gives_404_for_another_services_staff(
    as_user, administrator, other_administrator, method, name
):
    response = getattr(as_user(administrator), method)(
        reverse(name, kwargs={"pk": other_administrator.pk})
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=other_administrator).exists()


def test_it_lists_the_services_staff_with_roles_sites_status_and_two_factor(
    as_user, administrator, therapist, supervisor, outsider, service
):
    _invited(service, username="ivy", first_name="Ivy", last_name="Invited", is_therapist=True)
    UserFactory(
        service=service, username="gone", first_name="Gary", last_name="Gone", is_active=False
    )

    response = as_user(administrator).get(reverse("accounts:user_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Users</h1>" in html
    assert "Therapist, Supervisor" in html
    assert "Riverside Centre" in html
    assert "Invited" in html and "Deactivated" in html and "Active" in html
    assert "Not set up" in html
    assert reverse("accounts:user_edit", kwargs={"pk": therapist.pk}) in html
    assert outsider.username not in html


def test_it_lists_staff_in_a_fixed_number_of_queries(
    as_user, administrator, service, site, django_assert_max_num_queries
):
    http = as_user(administrator)
    with CaptureQueriesContext(connection) as few_staff:
        http.get(reverse("accounts:user_list"))
    for _ in range(15):
        user = UserFactory(service=service, is_therapist=True)
        user.sites.add(site, SiteFactory(service=service))

    with django_assert_max_num_queries(len(few_staff)):
        response = http.get(reverse("accounts:user_list"))
    assert response.content.decode().count("nhsuk-table__row") == 17


def test_it_shows_the_form_to_add_a_user(as_user, administrator, site, supervisor):
    response = as_user(administrator).get(reverse("accounts:user_new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Add a user</h1>" in html
    assert 'type="checkbox"' in html
    assert "Riverside Centre" in html
    assert escape(supervisor.display_name) in html


def test_it_adds_a_user_and_says_so(
    as_user, administrator, site, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    http = as_user(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            reverse("accounts:user_new"),
            {
                "username": "nina",
                "first_name": "Nina",
                "last_name": "Patel",
                "email": "nina@example.nhs.uk",
                "roles": ["therapist", "supervisor"],
                "sites": [site.pk],
                "supervisors": [supervisor.pk],
            },
        )
    assert response["Location"] == reverse("accounts:user_list")
    assert "Nina Patel added" in http.get(response["Location"]).content.decode()
    nina = User.objects.get(username="nina")
    assert nina.is_therapist and nina.is_supervisor and not nina.is_administrator
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="create", object_id=str(nina.pk)).exists()


def test_it_refuses_an_empty_form_with_nhs_error_messages(
    as_user, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(administrator).post(reverse("accounts:user_new"), {})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>Error: Add a user" in html
    for message in (
        "Enter a username",
        "Enter a first name",
        "Enter a last name",
        "Enter an email address",
        "Choose at least one role",
    ):
        assert message in html
    assert User.objects.count() == before
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_it_refuses_a_badly_formed_email_address_and_a_taken_username(
    as_user, administrator, therapist
):
    response = as_user(administrator).post(
        reverse("accounts:user_new"),
        {
            "username": "Tessa",
            "first_name": "Tessa",
            "last_name": "Again",
            "email": "tessa-at-nhs",
            "roles": ["therapist"],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter an email address in the correct format, like name@example.nhs.uk" in html
    assert "Someone already has this username. Choose another" in html
    assert User.objects.filter(username__iexact="tessa").count() == 1


def test_it_refuses_a_supervisor_who_is_not_on_the_list(
    as_user, administrator, supervisor, other_therapist
):
    response = as_user(administrator).post(
        reverse("accounts:user_new"),
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Patel",
            "email": "nina@example.nhs.uk",
            "roles": ["therapist"],
            "supervisors": [other_therapist.pk],
        },
    )
    assert response.status_code == 422
    assert "Choose supervisors from the list" in response.content.decode()
    assert not User.objects.filter(username="nina").exists()


def test_it_shows_someones_details_to_change(as_user, administrator, therapist):
    response = as_user(administrator).get(
        reverse("accounts:user_edit", kwargs={"pk": therapist.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Change {escape(therapist.display_name)}</h1>" in html
    assert f'value="{therapist.email}"' in html
    assert reverse("accounts:user_reset_two_factor", kwargs={"pk": therapist.pk}) in html


def test_it_changes_roles_sites_and_supervisors_and_audits_it(
    as_user, administrator, therapist, supervisor, service
):
    hilltop = SiteFactory(service=service, name="Hilltop Clinic")
    http = as_user(administrator)
    response = http.post(
        reverse("accounts:user_edit", kwargs={"pk": therapist.pk}),
        _edit_data(therapist, roles=["therapist", "service_manager"], sites=[hilltop.pk]),
    )
    assert response["Location"] == reverse("accounts:user_list")
    assert (
        f"Changes to {escape(therapist.display_name)} saved"
        in http.get(response["Location"]).content.decode()
    )
    therapist.refresh_from_db()
    assert therapist.is_service_manager
    assert list(therapist.sites.all()) == [hilltop]
    event = AuditEvent.objects.get(action="update", object_id=str(therapist.pk))
    assert event.changes == {
        "is_service_manager": [False, True],
        "sites": [["Riverside Centre"], ["Hilltop Clinic"]],
    }


def test_it_deactivates_someone_who_then_cannot_sign_in(as_user, administrator, therapist, client):
    response = as_user(administrator).post(
        reverse("accounts:user_edit", kwargs={"pk": therapist.pk}),
        _edit_data(therapist, is_active="False"),
    )
    assert response.status_code == 302
    assert User.objects.filter(pk=therapist.pk).exists()
    sign_in = client.post(reverse("accounts:sign_in"), {"username": "tessa", "password": PASSWORD})
    assert sign_in.status_code == 422
    assert "Enter a correct username and password" in sign_in.content.decode()


def test_it_refuses_invalid_changes_with_422_and_saves_nothing(as_user, administrator, therapist):
    response = as_user(administrator).post(
        reverse("accounts:user_edit", kwargs={"pk": therapist.pk}),
        _edit_data(therapist, first_name="", email="nope", roles=[]),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter a first name" in html
    assert "Choose at least one role" in html
    therapist.refresh_from_db()
    assert therapist.first_name and therapist.is_therapist
    assert not AuditEvent.objects.exists()


def test_it_stops_an_administrator_demoting_or_deactivating_themselves(as_user, administrator):
    response = as_user(administrator).post(
        reverse("accounts:user_edit", kwargs={"pk": administrator.pk}),
        _edit_data(administrator, roles=["therapist"], is_active="False"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "You cannot remove your own administrator role" in html
    assert "You cannot deactivate your own account" in html
    administrator.refresh_from_db()
    assert administrator.is_administrator and administrator.is_active
    assert not administrator.is_therapist


def test_it_asks_before_resetting_two_factor(as_user, administrator, therapist):
    response = as_user(administrator).get(
        reverse("accounts:user_reset_two_factor", kwargs={"pk": therapist.pk})
    )
    assert response.status_code == 200
    assert "Reset two-factor authentication for" in response.content.decode()
    assert TOTPDevice.objects.filter(user=therapist).exists()


def test_it_resets_two_factor_so_the_person_sets_it_up_again_at_sign_in(
    as_user, administrator, therapist, client
):
    http = as_user(administrator)
    response = http.post(reverse("accounts:user_reset_two_factor", kwargs={"pk": therapist.pk}))
    assert response["Location"] == reverse("accounts:user_edit", kwargs={"pk": therapist.pk})
    page = http.get(response["Location"]).content.decode()
    assert "Two-factor authentication reset for" in page
    assert "Not set up" in page
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert AuditEvent.objects.get(object_id=str(therapist.pk)).changes == {
        "two_factor_devices": [["authenticator app"], []]
    }

    sign_in = client.post(reverse("accounts:sign_in"), {"username": "tessa", "password": PASSWORD})
    assert sign_in["Location"] == reverse("accounts:set_up")


def test_it_resends_an_invitation(
    as_user, administrator, service, django_capture_on_commit_callbacks, mailoutbox
):
    invited = _invited(service, username="ivy", email="ivy@example.nhs.uk", is_therapist=True)
    http = as_user(administrator)
    edit_page = http.get(reverse("accounts:user_edit", kwargs={"pk": invited.pk}))
    assert "Send the invitation again" in edit_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("accounts:user_resend_invitation", kwargs={"pk": invited.pk}))

    assert response["Location"] == reverse("accounts:user_edit", kwargs={"pk": invited.pk})
    assert "new invitation" in http.get(response["Location"]).content.decode()
    assert [m.to for m in mailoutbox] == [["ivy@example.nhs.uk"]]
    assert AuditEvent.objects.filter(object_id=str(invited.pk), action="update").exists()


def test_it_does_not_resend_an_invitation_to_someone_with_a_password(
    as_user, administrator, therapist, django_capture_on_commit_callbacks, mailoutbox
):
    http = as_user(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            reverse("accounts:user_resend_invitation", kwargs={"pk": therapist.pk})
        )
    assert "has already chosen a password" in http.get(response["Location"]).content.decode()
    assert mailoutbox == []
