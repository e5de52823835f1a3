from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from ipt.clients.models import Client, Referral, ReferralStatus
from ipt.core.audit import verify_chain
from ipt.nonprod import demo


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def loaded(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_a_service_with_every_role_and_about_forty_clients(loaded):
    assert "Demo data loaded." in loaded
    for username in ("ada.admin", "maya.manager", "sam.supervisor", "tessa.therapist"):
        assert username in loaded
    assert 38 <= Client.objects.count() <= 45
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert verify_chain().intact


def test_running_it_twice_changes_nothing(loaded):
    before = _row_counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _row_counts() == before


def test_the_two_personas_are_on_their_therapists_caseloads(loaded, client):
    rachel = Client.objects.get(given_name="Rachel", family_name="Okafor")
    geoffrey = Client.objects.get(given_name="Geoffrey", family_name="Hartley")
    assert rachel.referrals.get().allocated_therapist.username == "tessa.therapist"
    assert geoffrey.referrals.get().allocated_therapist.username == "theo.therapist"
    assert "wife died five months ago" in geoffrey.referrals.get().reason


def test_a_printed_backup_code_signs_the_demo_therapist_in(loaded, client):
    line = next(row for row in loaded.splitlines() if row.strip().startswith("tessa.therapist"))
    code = line.split("codes:")[1].split()[0]
    client.post(
        reverse("accounts:sign_in"), {"username": "tessa.therapist", "password": demo.PASSWORD}
    )
    response = client.post(reverse("accounts:verify"), {"token": code}, follow=True)
    assert "Hello, Tessa" in response.content.decode()
    caseload = client.get(reverse("clients:list")).content.decode()
    assert "Okafor" in caseload
    assert "Hartley" not in caseload
