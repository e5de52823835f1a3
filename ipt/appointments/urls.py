from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("courses/<int:pk>/appointments/", views.course_appointments, name="course"),
    path("courses/<int:pk>/appointments/new/", views.book, name="book"),
    path("courses/<int:pk>/appointments/series/", views.book_series, name="book_series"),
    path("courses/<int:pk>/boosters/", views.boosters, name="boosters"),
    path("appointments/<int:pk>/", views.detail, name="detail"),
    path("appointments/<int:pk>/move/", views.move, name="move"),
    path("appointments/<int:pk>/outcome/", views.record, name="record"),
    path("appointments/<int:pk>/rebook/", views.rebook, name="rebook"),
    path("diary/", views.diary, name="diary"),
]
