from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.caseloads, name="caseloads"),
    path("supervision/courses/<int:pk>/", views.course, name="course"),
]
