"""Appointments counted by month, therapist, medium and attendance for the dashboard, counted
once here from the appointments there are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone


def count_appointments(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    AttendanceMonth = apps.get_model("reports", "AttendanceMonth")
    rows = (
        Appointment.objects.annotate(
            month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone())
        )
        .values_list("course__service_id", "month", "therapist_id", "medium", "attendance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    AttendanceMonth.objects.bulk_create(
        (
            AttendanceMonth(
                service_id=service_id,
                month=timezone.localtime(month).date(),
                therapist_id=therapist_id,
                medium=medium,
                attendance=attendance,
                appointments=n,
            )
            for service_id, month, therapist_id, medium, attendance, n in rows
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_rooms_closures_and_settings"),
        ("reports", "0002_outcome_summary_ipt_problem_area"),
        ("appointments", "0003_period_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendanceMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The first day of the month")),
                (
                    "medium",
                    models.CharField(
                        choices=[
                            ("face_to_face", "Face to face"),
                            ("telephone", "Telephone"),
                            ("video", "Video"),
                        ],
                        max_length=14,
                    ),
                ),
                ("attendance", models.CharField(blank=True, max_length=1)),
                ("appointments", models.PositiveIntegerField()),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.service",
                    ),
                ),
                (
                    "therapist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("service", "month", "therapist", "medium", "attendance"),
                        name="attendance_month_one_row_per_bucket",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("appointments__gt", 0)),
                        name="attendance_month_counts_something",
                    ),
                ],
            },
        ),
        migrations.RunPython(count_appointments, migrations.RunPython.noop),
    ]
