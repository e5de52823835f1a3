"""Single-use, one-hour links to reset a portal password, bound to the password hash."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

RESET_LIFETIME = dt.timedelta(hours=1)


class ClientResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens for a ClientAccount (pk, password, last_login, email), but valid
    for one hour, not the staff setting. Changing the password or signing in spends them."""

    key_salt = "ipt.portal.tokens.ClientResetTokenGenerator"

    def make_token(self, user: Any) -> str:
        """A token for a ClientAccount (the stubs expect a User; any object with the fields works)."""
        return super().make_token(user)

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= RESET_LIFETIME.total_seconds()


reset_tokens = ClientResetTokenGenerator()
