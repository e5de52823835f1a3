from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "ipt.appointments"
    label = "appointments"
    verbose_name = "Appointments, attendance and the therapist's diary"
