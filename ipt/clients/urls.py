from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_new, name="new"),
    path("clients/<int:pk>/", views.client_detail, name="detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="edit"),
    path("clients/<int:pk>/referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/allocate/", views.referral_allocate, name="referral_allocate"),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral_status"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/log/", views.break_glass_log, name="break_glass_log"),
]
