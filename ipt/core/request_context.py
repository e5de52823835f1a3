"""Who is asking, from where, in which request: read by the audit log without passing a request."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_OUTSIDE_A_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "ipt_request_context", default=None
)


def current() -> RequestContext:
    return _current.get() or _OUTSIDE_A_REQUEST


def bind(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def reset(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
