from django.urls import path

from . import views, views_portal

app_name = "measures"
urlpatterns = [
    path("appointments/<int:pk>/questionnaires/", views.enter, name="enter"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/correct/", views.correct, name="correct"),
    path("risk-alerts/", views.alerts, name="alerts"),
    path("risk-alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("service/risk-alerts/", views.settings, name="settings"),
    path("service/questionnaires/", views.questionnaire_sets, name="sets"),
    path("service/questionnaires/service/", views.questionnaire_set, name="set_default"),
    path(
        "service/questionnaires/variants/<int:variant_pk>/",
        views.questionnaire_set,
        name="set_variant",
    ),
    path("my/questionnaires/", views_portal.sets, name="portal_sets"),
    path(
        "my/questionnaires/<int:appointment_pk>/<str:code>/",
        views_portal.start,
        name="portal_start",
    ),
    path(
        "my/questionnaires/<int:appointment_pk>/<str:code>/check/",
        views_portal.check,
        name="portal_check",
    ),
    path(
        "my/questionnaires/<int:appointment_pk>/<str:code>/done/",
        views_portal.done,
        name="portal_done",
    ),
    path(
        "my/questionnaires/<int:appointment_pk>/<str:code>/<str:item_id>/",
        views_portal.question,
        name="portal_question",
    ),
]
