from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ipt.supervision"
    label = "supervision"
    verbose_name = "Supervision"
