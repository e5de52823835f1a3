import re
from urllib.parse import urlsplit

from django.urls import reverse

from ipt.accounts.models import User

NEW_PASSWORD = "amber kestrel over the weir"


def _add_nina(http, site, supervisor):
    return http.post(
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


def _link_path(body: str) -> str:
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def test_it_invites_a_new_user_who_chooses_a_password_then_sets_up_two_factor(
    as_user,
    administrator,
    site,
    supervisor,
    client,
    settings,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    settings.IPT_BASE_URL = "https://ipt.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        _add_nina(as_user(administrator), site, supervisor)

    [email] = mailoutbox
    assert email.to == ["nina@example.nhs.uk"]
    assert email.subject == "Set up your IPT service account"
    assert "Your username is: nina" in email.body
    assert "https://ipt.example.nhs.uk/password-reset/" in email.body
    link = _link_path(email.body)

    choose = client.get(link, follow=True)
    assert "Choose a new password" in choose.content.decode()
    set_password_url = choose.redirect_chain[-1][0]
    saved = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert saved["Location"] == reverse("accounts:password_reset_complete")

    again = client.get(link, follow=True)
    assert "This link has expired or been used" in again.content.decode()

    sign_in = client.post(
        reverse("accounts:sign_in"), {"username": "nina", "password": NEW_PASSWORD}
    )
    assert sign_in["Location"] == reverse("accounts:set_up")
    nina = User.objects.get(username="nina")
    assert nina.service == administrator.service
    assert nina.is_therapist and nina.is_supervisor
    assert not nina.is_service_manager and not nina.is_administrator
    assert list(nina.sites.all()) == [site]
    assert list(nina.supervisors.all()) == [supervisor]


def test_it_refuses_a_common_or_short_password_from_the_invitation_link(
    as_user, administrator, site, supervisor, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        _add_nina(as_user(administrator), site, supervisor)
    choose = client.get(_link_path(mailoutbox[0].body), follow=True)

    refused = client.post(
        choose.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )

    assert refused.status_code == 200
    assert "This password is too short" in refused.content.decode()
    assert not User.objects.get(username="nina").has_usable_password()


def test_it_sends_a_new_invitation_link_that_works(
    as_user, administrator, site, supervisor, client, django_capture_on_commit_callbacks, mailoutbox
):
    http = as_user(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        _add_nina(http, site, supervisor)
    nina = User.objects.get(username="nina")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("accounts:user_resend_invitation", kwargs={"pk": nina.pk}))

    choose = client.get(_link_path(mailoutbox[-1].body), follow=True)
    saved = client.post(
        choose.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert saved["Location"] == reverse("accounts:password_reset_complete")
    nina.refresh_from_db()
    assert nina.check_password(NEW_PASSWORD)
