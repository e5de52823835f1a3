"""Pages that belong to no single app: home, health check, audit log, error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from .forms import AuditSearchForm
from .models import AuditEvent
from .presenters import audit_rows


def home(request):
    from ipt.portal.access import open_requests_for

    context = {"user": request.user, "open_requests": open_requests_for(request.user).count()}
    return render(request, "core/home.jinja", context)


@login_not_required
def health(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure makes the service unhealthy
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "failing", "database": database}, status=status
    )


def audit_log(request):
    """Service managers search their service's audit log by client, user and date."""
    if not request.user.is_service_manager:
        raise Http404
    form = AuditSearchForm(request.GET or None, service=request.user.service)
    events = AuditEvent.objects.none()
    status = 200
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        events = form.search()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": audit_rows(page.object_list)}
    return render(request, "core/audit_log.jinja", context, status=status)


def _error(template: str, status: int):
    def view(request, exception=None, reason=""):
        response = render(request, template, status=status)
        return response

    view.__name__ = f"error_{status}"
    return view


bad_request = _error("core/400.jinja", 400)
permission_denied = _error("core/403.jinja", 403)
page_not_found = _error("core/404.jinja", 404)
csrf_failure = _error("core/403.jinja", 403)


def server_error(request):
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.jinja").render({}), status=500)
