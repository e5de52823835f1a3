from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("courses/<int:pk>/assessment/", views.overview, name="overview"),
    path("courses/<int:pk>/assessment/edit/", views.edit, name="edit"),
    path("courses/<int:pk>/inventory/", views.inventory, name="inventory"),
    path("courses/<int:pk>/inventory/new/", views.person_add, name="person_add"),
    path("courses/<int:pk>/inventory/<int:entry_pk>/", views.person_edit, name="person_edit"),
    path(
        "courses/<int:pk>/inventory/<int:entry_pk>/remove/",
        views.person_remove,
        name="person_remove",
    ),
    path("courses/<int:pk>/inventory/snapshots/", views.snapshot_take, name="snapshot_take"),
    path("courses/<int:pk>/inventory/compare/", views.compare, name="compare"),
    path("courses/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("courses/<int:pk>/timeline/events/new/", views.event_add, name="event_add"),
    path("courses/<int:pk>/timeline/events/<int:item_pk>/", views.event_edit, name="event_edit"),
    path(
        "courses/<int:pk>/timeline/events/<int:item_pk>/remove/",
        views.event_remove,
        name="event_remove",
    ),
    path("courses/<int:pk>/timeline/episodes/new/", views.episode_add, name="episode_add"),
    path(
        "courses/<int:pk>/timeline/episodes/<int:item_pk>/",
        views.episode_edit,
        name="episode_edit",
    ),
    path(
        "courses/<int:pk>/timeline/episodes/<int:item_pk>/remove/",
        views.episode_remove,
        name="episode_remove",
    ),
    path("service/clinical-record/", views.settings, name="settings"),
]
