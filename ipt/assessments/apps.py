from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "ipt.assessments"
    label = "assessments"
    verbose_name = "Assessment, interpersonal inventory, closeness circle and timeline"
