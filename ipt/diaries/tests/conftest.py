import pytest

from ipt.courses.tests.factories import open_course

from .support import signed_in_client


@pytest.fixture
def me(course, therapist):
    """The course's client, signed in to the portal."""
    return signed_in_client(course.client, invited_by=therapist)


@pytest.fixture
def other_course(therapist, site):
    """Another client of the same therapist."""
    return open_course(therapist=therapist, site=site, by=therapist)
