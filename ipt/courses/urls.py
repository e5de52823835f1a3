from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("referrals/<int:pk>/course/new/", views.course_open, name="open"),
    path("courses/<int:pk>/", views.course_detail, name="detail"),
    path("courses/<int:pk>/contract/", views.course_renegotiate, name="renegotiate"),
    path("courses/<int:pk>/end/", views.course_end, name="end"),
    path("ipt-variants/", views.variant_list, name="variant_list"),
    path("ipt-variants/new/", views.variant_new, name="variant_new"),
    path("ipt-variants/<int:pk>/", views.variant_edit, name="variant_edit"),
]
