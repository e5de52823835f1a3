from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "ipt.reminders"
    label = "reminders"
    verbose_name = "Reminders and calendar feeds"
