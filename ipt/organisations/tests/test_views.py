import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipt.accounts.tests.factories import UserFactory
from ipt.core.models import AuditEvent
from ipt.organisations.models import Service, Site
from ipt.organisations.tests.factories import ServiceFactory, SiteFactory


@pytest.fixture
def other_administrator(db):
    """An administrator of a different service: must see nothing of ours."""
    return UserFactory(
        username="alex", service=ServiceFactory(name="Elsewhere Wellbeing"), is_administrator=True
    )


@pytest.fixture
def their_site(other_administrator):
    return SiteFactory(service=other_administrator.service, name="Faraway House")


PAGES = [
    ("get", "organisations:site_list", False),
    ("get", "organisations:site_new", False),
    ("post", "organisations:site_new", False),
    ("get", "organisations:site_edit", True),
    ("post", "organisations:site_edit", True),
    ("get", "organisations:service_settings", False),
    ("post", "organisations:service_settings", False),
]


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "manager", "outsider"])
@pytest.mark.parametrize(("method", "name", "for_a_site"), PAGES)
def test_it_hides_service_pages_from_everyone_but_administrators(
    request, as_user, site, persona, method, name, for_a_site
):
    kwargs = {"pk": site.pk} if for_a_site else {}
    response = getattr(as_user(request.getfixturevalue(persona)), method)(
        reverse(name, kwargs=kwargs), {"name": "Taken over", "address": "", "is_active": "False"}
    )
    assert response.status_code == 404
    site.refresh_from_db()
    assert site.name == "Riverside Centre" and site.is_active


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_gives_404_for_another_services_site(as_user, administrator, their_site, method):
    response = getattr(as_user(administrator), method)(
        reverse("organisations:site_edit", kwargs={"pk": their_site.pk}),
        {"name": "Taken over", "address": "", "is_active": "True"},
    )
    assert response.status_code == 404
    their_site.refresh_from_db()
    assert their_site.name == "Faraway House"


