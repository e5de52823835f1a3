from django.apps import AppConfig


class DiariesConfig(AppConfig):
    name = "ipt.diaries"
    label = "diaries"
    verbose_name = "Client diaries"
