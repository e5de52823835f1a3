"""Who may reach the administration pages: administrators, and only for their own service."""

from __future__ import annotations

from functools import wraps

from django.http import Http404


def is_administrator(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_administrator and user.service_id
    )


def administrator_required(view):
    """Anyone who is not an administrator of a service gets 'page not found', never 'forbidden'."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_administrator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
