from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "ipt.courses"
    label = "courses"
    verbose_name = "Courses of IPT: variants, contracts, status"
