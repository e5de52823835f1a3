"""Background work for the portal, run by `manage.py db_worker`.

A password reset asked for queues `send_password_reset` whether or not the address has an
account, so the page answers in the same time either way; the task looks for the account."""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset(email: str) -> bool:
    """Email a reset link if an account in use has this address; True if one was sent."""
    from . import services

    return services.send_password_reset(email=email)
