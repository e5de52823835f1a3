"""Courses with a stored outcome summary set to chosen figures, for dashboard examples."""

from ipt.clients.models import Referral
from ipt.courses.tests.factories import open_course
from ipt.reports import summaries
from ipt.reports.models import OutcomeSummary


def course_with_summary(*, therapist, site, received_on, problem="depression", **figures):
    """A course opened through the services, its referral received on `received_on`, and its
    summary refreshed then given `figures` (e.g. finished=True, recovered=True)."""
    course = open_course(therapist=therapist, site=site)
    Referral.objects.filter(pk=course.referral_id).update(
        received_on=received_on, problem_descriptor=problem
    )
    summaries.refresh(course)
    OutcomeSummary.objects.filter(pk=course.pk).update(**figures)
    return course
