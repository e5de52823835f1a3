from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/", views.site_edit, name="site_edit"),
    path("service/", views.service_settings, name="service_settings"),
]
