from django.urls import path

from . import views

app_name = "formulations"
urlpatterns = [
    path("courses/<int:pk>/focus/", views.overview, name="overview"),
    path("courses/<int:pk>/focus/<slug:rank>/", views.area_edit, name="area"),
    path(
        "courses/<int:pk>/focus/<slug:rank>/dispute-stage/",
        views.dispute_stage,
        name="dispute_stage",
    ),
    path("courses/<int:pk>/focus/<slug:rank>/strategies/", views.strategies, name="strategies"),
    path("courses/<int:pk>/formulation/", views.formulation, name="formulation"),
    path("courses/<int:pk>/formulation/edit/", views.formulation_edit, name="formulation_edit"),
    path("courses/<int:pk>/formulation/agree/", views.formulation_agree, name="formulation_agree"),
    path(
        "courses/<int:pk>/formulation/versions/<int:version>/",
        views.formulation_version,
        name="formulation_version",
    ),
    path("courses/<int:pk>/middle-phase/", views.middle_phase, name="middle_phase"),
    path("courses/<int:pk>/goals/new/", views.goal_add, name="goal_add"),
    path("courses/<int:pk>/goals/ratings/", views.goal_ratings, name="goal_ratings"),
    path("courses/<int:pk>/goals/<int:goal_pk>/close/", views.goal_close, name="goal_close"),
    path("problem-areas/", views.labels, name="labels"),
]
