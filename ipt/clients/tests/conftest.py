import pytest

from .factories import ClientFactory, ReferralFactory


@pytest.fixture
def tessas_client(service, site, therapist, manager):
    """A client whose open referral is allocated to the therapist (Tessa)."""
    client = ClientFactory(
        service=service,
        given_name="Jane",
        family_name="Doe",
        nhs_number="9434765919",
        created_by=manager,
    )
    ReferralFactory(client=client, site=site, created_by=manager, allocated_therapist=therapist)
    return client


@pytest.fixture
def waiting_client(service, site, manager):
    """A client whose referral is waiting for assessment and not yet allocated."""
    client = ClientFactory(
        service=service, given_name="Wanda", family_name="Waits", created_by=manager
    )
    ReferralFactory(client=client, site=site, created_by=manager)
    return client
