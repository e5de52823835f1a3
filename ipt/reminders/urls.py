from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("clients/<int:pk>/messages/", views.client_messages, name="client_messages"),
    path("clients/<int:pk>/messages/<int:message_pk>/retry/", views.retry, name="retry"),
    path("service/messages/failed/", views.failed, name="failed"),
    path("service/reminders/", views.settings, name="settings"),
    path("account/calendar/", views.calendar, name="calendar"),
    path("account/calendar/new/", views.calendar_create, name="calendar_create"),
    path("account/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
