"""The error every service raises when it refuses a write: a message fit to show as it is,
and the form field it belongs to, if any. Apps subclass it (e.g. `NotesRefused`)."""

from __future__ import annotations


class Refused(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
