from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [
    path("courses/<int:pk>/notes/", views.course_notes, name="list"),
    path("courses/<int:pk>/midpoint-review/", views.midpoint, name="midpoint"),
    path("courses/<int:pk>/ending/", views.ending, name="ending"),
    path("courses/<int:pk>/ending/print/", views.ending_print, name="ending_print"),
    path(
        "courses/<int:pk>/ending/relapse-prevention-plan/",
        views.relapse_plan,
        name="relapse_plan",
    ),
    path("courses/<int:pk>/ending/summary/", views.ending_summary, name="ending_summary"),
    path("appointments/<int:pk>/note/", views.note, name="note"),
    path("appointments/<int:pk>/note/new/", views.note_new, name="new"),
    path("appointments/<int:pk>/note/edit/", views.note_edit, name="edit"),
    path("appointments/<int:pk>/note/sign/", views.note_sign, name="sign"),
    path("appointments/<int:pk>/note/addendum/", views.note_addendum, name="addendum"),
    path("appointments/<int:pk>/note/homework/", views.homework_new, name="homework"),
    path(
        "appointments/<int:pk>/note/homework/<int:task_pk>/review/",
        views.homework_review,
        name="homework_review",
    ),
]
