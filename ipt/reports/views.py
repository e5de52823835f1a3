"""The service dashboard: service managers only; everyone else gets 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import dashboard, presenters
from .forms import DashboardFilterForm


def can_see_dashboard(user) -> bool:
    return bool(getattr(user, "is_service_manager", False) and getattr(user, "service_id", None))


@require_GET
def dashboard_view(request):
    user = request.user
    if not can_see_dashboard(user):
        raise Http404
    today = timezone.localdate()
    query = request.GET.copy()
    wants_csv = query.pop("format", [""])[-1] == "csv"
    table_name = query.pop("table", [""])[-1]
    form = DashboardFilterForm(query or None, service=user.service, today=today)
    invalid = form.is_bound and not form.is_valid()
    f = form.filters()
    months = dashboard.referrals_by_month(f)
    tables = {
        t.name: t
        for t in (
            presenters.referrals_table(months),
            presenters.waits_table(
                dashboard.waiting_now(f, today),
                dashboard.waits(f, "assessment"),
                dashboard.waits(f, "treatment"),
            ),
            presenters.caseloads_table(dashboard.caseloads(f)),
            presenters.appointments_table(dashboard.attendance(f)),
            presenters.outcomes_table(dashboard.finished_rates(f)),
        )
    }
    if wants_csv and not invalid:  # with a wrong filter, the page says what to correct
        if table_name not in tables:
            raise Http404
        response = HttpResponse(tables[table_name].csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{table_name}-{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}.csv"'
        )
        return response
    context = {
        "form": form,
        "period": presenters.period_text(f.start, f.end),
        "tables": tables,
        "csv_links": {name: "?" + _with(query, format="csv", table=name) for name in tables},
        "chart": presenters.bar_chart(
            "Referrals received by month",
            [(presenters.month_label(m), n) for m, n in months],
        ),
    }
    return render(request, "reports/dashboard.jinja", context, status=422 if invalid else 200)


def _with(query, **extra) -> str:
    params = query.copy()
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()
