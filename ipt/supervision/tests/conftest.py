import pytest

from ipt.clients.tests.factories import ClientFactory
from ipt.courses.tests.factories import open_course
from ipt.formulations.tests.factories import choose_area

from .support import finish, in_treatment, sessions


def _course(therapist, site, given_name, family_name):
    client = ClientFactory(
        service=therapist.service,
        created_by=therapist,
        given_name=given_name,
        family_name=family_name,
    )
    return open_course(therapist=therapist, site=site, client=client)


@pytest.fixture
def steady(therapist, site):
    """Tessa's client Alice Adams, improving steadily in the middle phase, role dispute."""
    course = in_treatment(_course(therapist, site, "Alice", "Adams"))
    sessions(course, [(16, 12), (14, 11), (12, 10), (11, 9), (10, 8)])
    choose_area(course)
    return course


@pytest.fixture
def worsening(therapist, site):
    """Tessa's client Zara Young: PHQ-9 rose from 10 to 17, a reliable deterioration."""
    course = in_treatment(_course(therapist, site, "Zara", "Young"))
    sessions(course, [(10, 8), (17, 9)])
    return course


@pytest.fixture
def at_risk(therapist, site):
    """Tessa's client Yusuf Young: question 9 answered at the last session, not acknowledged."""
    course = in_treatment(_course(therapist, site, "Yusuf", "Young"))
    sessions(course, [(12, 9), (11, 9)], q9_at_last=1)
    return course


@pytest.fixture
def oscars_course(other_therapist, site):
    """Oscar's client: Oscar is not supervised by Sam."""
    return _course(other_therapist, site, "Olga", "Other")


@pytest.fixture
def recovered(therapist, site):
    """Tessa's finished course: PHQ-9 18 to 6 and GAD-7 12 to 5, a reliable recovery."""
    course = in_treatment(_course(therapist, site, "Rita", "Reed"))
    sessions(course, [(18, 12), (12, 9), (6, 5)])
    return finish(course)


@pytest.fixture
def deteriorated(therapist, site):
    """Tessa's finished course: PHQ-9 10 to 17, a reliable deterioration, still at caseness."""
    course = in_treatment(_course(therapist, site, "Dan", "Drake"))
    sessions(course, [(10, 8), (17, 9)])
    return finish(course)
