from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "ipt.notes"
    label = "notes"
    verbose_name = "Session notes, homework, reviews and the ending plan"
