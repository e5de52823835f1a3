"""The summaries carry the primary IPT problem area, filled in for the courses summarised already."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_areas(apps, schema_editor):
    OutcomeSummary = apps.get_model("reports", "OutcomeSummary")
    FocusArea = apps.get_model("formulations", "FocusArea")
    primary = FocusArea.objects.filter(course_id=OuterRef("course_id"), rank="primary")
    OutcomeSummary.objects.filter(
        course_id__in=FocusArea.objects.filter(rank="primary").values("course_id")
    ).update(ipt_problem_area=Subquery(primary.values("area")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("formulations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcomesummary",
            name="ipt_problem_area",
            field=models.CharField(
                blank=True,
                choices=[
                    ("grief", "Grief"),
                    ("role_dispute", "Role dispute"),
                    ("role_transition", "Role transition"),
                    ("deficits", "Interpersonal deficits"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_areas, migrations.RunPython.noop),
    ]
