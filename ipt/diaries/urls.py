from django.urls import path

from . import views

app_name = "diaries"
urlpatterns = [
    path("my/diary/", views.portal_list, name="portal_list"),
    path("my/diary/new/", views.portal_new, name="portal_new"),
    path("my/diary/<int:pk>/change/", views.portal_edit, name="portal_edit"),
    path("courses/<int:pk>/diary/", views.course_diary, name="course"),
]
