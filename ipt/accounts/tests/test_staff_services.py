import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts import services
from ipt.accounts.models import Role, Supervision, User
from ipt.accounts.tests.factories import UserFactory
from ipt.core.models import AuditEvent
from ipt.organisations.tests.factories import ServiceFactory, SiteFactory


def _details(user, **overrides):
    details = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": user.roles,
        "sites": list(user.sites.all()),
        "supervisors": list(user.supervisors.all()),
        "is_active": user.is_active,
    }
    return {**details, **overrides}


def test_it_creates_staff_without_a_password_and_audits_it(
    service, site, supervisor, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.create_staff(
            service=service,
            by=administrator,
            username="nina",
            first_name="Nina",
            last_name="Patel",
            email="nina@example.nhs.uk",
            roles=[Role.THERAPIST],
            sites=[site],
            supervisors=[supervisor],
        )

    assert not user.has_usable_password()
    assert user.roles == [Role.THERAPIST]
    assert list(user.sites.all()) == [site]
    assert list(user.supervisors.all()) == [supervisor]
    event = AuditEvent.objects.get(action="create", object_id=str(user.pk))
    assert event.actor == administrator
    assert event.changes["username"] == [None, "nina"]
    assert event.changes["is_therapist"] == [None, True]
    assert event.changes["sites"] == [None, ["Riverside Centre"]]
    assert event.changes["supervisors"] == [None, ["sam"]]
    assert [m.to for m in mailoutbox] == [["nina@example.nhs.uk"]]


def test_it_sends_no_invitation_until_the_transaction_commits(
    service, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.create_staff(
            service=service,
            by=administrator,
            username="nina",
            first_name="Nina",
            last_name="Patel",
            email="nina@example.nhs.uk",
            roles=[Role.THERAPIST],
            sites=[],
            supervisors=[],
        )
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_it_refuses_a_username_that_differs_only_in_case(service, administrator, therapist):
    with pytest.raises(ValidationError) as refused:
        services.create_staff(
            service=service,
            by=administrator,
            username="TESSA",
            first_name="Tessa",
            last_name="Two",
            email="tessa2@example.nhs.uk",
            roles=[Role.THERAPIST],
            sites=[],
            supervisors=[],
        )
    assert "username" in refused.value.message_dict
    assert User.objects.filter(username__iexact="tessa").count() == 1


def test_it_refuses_sites_and_supervisors_from_another_service(service, administrator, therapist):
    elsewhere = ServiceFactory(name="Elsewhere Wellbeing")
    their_site = SiteFactory(service=elsewhere)
    their_supervisor = UserFactory(service=elsewhere, is_supervisor=True)

    with pytest.raises(ValidationError) as refused:
        services.update_staff(
            user=therapist,
            by=administrator,
            **_details(therapist, sites=[their_site], supervisors=[their_supervisor]),
        )

    assert set(refused.value.message_dict) == {"sites", "supervisors"}
    assert their_site not in therapist.sites.all()
    assert not Supervision.objects.filter(supervisee=therapist).exists()


def test_it_refuses_someone_as_their_own_supervisor(administrator, supervisor):
    with pytest.raises(ValidationError) as refused:
        services.update_staff(
            user=supervisor, by=administrator, **_details(supervisor, supervisors=[supervisor])
        )
    assert refused.value.message_dict["supervisors"] == ["A person cannot be their own supervisor"]


def test_it_refuses_a_colleague_who_is_not_a_supervisor_as_supervisor(
    administrator, therapist, other_therapist
):
    with pytest.raises(ValidationError):
        services.update_staff(
            user=therapist, by=administrator, **_details(therapist, supervisors=[other_therapist])
        )


def test_it_stops_an_administrator_removing_their_own_administrator_role(administrator):
    with pytest.raises(ValidationError) as refused:
        services.update_staff(
            user=administrator,
            by=administrator,
            **_details(administrator, roles=[Role.THERAPIST], first_name="Changed"),
        )
    assert "roles" in refused.value.message_dict
    administrator.refresh_from_db()
    assert administrator.is_administrator
    assert not administrator.is_therapist
    assert administrator.first_name != "Changed"
    assert not AuditEvent.objects.filter(action="update").exists()


def test_it_stops_an_administrator_deactivating_themselves(administrator):
    with pytest.raises(ValidationError) as refused:
        services.update_staff(
            user=administrator, by=administrator, **_details(administrator, is_active=False)
        )
    assert "is_active" in refused.value.message_dict
    administrator.refresh_from_db()
    assert administrator.is_active


def test_it_lets_an_administrator_change_another_administrator(service, administrator):
    colleague = UserFactory(service=service, is_administrator=True)
    services.update_staff(
        user=colleague, by=administrator, **_details(colleague, roles=[], is_active=False)
    )
    colleague.refresh_from_db()
    assert not colleague.is_administrator
    assert not colleague.is_active


def test_it_audits_each_change_to_staff(administrator, therapist, supervisor, site):
    hilltop = SiteFactory(service=therapist.service, name="Hilltop Clinic")
    services.update_staff(
        user=therapist,
        by=administrator,
        **_details(
            therapist,
            email="tessa.new@example.nhs.uk",
            roles=[Role.THERAPIST, Role.SERVICE_MANAGER],
            sites=[site, hilltop],
            supervisors=[],
        ),
    )
    event = AuditEvent.objects.get(action="update", object_id=str(therapist.pk))
    assert event.actor == administrator
    assert event.changes == {
        "email": ["tessa@example.nhs.uk", "tessa.new@example.nhs.uk"],
        "is_service_manager": [False, True],
        "sites": [["Riverside Centre"], ["Hilltop Clinic", "Riverside Centre"]],
        "supervisors": [["sam"], []],
    }


def test_it_ends_supervisions_when_someone_stops_being_a_supervisor(
    administrator, supervisor, therapist
):
    services.update_staff(
        user=supervisor, by=administrator, **_details(supervisor, roles=[Role.THERAPIST])
    )
    assert list(therapist.supervisors.all()) == []
    event = AuditEvent.objects.get(action="update", object_id=str(supervisor.pk))
    assert event.changes["supervisees"] == [["tessa"], []]


def test_it_resets_two_factor_by_removing_every_device(administrator, therapist):
    services.replace_backup_codes(user=therapist, by=therapist)
    assert services.has_two_factor(therapist)

    services.reset_two_factor(user=therapist, by=administrator)

    assert not services.has_two_factor(therapist)
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert not StaticDevice.objects.filter(user=therapist).exists()
    event = AuditEvent.objects.filter(object_id=str(therapist.pk)).first()
    assert event.actor == administrator
    assert event.changes == {"two_factor_devices": [["authenticator app", "backup codes"], []]}


def test_it_resends_an_invitation_only_to_someone_without_a_password(
    service, administrator, therapist, django_capture_on_commit_callbacks, mailoutbox
):
    invited = UserFactory(service=service, username="ivy", with_authenticator=False)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(user=invited, by=administrator)
        with pytest.raises(ValidationError):
            services.resend_invitation(user=therapist, by=administrator)

    assert [m.to for m in mailoutbox] == [["ivy@example.nhs.uk"]]
    assert "/password-reset/" in mailoutbox[0].body