def test_it_lists_only_the_services_sites(as_user, administrator, site, therapist, their_site):
    SiteFactory(service=site.service, name="Old Depot", is_active=False)
    response = as_user(administrator).get(reverse("organisations:site_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Sites</h1>" in html
    assert "Riverside Centre" in html and "Old Depot" in html
    assert "Deactivated" in html
    assert reverse("organisations:site_edit", kwargs={"pk": site.pk}) in html
    assert "Faraway House" not in html


def test_it_lists_sites_in_a_fixed_number_of_queries(
    as_user, administrator, service, django_assert_max_num_queries
):
    http = as_user(administrator)
    with CaptureQueriesContext(connection) as few_sites:
        http.get(reverse("organisations:site_list"))
    for _ in range(10):
        UserFactory(service=service).sites.add(SiteFactory(service=service))

    with django_assert_max_num_queries(len(few_sites)):
        response = http.get(reverse("organisations:site_list"))
    assert len(re.findall(r'href="/sites/\d+/"', response.content.decode())) == 10


def test_it_adds_a_site(as_user, administrator, service):
    http = as_user(administrator)
    assert http.get(reverse("organisations:site_new")).status_code == 200

    response = http.post(
        reverse("organisations:site_new"), {"name": "Hilltop Clinic", "address": "2 Hill Road"}
    )

    assert response["Location"] == reverse("organisations:site_list")
    assert "Hilltop Clinic added" in http.get(response["Location"]).content.decode()
    site = service.sites.get(name="Hilltop Clinic")
    assert AuditEvent.objects.get(action="create", object_id=str(site.pk)).actor == administrator


def test_it_refuses_a_site_without_a_name(as_user, administrator, service):
    response = as_user(administrator).post(reverse("organisations:site_new"), {"address": "x"})
    assert response.status_code == 422
    assert "Enter the site name" in response.content.decode()
    assert not Site.objects.filter(address="x").exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_second_site_with_the_same_name(as_user, administrator, site):
    response = as_user(administrator).post(
        reverse("organisations:site_new"), {"name": "riverside centre", "address": ""}
    )
    assert response.status_code == 422
    assert "Your service already has a site called riverside centre" in response.content.decode()
    assert site.service.sites.count() == 1


def test_it_changes_and_deactivates_a_site(as_user, administrator, site):
    http = as_user(administrator)
    page = http.get(reverse("organisations:site_edit", kwargs={"pk": site.pk}))
    assert "<h1>Change Riverside Centre</h1>" in page.content.decode()

    response = http.post(
        reverse("organisations:site_edit", kwargs={"pk": site.pk}),
        {"name": "Riverside House", "address": "1 High Street", "is_active": "False"},
    )

    assert response["Location"] == reverse("organisations:site_list")
    assert "Changes to Riverside House saved" in http.get(response["Location"]).content.decode()
    site.refresh_from_db()
    assert site.name == "Riverside House" and not site.is_active
    assert AuditEvent.objects.get(action="update", object_id=str(site.pk)).changes == {
        "is_active": [True, False],
        "name": ["Riverside Centre", "Riverside House"],
    }


def test_it_refuses_an_invalid_site_change(as_user, administrator, site):
    response = as_user(administrator).post(
        reverse("organisations:site_edit", kwargs={"pk": site.pk}), {"name": "", "address": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the site name" in html
    assert "Choose whether the site is active" in html
    site.refresh_from_db()
    assert site.name == "Riverside Centre"


def test_it_changes_the_service_settings(as_user, administrator, service):
    http = as_user(administrator)
    page = http.get(reverse("organisations:service_settings"))
    assert 'value="Northshire Talking Therapies"' in page.content.decode()

    assert 'value="2"' in page.content.decode()

    response = http.post(
        reverse("organisations:service_settings"),
        {
            "name": "Northshire IPT",
            "kind": Service.Kind.PRIVATE_PRACTICE,
            "video_base_url": "https://video.example.nhs.uk/ipt",
            "consecutive_non_attendances_for_review": "3",
        },
    )

    assert response["Location"] == reverse("organisations:service_settings")
    assert "Service settings saved" in http.get(response["Location"]).content.decode()
    service.refresh_from_db()
    assert service.name == "Northshire IPT"
    assert service.kind == Service.Kind.PRIVATE_PRACTICE
    assert service.video_base_url == "https://video.example.nhs.uk/ipt"
    assert service.consecutive_non_attendances_for_review == 3
    event = AuditEvent.objects.get(action="update", object_type="organisations.service")
    assert event.changes["name"] == ["Northshire Talking Therapies", "Northshire IPT"]
    assert event.changes["video_base_url"] == ["", "https://video.example.nhs.uk/ipt"]
    assert event.changes["consecutive_non_attendances_for_review"] == [2, 3]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"video_base_url": "http://video.example.nhs.uk"}, "must start with https://"),
        ({"video_base_url": "not a web address"}, "Enter a web address in the correct format"),
        ({"consecutive_non_attendances_for_review": ""}, "Enter how many missed sessions"),
        ({"consecutive_non_attendances_for_review": "0"}, "Enter a number between 1 and 10"),
        ({"consecutive_non_attendances_for_review": "two"}, "Enter a whole number, like 2"),
    ],
)
def test_it_refuses_invalid_video_and_review_settings(
    as_user, administrator, service, changes, message
):
    data = {
        "name": service.name,
        "kind": service.kind,
        "video_base_url": "",
        "consecutive_non_attendances_for_review": "2",
    } | changes
    response = as_user(administrator).post(reverse("organisations:service_settings"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    service.refresh_from_db()
    assert service.video_base_url == "" and service.consecutive_non_attendances_for_review == 2
    assert not AuditEvent.objects.exists()


def test_it_refuses_invalid_service_settings(as_user, administrator, service, outsider):
    response = as_user(administrator).post(
        reverse("organisations:service_settings"), {"name": "elsewhere wellbeing"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Another service already uses this name" in html
    assert "Choose the type of service" in html
    service.refresh_from_db()
    assert service.name == "Northshire Talking Therapies"
    assert not AuditEvent.objects.exists()
