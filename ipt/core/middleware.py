"""Middleware that belongs to no single app."""

import uuid

from . import request_context


def client_ip(request) -> str | None:
    """The connecting address. Behind a proxy, configure it to set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id (echoed in X-Request-ID) and binds it, with the IP, for auditing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = request_context.bind(
            request_context.RequestContext(request_id=request.request_id, ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
