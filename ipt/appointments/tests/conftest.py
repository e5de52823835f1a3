import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ipt.organisations.tests.factories import RoomFactory

LONDON = ZoneInfo("Europe/London")
# Every appointment test runs on Tuesday 24 November 2026 at 09:00, London time.
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)


def at(day: str, time: str = "10:00") -> dt.datetime:
    """An aware London datetime: at("2026-11-24", "10:00")."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), LONDON)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Room 1")


@pytest.fixture
def video_service(service):
    service.video_base_url = "https://video.example.nhs.uk/ipt"
    service.save(update_fields=["video_base_url"])
    return service
