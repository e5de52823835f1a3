from django.urls import path

from . import views, views_staff

app_name = "portal"
urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/sign-in/", views.sign_in, name="sign_in"),
    path("my/sign-out/", views.sign_out, name="sign_out"),
    path("my/invitation/<str:token>/", views.accept, name="accept"),
    path("my/forgotten-password/", views.forgotten_password, name="forgotten_password"),
    path("my/reset/<str:uidb64>/<str:token>/", views.reset, name="reset"),
    path("my/help-now/", views.crisis, name="crisis"),
    path("my/appointments/", views.appointments, name="appointments"),
    path("my/appointments/<int:pk>.ics", views.appointment_ics, name="appointment_ics"),
    path("my/appointments/<int:pk>/change/", views.change_appointment, name="change_appointment"),
    path("my/progress/", views.progress, name="progress"),
    path("my/homework/", views.homework, name="homework"),
    path("my/homework/<int:pk>/", views.homework_answer, name="homework_answer"),
    path("clients/<int:pk>/portal/", views_staff.portal_access, name="access"),
    path("appointment-requests/", views_staff.appointment_requests, name="requests"),
    path(
        "appointment-requests/<int:pk>/resolve/",
        views_staff.resolve_request,
        name="resolve_request",
    ),
]
