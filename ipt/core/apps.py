from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipt.core"
    label = "core"
    verbose_name = "Core: audit, access and layout"
