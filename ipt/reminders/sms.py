"""Sending text messages, behind one small interface so tests never reach the network.

`NotifySmsSender` sends through GOV.UK Notify and is used only when `NOTIFY_API_KEY` is set;
without a key (and no sender chosen by `use`) text messages are switched off and none are
scheduled. Tests use `FakeSmsSender`, which records what it was asked to send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings


class SmsFailed(Exception):
    """The provider did not accept the message; the text says why."""


class SmsSender(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send `body` to the mobile number `to`; return the provider's reference."""
        ...


class NotifySmsSender:
    """GOV.UK Notify. The template has one placeholder, ((body)), holding the whole text."""

    def __init__(self, *, api_key: str, template_id: str):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)
        self.template_id = template_id

    def send(self, *, to: str, body: str, reference: str) -> str:
        from notifications_python_client.errors import APIError

        try:
            response = self.client.send_sms_notification(
                phone_number=to,
                template_id=self.template_id,
                personalisation={"body": body},
                reference=reference,
            )
        except APIError as error:
            raise SmsFailed(f"GOV.UK Notify refused the message: {error}") from error
        except OSError as error:
            raise SmsFailed(f"GOV.UK Notify could not be reached: {error}") from error
        return str(response.get("id", ""))


@dataclass
class SentSms:
    to: str
    body: str
    reference: str


@dataclass
class FakeSmsSender:
    """Records each message in `outbox`; `fail_with` makes every send fail with that text."""

    outbox: list[SentSms] = field(default_factory=list)
    fail_with: str = ""

    def send(self, *, to: str, body: str, reference: str) -> str:
        if self.fail_with:
            raise SmsFailed(self.fail_with)
        self.outbox.append(SentSms(to=to, body=body, reference=reference))
        return f"fake-{len(self.outbox)}"


_chosen: SmsSender | None = None


def use(sender: SmsSender | None) -> None:
    """Choose the sender (tests, or a deployment that sends another way); None to go back to
    the settings."""
    global _chosen
    _chosen = sender


def sender() -> SmsSender | None:
    """The sender in use, or None when text messages are switched off."""
    if _chosen is not None:
        return _chosen
    api_key = getattr(settings, "NOTIFY_API_KEY", "")
    if not api_key:
        return None
    return NotifySmsSender(
        api_key=api_key, template_id=getattr(settings, "NOTIFY_SMS_TEMPLATE_ID", "")
    )


def enabled() -> bool:
    return sender() is not None
