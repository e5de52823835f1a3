from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_staff
from .middleware import otp_not_required

app_name = "accounts"


def _reset_view(view_class, **kwargs):
    return otp_not_required(view_class.as_view(**kwargs))


urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/set-up/", views.set_up, name="set_up"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path("account/backup-codes/", views.backup_codes, name="backup_codes"),
    path("account/backup-codes/new/", views.new_backup_codes, name="new_backup_codes"),
    path(
        "password-reset/",
        _reset_view(
            auth_views.PasswordResetView,
            template_name="accounts/password_reset.jinja",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        _reset_view(
            auth_views.PasswordResetDoneView, template_name="accounts/password_reset_done.jinja"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        _reset_view(
            auth_views.PasswordResetConfirmView,
            template_name="accounts/password_reset_confirm.jinja",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        _reset_view(
            auth_views.PasswordResetCompleteView,
            template_name="accounts/password_reset_complete.jinja",
        ),
        name="password_reset_complete",
    ),
    path("staff/", views_staff.user_list, name="user_list"),
    path("staff/new/", views_staff.user_new, name="user_new"),
    path("staff/<int:pk>/", views_staff.user_edit, name="user_edit"),
    path(
        "staff/<int:pk>/reset-two-factor/",
        views_staff.user_reset_two_factor,
        name="user_reset_two_factor",
    ),
    path(
        "staff/<int:pk>/resend-invitation/",
        views_staff.user_resend_invitation,
        name="user_resend_invitation",
    ),
]
