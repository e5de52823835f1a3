from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/rooms/", views.room_list, name="room_list"),
    path("sites/<int:pk>/rooms/new/", views.room_new, name="room_new"),
    path("sites/<int:pk>/rooms/<int:room_pk>/", views.room_edit, name="room_edit"),
    path("closures/", views.closure_list, name="closure_list"),
    path("closures/new/", views.closure_new, name="closure_new"),
    path("closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path("service/", views.service_settings, name="service_settings"),
]
