from django.urls import include, path

urlpatterns = [
    path("", include("ipt.core.urls")),
    path("", include("ipt.accounts.urls")),
    path("", include("ipt.organisations.urls")),
    path("", include("ipt.clients.urls")),
    path("", include("ipt.courses.urls")),
    path("", include("ipt.appointments.urls")),
    path("", include("ipt.measures.urls")),
    path("", include("ipt.assessments.urls")),
    path("", include("ipt.formulations.urls")),
    path("", include("ipt.notes.urls")),
    path("", include("ipt.reminders.urls")),
    path("", include("ipt.portal.urls")),
    path("", include("ipt.diaries.urls")),
    path("", include("ipt.supervision.urls")),
    path("", include("ipt.reports.urls")),
]

handler400 = "ipt.core.views.bad_request"
handler403 = "ipt.core.views.permission_denied"
handler404 = "ipt.core.views.page_not_found"
handler500 = "ipt.core.views.server_error"
