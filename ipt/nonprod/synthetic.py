"""Synthetic services for scale work: five years of referrals, courses, appointments and scores.

`generate(size="small" | "large")` builds a whole service in bulk, not through the audited
services: rows are planned in memory (a seeded random generator, so a seed gives the same
service), given their primary keys up front and written in bulk (`executemany`, or COPY on
PostgreSQL), one transaction per batch of referrals. No audit event is written for a synthetic row; one event records that the
synthetic service was generated. Scores come from the instruments (valid answers, totals, bands,
risk flags), stamped with session numbers and phases from the course rules.

Each therapist has weekly slots; a course holds one slot from its assessment to its last
session, so diaries never clash and waits grow when a site is busy.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import importlib.util
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from io import StringIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from ipt.accounts.models import Supervision, User
from ipt.appointments.models import (
    CONSULTATION_MECHANISM,
    IPT_CARE_ACTIVITY,
    Appointment,
    Medium,
)
from ipt.clients.models import (
    Client,
    ProblemDescriptor,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Urgency,
)
from ipt.core import audit
from ipt.courses.models import Course, CourseStatusChange, TherapyVariant, TreatmentContract
from ipt.courses.rules import ATTENDED_CODES, ContractTerms, phase_for
from ipt.courses.variants import DEFAULT_VARIANTS
from ipt.diaries.models import DiaryEntry
from ipt.formulations.areas import DisputeStage, ProblemArea
from ipt.formulations.models import FocusArea, Rank
from ipt.measures import instruments
from ipt.measures.models import EntryMode, Response, RiskAlert
from ipt.measures.presenters import incomplete_reason
from ipt.organisations.models import Room, Service, Site

LONDON = ZoneInfo("Europe/London")
YEARS = 5
BATCH = 2000  # referrals written per transaction
HOURS = (9, 10, 11, 12, 13, 14, 15, 16, 17)  # each therapist's weekly slots, Monday to Friday
INSTRUMENTS = ("PHQ9", "GAD7", "WSAS")
# Illustrative shares of the primary IPT problem area (ours, not from a source): transitions and
# disputes are the usual foci in services; grief and interpersonal deficits less often.
IPT_AREAS = {
    ProblemArea.ROLE_TRANSITION: 0.35,
    ProblemArea.ROLE_DISPUTE: 0.30,
    ProblemArea.GRIEF: 0.20,
    ProblemArea.DEFICITS: 0.15,
}
AREA_DETAILS: dict[str, dict] = {
    ProblemArea.GRIEF: {"deceased": "Their mother", "inventory_person": "Mother"},
    ProblemArea.ROLE_DISPUTE: {"dispute_with": "Partner"},
    ProblemArea.ROLE_TRANSITION: {"from_role": "Working full time", "to_role": "Redundancy"},
    ProblemArea.DEFICITS: {"to_build": "Friendships outside the family"},
}
DIARY_SHARE = 0.25  # courses whose client keeps a diary in the portal
DIARY_EVENTS = (
    ("Argument about the washing up", "Partner", "Angry, then guilty"),
    ("Phoned my sister for the first time in weeks", "Sister", "Nervous, then relieved"),
    ("Stayed in all day", "", "Flat"),
    ("Lunch with a colleague", "Colleague", "Calmer than I expected"),
    ("Visited the grave", "", "Sad"),
    ("Said no to extra work", "Manager", "Worried, a bit proud"),
    ("Walk in the park with a friend", "Friend", "Lighter"),
)
# Every model written in bulk, parents before children.
WRITTEN = (
    Client,
    Referral,
    ReferralStatusChange,
    Course,
    TreatmentContract,
    CourseStatusChange,
    Appointment,
    Response,
    RiskAlert,
    FocusArea,
    DiaryEntry,
)


class SyntheticRefused(Exception):
    """The synthetic service cannot be generated (for example it exists already)."""


@dataclass(frozen=True)
class Size:
    """The shape of a synthetic service; counts are for five years at scale 1."""

    name: str
    service_name: str
    kind: str
    referrals: int
    sites: int
    therapists: int
    supervisors: int
    managers: int
    administrators: int
    rooms_per_site: int
    course_share: float  # referrals that become a course; the rest are declined or withdrawn
    declined_share: float
    assessment_wait_days: float  # median days from referral to assessment
    treatment_gap_weeks: tuple[int, ...]  # weeks from assessment to the first session
    returning_clients: float  # referrals from someone referred before
    media: dict[str, float]
    variants: dict[str, float]
    sources: dict[str, float]
    endings: dict[str, float]
    entry_modes: dict[str, float]


NHS_ENDINGS = {
    "complete": 0.40,
    "early_completion": 0.10,
    "dropout": 0.28,
    "withdrawn_in_treatment": 0.06,
    "referred_on_in_treatment": 0.04,
    "withdrawn_in_assessment": 0.08,
    "referred_on_from_assessment": 0.04,
}
PRIVATE_ENDINGS = {
    "complete": 0.70,
    "early_completion": 0.08,
    "dropout": 0.10,
    "withdrawn_in_treatment": 0.04,
    "referred_on_in_treatment": 0.02,
    "withdrawn_in_assessment": 0.04,
    "referred_on_from_assessment": 0.02,
}

SIZES = {
    "small": Size(
        name="small",
        service_name="Synthetic private IPT practice",
        kind=Service.Kind.PRIVATE_PRACTICE,
        referrals=1250,
        sites=2,
        therapists=5,
        supervisors=1,
        managers=1,
        administrators=1,
        rooms_per_site=3,
        course_share=0.88,
        declined_share=0.07,
        assessment_wait_days=8,
        treatment_gap_weeks=(1, 1, 2),
        returning_clients=0.05,
        media={"face_to_face": 0.45, "video": 0.50, "telephone": 0.05},
        variants={"individual": 0.85, "conjoint": 0.10, "adolescent": 0.05},
        sources={"self": 0.80, "gp": 0.10, "other_professional": 0.10},
        endings=PRIVATE_ENDINGS,
        entry_modes={"client_online": 0.70, "therapist_in_session": 0.28, "paper": 0.02},
    ),
    "large": Size(
        name="large",
        service_name="Synthetic NHS Talking Therapies",
        kind=Service.Kind.NHS_TALKING_THERAPIES,
        referrals=150_000,
        sites=10,
        therapists=120,
        supervisors=12,
        managers=2,
        administrators=4,
        rooms_per_site=6,
        course_share=0.36,
        declined_share=0.44,
        assessment_wait_days=18,
        treatment_gap_weeks=(1, 2, 2, 3, 4, 6),
        returning_clients=0.10,
        media={"telephone": 0.35, "video": 0.35, "face_to_face": 0.30},
        variants={"individual": 0.70, "telephone": 0.15, "adolescent": 0.08, "conjoint": 0.07},
        sources={"self": 0.60, "gp": 0.32, "other_professional": 0.08},
        endings=NHS_ENDINGS,
        entry_modes={"client_online": 0.60, "therapist_in_session": 0.35, "paper": 0.05},
    ),
}

PROBLEMS = {
    ProblemDescriptor.DEPRESSION: 0.45,
    ProblemDescriptor.MIXED_ANXIETY_DEPRESSION: 0.20,
    ProblemDescriptor.GENERALISED_ANXIETY: 0.12,
    ProblemDescriptor.SOCIAL_ANXIETY: 0.05,
    ProblemDescriptor.PTSD: 0.04,
    ProblemDescriptor.PANIC: 0.03,
    ProblemDescriptor.HEALTH_ANXIETY: 0.02,
    ProblemDescriptor.OCD: 0.02,
    ProblemDescriptor.AGORAPHOBIA: 0.01,
    ProblemDescriptor.OTHER: 0.06,
}
REASONS: dict[str, str] = {
    ProblemDescriptor.DEPRESSION: "Low mood since a bereavement; withdrawn from friends.",
    ProblemDescriptor.MIXED_ANXIETY_DEPRESSION: "Low mood and worry after a change of role.",
    ProblemDescriptor.GENERALISED_ANXIETY: "Constant worry; arguments at home.",
    ProblemDescriptor.SOCIAL_ANXIETY: "Avoids people at work; feels isolated.",
    ProblemDescriptor.PTSD: "Nightmares after an assault; relationship under strain.",
    ProblemDescriptor.PANIC: "Panic attacks since moving away from family.",
    ProblemDescriptor.HEALTH_ANXIETY: "Worry about illness after a parent's diagnosis.",
    ProblemDescriptor.OCD: "Checking rituals; conflict with partner about them.",
    ProblemDescriptor.AGORAPHOBIA: "Rarely leaves home since losing their job.",
    ProblemDescriptor.OTHER: "Low mood and disputes with family.",
}
# Attendance codes of an ordinary appointment: about 86% attended (5 or 6).
ATTENDANCE = {"5": 0.82, "6": 0.04, "3": 0.06, "2": 0.05, "4": 0.02, "7": 0.01}
END_REASONS = {
    "complete": ("completed", ("planned_ending",)),
    "early_completion": ("completed", ("ended_early_by_agreement",)),
    "dropout": ("dropped_out", ("stopped_attending", "could_not_be_contacted", "moved_away")),
    "withdrawn_in_treatment": ("withdrawn", ("client_chose_to_stop", "practical_reasons")),
    "referred_on_in_treatment": (
        "referred_on",
        ("needs_other_therapy", "needs_secondary_care", "risk"),
    ),
    "withdrawn_in_assessment": (
        "withdrawn",
        ("improved_before_starting", "client_chose_to_stop", "practical_reasons"),
    ),
    "referred_on_from_assessment": ("referred_on", ("needs_other_therapy", "needs_secondary_care")),
}
TRAJECTORIES = {"improve": 0.75, "stall": 0.14, "deteriorate": 0.06, "below_caseness": 0.05}

GIVEN = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Eilidh",
    "Femi",
    "Grace",
    "Harvey",
    "Isla",
    "Jamal",
    "Kasia",
    "Liam",
    "Mei",
    "Nathan",
    "Orla",
    "Pavel",
    "Ruth",
    "Sanjay",
    "Tilly",
    "Umar",
    "Vera",
    "Wiktor",
    "Yasmin",
    "Zac",
    "Aoife",
    "Bilal",
    "Carys",
    "Dominic",
    "Esme",
    "Farid",
]
FAMILY = [
    "Ashworth",
    "Bello",
    "Carver",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Gallagher",
    "Hussain",
    "Iqbal",
    "Jarvis",
    "Kowalski",
    "Lindqvist",
    "Mensah",
    "Nolan",
    "O'Brien",
    "Pritchard",
    "Quinn",
    "Rahman",
    "Sutcliffe",
    "Thorne",
    "Upton",
    "Varga",
    "Whitlock",
    "Yeo",
    "Zielinski",
]
GP_PRACTICES = (
    ("Riverside Medical Practice", "N81001"),
    ("Castle Street Surgery", "N81002"),
    ("Week Street Health Centre", "G82003"),
    ("Millbrook Family Practice", "N81004"),
    ("Harbour View Surgery", "N81005"),
)


class _Chooser:
    """Fast weighted choice from a fixed table (cumulative weights + bisect)."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


@dataclass
class _Course:
    """A planned course: its variant, slot, appointments (day, attendance) and how it ends."""

    variant: TherapyVariant
    therapist: User
    medium: str
    hour: int
    assessment_day: dt.date
    sessions: list[tuple[dt.date, str]]  # treatment appointments, oldest first
    ending: str
    trajectory: tuple[str, tuple[int, int], tuple[int, int], tuple[int, int]]
    seed: int


@dataclass
class _Referral:
    received_on: dt.date
    site: Site
    problem: str
    source: str
    urgent: bool
    fate: str  # "course", "declined", "withdrawn"
    decided_on: dt.date  # assessment (course, declined) or withdrawal
    client: int | None = None  # index of a client referred before
    therapist: User | None = None
    course: _Course | None = None


@dataclass
class Report:
    """What was generated, and how long it took."""

    service: Service
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    refreshed_summaries: bool = False

    def lines(self) -> list[str]:
        out = [f"{self.service.name}: generated in {self.seconds:.1f} s"]
        out += [f"  {name}: {count:,}" for name, count in sorted(self.counts.items())]
        if self.refreshed_summaries:
            out.append("Outcome summaries refreshed for every course.")
        return out


class _Ids:
    """Primary keys handed out before insert, so children can point at parents in bulk."""

    def __init__(self, *model_classes: type[models.Model]) -> None:
        self.next = {
            m: (m._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
            for m in model_classes
        }

    def take(self, model_class: type[models.Model]) -> int:
        value = self.next[model_class]
        self.next[model_class] = value + 1
        return value


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _weekday(day: dt.date) -> dt.date:
    """The day itself on a weekday, else the Monday after."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _nhs_numbers(start: int) -> Iterator[str]:
    """Distinct valid NHS numbers in the 999 test range (never issued to a real patient), in
    order from `start`, skipping the numbers that have no valid check digit."""
    n = start
    while True:
        digits = [9, 9, 9] + [int(c) for c in f"{n % 1_000_000:06d}"]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            yield "".join(map(str, digits)) + str(check)
        n += 1


def _spread(total: int, items: int, most: int, rng: random.Random) -> list[int]:
    """`items` answers from 0 to `most` adding up to `total` (clamped to what is possible)."""
    total = max(0, min(total, items * most))
    base, extra = divmod(total, items)
    values = [base] * items
    for i in rng.sample(range(items), extra):
        values[i] += 1
    for _ in range(2):
        i, j = rng.randrange(items), rng.randrange(items)
        if values[i] > 0 and values[j] < most:
            values[i] -= 1
            values[j] += 1
    return values


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _trajectory(rng: random.Random, kind: str):
    """Start and aimed-for end of PHQ-9, GAD-7 and WSAS for a course of this kind."""
    if kind == "below_caseness":
        phq, gad = (_clamp(rng.gauss(7, 1.5), 2, 9), _clamp(rng.gauss(5, 1.5), 1, 7))
    else:
        phq, gad = (_clamp(rng.gauss(16.5, 4), 10, 27), _clamp(rng.gauss(13.5, 3.5), 8, 21))
    wsas = _clamp(rng.gauss(21, 7), 4, 40)
    if kind == "improve":
        ends = (_clamp(rng.gauss(5, 2.5), 0, phq - 6), _clamp(rng.gauss(4, 2), 0, gad - 4))
        ends_wsas = _clamp(wsas * rng.uniform(0.3, 0.6), 0, 40)
    elif kind == "deteriorate":
        ends = (_clamp(phq + rng.gauss(7, 2), 0, 27), _clamp(gad + rng.gauss(5, 1.5), 0, 21))
        ends_wsas = _clamp(wsas + rng.gauss(6, 2), 0, 40)
    elif kind == "stall":
        ends = (_clamp(phq + rng.gauss(-2, 2), 0, 27), _clamp(gad + rng.gauss(-1.5, 2), 0, 21))
        ends_wsas = _clamp(wsas + rng.gauss(-2, 3), 0, 40)
    else:
        ends = (_clamp(phq - rng.gauss(2, 1.5), 0, 27), _clamp(gad - rng.gauss(1, 1.5), 0, 21))
        ends_wsas = _clamp(wsas * 0.8, 0, 40)
    return (kind, (phq, ends[0]), (gad, ends[1]), (wsas, ends_wsas))


def _score(span: tuple[int, int], session: int, planned: int, rng: random.Random, most: int):
    start, end = span
    share = min(1.0, session / planned) ** 0.5 if session else 0.0  # most change comes early
    return _clamp(start + (end - start) * share + rng.gauss(0, 1.3), 0, most)


def _answers(trajectory, session: int, planned: int, rng: random.Random) -> dict[str, dict]:
    """PHQ-9, GAD-7 and WSAS answers for one appointment (session 0 is the assessment)."""
    _, phq_span, gad_span, wsas_span = trajectory
    phq_total = _score(phq_span, session, planned, rng, 27)
    q9 = 0
    if phq_total >= 15 and rng.random() < 0.12:
        q9 = 2 if rng.random() < 0.2 else 1
    symptoms = _spread(phq_total - q9, 8, 3, rng)
    phq9 = {f"q{n}": v for n, v in enumerate(symptoms, start=1)}
    phq9["q9"] = q9
    phq9["q10"] = min(3, 1 + sum(symptoms) // 9) if phq_total else 0
    gad7 = {
        f"q{n}": v
        for n, v in enumerate(_spread(_score(gad_span, session, planned, rng, 21), 7, 3, rng), 1)
    }
    wsas_total = _score(wsas_span, session, planned, rng, 40)
    if rng.random() < 0.15:  # retired or not working for other reasons: work item left out
        wsas = {f"q{n}": v for n, v in enumerate(_spread(wsas_total, 4, 8, rng), start=2)}
        wsas["work_not_applicable"] = 1
    else:
        wsas = {f"q{n}": v for n, v in enumerate(_spread(wsas_total, 5, 8, rng), start=1)}
    return {"PHQ9": phq9, "GAD7": gad7, "WSAS": wsas}


class _Slots:
    """Each therapist's weekly slots as a heap of (free from, weekday, hour)."""

    def __init__(self, therapists: Sequence[User], start: dt.date) -> None:
        self.heaps = {
            t.pk: [(start.toordinal(), weekday, hour) for weekday in range(5) for hour in HOURS]
            for t in therapists
        }
        for heap in self.heaps.values():
            heapq.heapify(heap)

    def take(self, therapist: User, earliest: dt.date) -> tuple[dt.date, int, int]:
        """The first day on or after `earliest` that one of the therapist's slots is free,
        with the slot's weekday and hour; `release` the slot when the course is planned."""
        free_from, weekday, hour = heapq.heappop(self.heaps[therapist.pk])
        day = dt.date.fromordinal(max(free_from, earliest.toordinal()))
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        return day, weekday, hour

    def release(self, therapist: User, weekday: int, hour: int, after: dt.date) -> None:
        heapq.heappush(self.heaps[therapist.pk], (after.toordinal() + 1, weekday, hour))


def _plan_sessions(
    rng: random.Random, ending: str, planned: int, first: dt.date, attendance: _Chooser
) -> list[tuple[dt.date, str]]:
    """Weekly treatment appointments until the course ends the way it is going to."""
    if ending.endswith("_from_assessment") or ending == "withdrawn_in_assessment":
        return []
    target = {
        "complete": planned,
        "early_completion": rng.randint(planned - 4, planned - 1),
        "dropout": rng.randint(1, max(2, planned // 2 + 1)),
        "withdrawn_in_treatment": rng.randint(1, 6),
        "referred_on_in_treatment": rng.randint(2, 6),
    }[ending]
    sessions: list[tuple[dt.date, str]] = []
    attended = 0
    day = first
    while attended < target and len(sessions) < planned * 2:
        code = attendance(rng)
        sessions.append((day, code))
        attended += code in ATTENDED_CODES
        day += dt.timedelta(days=7)
    if ending == "dropout":
        for _ in range(rng.randint(1, 2)):
            sessions.append((day, "3"))
            day += dt.timedelta(days=7)
    return sessions


def _staff(size: Size, service: Service, sites: list[Site], scale: float, password: str | None):
    """Managers, administrators, and therapists (some of them supervisors) at each site."""
    prefix = f"synth-{size.name}"
    hashed = make_password(password)  # one hash for every synthetic login
    n_therapists = max(2, round(size.therapists * scale))
    n_supervisors = max(1, round(size.supervisors * scale))
    people: list[tuple[str, dict]] = []
    for n in range(size.managers):
        people.append((f"{prefix}.manager{n + 1}", {"is_service_manager": True}))
    for n in range(size.administrators):
        people.append((f"{prefix}.admin{n + 1}", {"is_administrator": True}))
    for n in range(n_therapists):
        roles = {"is_therapist": True, "is_supervisor": n < n_supervisors}
        people.append((f"{prefix}.therapist{n + 1:03d}", roles))
    users = []
    for n, (username, roles) in enumerate(people):
        first = GIVEN[n % len(GIVEN)]
        last = FAMILY[(7 * n) % len(FAMILY)]
        users.append(
            User(
                username=username,
                password=hashed,
                first_name=first,
                last_name=last,
                email=f"{username}@synthetic.example.nhs.uk",
                service=service,
                **roles,
            )
        )
    User.objects.bulk_create(users)
    users = list(User.objects.filter(service=service).order_by("pk"))
    therapists = [u for u in users if u.is_therapist]
    memberships = []
    for user in users:
        homes = sites if not user.is_therapist else [sites[therapists.index(user) % len(sites)]]
        memberships += [User.sites.through(user_id=user.pk, site_id=s.pk) for s in homes]
    User.sites.through.objects.bulk_create(memberships)
    supervisors = [t for t in therapists if t.is_supervisor]
    Supervision.objects.bulk_create(
        Supervision(supervisor=supervisors[n % len(supervisors)], supervisee=t)
        for n, t in enumerate(therapists)
        if t != supervisors[n % len(supervisors)]
    )
    by_site = {
        s.pk: [t for n, t in enumerate(therapists) if n % len(sites) == i]
        for i, s in enumerate(sites)
    }
    admins = [u for u in users if u.is_administrator]
    return users, therapists, by_site, admins


def _plan(
    size: Size,
    rng: random.Random,
    *,
    scale: float,
    today: dt.date,
    sites: list[Site],
    by_site: dict[int, list[User]],
    variants: dict[str, TherapyVariant],
) -> list[_Referral]:
    """Every referral of five years, with its course planned, in the order they arrived."""
    start = today - dt.timedelta(days=365 * YEARS)
    count = max(10, round(size.referrals * scale))
    # Later years are busier: demand grows about 8% a year.
    days = sorted(
        _weekday(start + dt.timedelta(days=int(365 * YEARS * rng.random() ** 0.85)))
        for _ in range(count)
    )
    therapists = [t for group in by_site.values() for t in group]
    slots = _Slots(therapists, start)
    site_weights = {s.pk: rng.uniform(0.6, 1.4) for s in sites}
    sites_by_pk = {s.pk: s for s in sites}
    choose = {
        "site": _Chooser(site_weights),
        "problem": _Chooser(PROBLEMS),
        "source": _Chooser(size.sources),
        "ending": _Chooser(size.endings),
        "medium": _Chooser(size.media),
        "variant": _Chooser(size.variants),
        "trajectory": _Chooser(TRAJECTORIES),
        "attendance": _Chooser(ATTENDANCE),
    }
    planned: list[_Referral] = []
    for index, received in enumerate(days):
        wait = max(1, round(rng.lognormvariate(0, 0.7) * size.assessment_wait_days))
        decided = received + dt.timedelta(days=wait)
        roll = rng.random()
        fate = (
            "course"
            if roll < size.course_share
            else "declined"
            if roll < size.course_share + size.declined_share
            else "withdrawn"
        )
        site = sites_by_pk[choose["site"](rng)]
        referral = _Referral(
            received_on=received,
            site=site,
            problem=choose["problem"](rng),
            source=choose["source"](rng),
            urgent=rng.random() < 0.03,
            fate=fate,
            decided_on=decided,
        )
        if planned and rng.random() < size.returning_clients:
            earlier = rng.randrange(max(1, index // 2))
            first = planned[earlier].client
            referral.client = earlier if first is None else first
        if fate != "withdrawn":
            referral.therapist = rng.choice(by_site[site.pk])
        if fate == "course":
            referral.course = _plan_course(
                size, rng, choose, referral, variants, slots, today=today
            )
            if referral.course is None:
                referral.fate, referral.therapist = "waiting", None
        planned.append(referral)
    return planned


def _plan_course(size, rng, choose, referral, variants, slots: _Slots, *, today: dt.date):
    therapist = referral.therapist
    day, weekday, hour = slots.take(therapist, referral.decided_on)
    if day >= today:  # not assessed yet: still on the waiting list
        slots.release(therapist, weekday, hour, day - dt.timedelta(days=7))
        return None
    referral.decided_on = day
    code = choose["variant"](rng)
    if referral.client is not None and code == "adolescent":
        code = "individual"
    variant = variants[code]
    medium = "telephone" if code == "telephone" else choose["medium"](rng)
    ending = choose["ending"](rng)
    first = day + dt.timedelta(weeks=rng.choice(size.treatment_gap_weeks))
    sessions = _plan_sessions(rng, ending, variant.planned_sessions, first, choose["attendance"])
    last = sessions[-1][0] if sessions else day
    slots.release(therapist, weekday, hour, last)
    return _Course(
        variant=variant,
        therapist=therapist,
        medium=medium,
        hour=hour,
        assessment_day=day,
        sessions=sessions,
        ending=ending,
        trajectory=_trajectory(rng, choose["trajectory"](rng)),
        seed=rng.getrandbits(32),
    )


def _adapter(field: models.Field) -> Callable | None:
    """How a value of this field is handed to the database (None: as it is)."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: no proxy look-up per value
    if isinstance(field, models.DateTimeField):
        return db.ops.adapt_datetimefield_value  # every synthetic datetime is aware
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, db)
    return None


class _Table:
    """Rows of one model written with one `executemany`, skipping the ORM's per-row work.

    A row is a dict of field names (a related object or its `<name>_id`, `pk` for the key);
    fields left out take their defaults. Values are adapted for the database in use.
    """

    def __init__(self, model_class: type[models.Model]) -> None:
        fields = list(model_class._meta.concrete_fields)
        names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(str(model_class._meta.db_table))
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        self.copy = f"COPY {table} ({names}) FROM STDIN"
        # Per field: the key it is given under, its other key, its default and its adapter.
        self.plan = [
            (
                "pk" if f.primary_key else f.attname,
                f.name if f.is_relation else None,
                f.get_default,
                _adapter(f),
            )
            for f in fields
        ]

    def _values(self, row: dict) -> tuple:
        values = []
        for key, other, default, adapt in self.plan:
            if key in row:
                value = row[key]
            elif other is not None and other in row:
                value = row[other]
                value = None if value is None else value.pk
            else:
                value = default()
            values.append(value if adapt is None else adapt(value))
        return tuple(values)

    def insert(self, cursor, rows: list[dict]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":  # COPY: several times faster than INSERTs
            with cursor.cursor.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(self._values(row))
        else:
            cursor.executemany(self.sql, [self._values(row) for row in rows])


class _Writer:
    """Turns planned referrals into rows, batch by batch."""

    def __init__(self, *, service, size, rng, now, admins, rooms, report: Report) -> None:
        self.service = service
        self.size = size
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.admins = admins
        self.rooms = rooms
        self.report = report
        self.ids = _Ids(*WRITTEN)
        self.area = _Chooser(IPT_AREAS)
        self.client_ids: list[int] = []  # by referral index of the client's first referral
        self.nhs_numbers: Iterator[str] | None = None
        self.instruments = {code: instruments.get(code) for code in INSTRUMENTS}
        self.entry_mode = _Chooser(size.entry_modes)
        self.tables = {model_class: _Table(model_class) for model_class in self.ids.next}

    def write(self, referrals: Sequence[_Referral], offset: int) -> None:
        rows: dict[type[models.Model], list[dict]] = {m: [] for m in WRITTEN}
        for n, referral in enumerate(referrals, start=offset):
            self._referral(n, referral, rows)
        with transaction.atomic(), connection.cursor() as cursor:
            for model_class, objs in rows.items():
                self.tables[model_class].insert(cursor, objs)
                self.report.counts[str(model_class._meta.verbose_name_plural)] += len(objs)

    def _client(self, n: int, referral: _Referral, rows) -> int:
        if referral.client is not None and referral.client < len(self.client_ids):
            self.client_ids.append(self.client_ids[referral.client])
            return self.client_ids[referral.client]
        rng = self.rng
        pk = self.ids.take(Client)
        if self.nhs_numbers is None:
            self.nhs_numbers = _nhs_numbers(pk)
        adolescent = referral.course is not None and referral.course.variant.code == "adolescent"
        age = rng.randint(13, 17) if adolescent else rng.randint(18, 80)
        born = referral.received_on - dt.timedelta(days=365 * age + rng.randrange(365))
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        practice, code = rng.choice(GP_PRACTICES)
        email = rng.random() < 0.8
        rows[Client].append(
            dict(
                pk=pk,
                service=self.service,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                nhs_number=next(self.nhs_numbers),
                email=f"client{pk}@synthetic.example" if email else "",
                mobile=f"07700 900{pk % 1000:03d}",
                gp_practice_name=practice,
                gp_practice_code=code,
                consent_email=email,
                consent_sms=True,
                preferred_contact_method="email" if email else "sms",
                created_at=_at(referral.received_on, 9),
                created_by=rng.choice(self.admins),
            )
        )
        self.client_ids.append(pk)
        return pk

    def _referral(self, n: int, referral: _Referral, rows) -> None:
        rng = self.rng
        client_id = self._client(n, referral, rows)
        admin = rng.choice(self.admins)
        pk = self.ids.take(Referral)
        received_at = _at(referral.received_on, 9, 30)
        status: str = ReferralStatus.WAITING_FOR_ASSESSMENT
        moves: list[tuple[str, dt.datetime, str, User | None]] = []
        decided_at = _at(referral.decided_on, 12)
        therapist = referral.therapist
        if referral.fate == "declined" and decided_at > self.now:
            therapist = None  # the assessment is still to come
        elif referral.fate == "declined":
            moves = [
                (ReferralStatus.ASSESSED, decided_at, "Assessment completed", therapist),
                (
                    ReferralStatus.DECLINED_OR_SIGNPOSTED,
                    decided_at + dt.timedelta(hours=1),
                    "Signposted to a service that fits better",
                    therapist,
                ),
            ]
        elif referral.fate == "withdrawn" and decided_at <= self.now:
            moves = [(ReferralStatus.WITHDRAWN, decided_at, "Client no longer wants help", admin)]
        elif referral.fate == "course":
            course = referral.course
            assert course is not None
            decided_at = _at(course.assessment_day, course.hour, 55)
            moves = [
                (ReferralStatus.ASSESSED, decided_at, "IPT assessment completed", therapist),
                (
                    ReferralStatus.ACCEPTED_FOR_IPT,
                    decided_at + dt.timedelta(minutes=5),
                    "Accepted for IPT",
                    therapist,
                ),
            ]
        allocated_at = _at(referral.received_on, 14) if therapist else None
        if moves:
            status = moves[-1][0]
        rows[Referral].append(
            dict(
                pk=pk,
                client_id=client_id,
                service=self.service,
                site=referral.site,
                source=referral.source,
                received_on=referral.received_on,
                problem_descriptor=referral.problem,
                reason=REASONS[referral.problem],
                urgency=Urgency.URGENT if referral.urgent else Urgency.ROUTINE,
                status=status,
                allocated_therapist=therapist,
                allocated_at=allocated_at,
                created_at=received_at,
                created_by=admin,
            )
        )
        previous = ""
        for to_status, at, reason, by in [
            (ReferralStatus.WAITING_FOR_ASSESSMENT, received_at, "Referral received", admin),
            *moves,
        ]:
            rows[ReferralStatusChange].append(
                dict(
                    pk=self.ids.take(ReferralStatusChange),
                    referral_id=pk,
                    from_status=previous,
                    to_status=to_status,
                    reason=reason,
                    changed_by=by,
                    changed_at=at,
                )
            )
            previous = to_status
        if referral.fate == "course" and referral.course is not None:
            self._course(pk, client_id, referral, referral.course, rows)

    def _course(self, referral_id: int, client_id: int, referral, plan: _Course, rows) -> None:
        rng = random.Random(plan.seed)  # noqa: S311 (synthetic data, not security)
        variant, therapist = plan.variant, plan.therapist
        pk = self.ids.take(Course)
        opened_at = _at(plan.assessment_day, plan.hour)
        terms = ContractTerms(
            planned_sessions=variant.planned_sessions,
            initial_last=variant.initial_last,
            middle_last=variant.middle_last,
            ending_named_at=variant.ending_named_at,
        )
        rows[TreatmentContract].append(
            dict(
                pk=self.ids.take(TreatmentContract),
                course_id=pk,
                version=1,
                planned_sessions=variant.planned_sessions,
                frequency=variant.frequency,
                session_minutes=variant.session_minutes,
                initial_last=variant.initial_last,
                middle_last=variant.middle_last,
                mid_point_review=variant.mid_point_review,
                ending_named_at=variant.ending_named_at,
                agreed_on=plan.assessment_day,
                created_at=opened_at,
                created_by=therapist,
            )
        )
        where = self._where(plan, referral.site)
        appointments = [("assessment", plan.assessment_day, "5", 60)]
        appointments += [
            ("treatment", day, code, variant.session_minutes) for day, code in plan.sessions
        ]
        attended = 0
        first_attended_at: dt.datetime | None = None
        attended_days: list[dt.date] = []  # treatment sessions attended, by session number - 1
        for kind, day, code, minutes in appointments:
            starts_at = _at(day, plan.hour)
            ends_at = starts_at + dt.timedelta(minutes=minutes)
            past = ends_at <= self.now
            code = code if past else ""
            session = 0
            if kind == "treatment" and code in ATTENDED_CODES:
                attended += 1
                session = attended
                first_attended_at = first_attended_at or ends_at
                attended_days.append(day)
            appointment_id = self.ids.take(Appointment)
            carer = variant.carer_joins and session in (
                1,
                variant.mid_point_review,
                terms.planned_sessions,
            )
            rows[Appointment].append(
                dict(
                    pk=appointment_id,
                    course_id=pk,
                    kind=kind,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    therapist=therapist,
                    medium=plan.medium,
                    carer_attends=carer,
                    partner_attends=variant.partner_attends,
                    attendance=code,
                    consultation_mechanism=CONSULTATION_MECHANISM[Medium(plan.medium)]
                    if code
                    else "",
                    therapy_mode=variant.therapy_mode if code else "",
                    care_activity=IPT_CARE_ACTIVITY if code else "",
                    recorded_at=self._recorded_at(code, starts_at, ends_at),
                    recorded_by=therapist if code else None,
                    created_at=opened_at - dt.timedelta(minutes=5),
                    created_by=therapist,
                    **where,
                )
            )
            if code in ATTENDED_CODES:
                phase = phase_for(session, terms).value if session else ""
                self._responses(
                    rng, plan, client_id, pk, appointment_id, session, phase, starts_at, rows
                )
        if (
            len(attended_days) >= terms.initial_last
        ):  # the focus is agreed by the initial phase's end
            self._focus_area(pk, plan, attended_days[terms.initial_last - 1], rng, rows)
        if len(attended_days) >= 2 and rng.random() < DIARY_SHARE:
            self._diary(pk, client_id, plan, attended_days, rng, rows)
        status_name, reasons = END_REASONS[plan.ending]
        end_day = plan.sessions[-1][0] if plan.sessions else plan.assessment_day + dt.timedelta(7)
        ended = end_day < self.today
        status = status_name if ended else ("treatment" if attended else "assessment")
        end_reason = rng.choice(reasons) if ended else ""
        ended_at = _at(end_day, plan.hour) + dt.timedelta(hours=1)
        rows[Course].append(
            dict(
                pk=pk,
                client_id=client_id,
                referral_id=referral_id,
                service=self.service,
                therapist=therapist,
                variant=variant,
                status=status,
                opened_on=plan.assessment_day,
                ended_on=end_day if ended else None,
                end_reason=end_reason,
                created_at=opened_at - dt.timedelta(minutes=10),
                created_by=therapist,
            )
        )
        history = [("", "assessment", opened_at - dt.timedelta(minutes=10), "", "Course opened")]
        if first_attended_at is not None:
            history.append(
                (
                    "assessment",
                    "treatment",
                    first_attended_at,
                    "",
                    "First treatment session attended",
                )
            )
        if ended:
            history.append((history[-1][1], status, ended_at, end_reason, ""))
        for from_status, to_status, at, reason, note in history:
            rows[CourseStatusChange].append(
                dict(
                    pk=self.ids.take(CourseStatusChange),
                    course_id=pk,
                    from_status=from_status,
                    to_status=to_status,
                    reason_code=reason,
                    note=note,
                    changed_by=therapist,
                    changed_at=at,
                )
            )

    def _focus_area(self, course_id: int, plan: _Course, on: dt.date, rng, rows) -> None:
        area = self.area(rng)
        details = dict(AREA_DETAILS[area])
        if area == ProblemArea.ROLE_DISPUTE:
            details["dispute_stage"] = rng.choice(list(DisputeStage))
        rows[FocusArea].append(
            dict(
                pk=self.ids.take(FocusArea),
                course_id=course_id,
                rank=Rank.PRIMARY,
                area=area,
                chosen_on=on,
                created_at=_at(on, plan.hour, 50),
                created_by=plan.therapist,
                **details,
            )
        )

    def _diary(self, course_id, client_id, plan: _Course, days: list[dt.date], rng, rows) -> None:
        """Entries on about two days a week from the first session to the last attended one
        (or today), the mood following the course's PHQ-9 trajectory."""
        _, phq_span, _, _ = plan.trajectory
        planned = plan.variant.planned_sessions
        day, last = days[0], min(days[-1], self.today)
        while day <= last:
            session = bisect.bisect_right(days, day)  # sessions attended by this day
            phq = _score(phq_span, session, planned, rng, 27)
            what, who, feelings = rng.choice(DIARY_EVENTS)
            written = _at(day, 20, rng.randrange(60))
            rows[DiaryEntry].append(
                dict(
                    pk=self.ids.take(DiaryEntry),
                    client_id=client_id,
                    course_id=course_id,
                    happened_on=day,
                    what_happened=what,
                    who_with=who,
                    feelings=feelings,
                    mood=_clamp(10 - phq / 2.7 + rng.gauss(0, 1), 0, 10),
                    created_at=written,
                    updated_at=written,
                )
            )
            day += dt.timedelta(days=rng.choice((2, 3, 4)))

    def _where(self, plan: _Course, site: Site) -> dict:
        if plan.medium == "face_to_face":
            rooms = self.rooms[site.pk]
            return {"site": site, "room": rooms[plan.therapist.pk % len(rooms)] if rooms else None}
        if plan.medium == "telephone":
            return {"phone_number": "07700 900123"}
        return {}

    def _recorded_at(self, code: str, starts_at: dt.datetime, ends_at: dt.datetime):
        if not code:
            return None
        if code in ("2", "4"):
            return starts_at - dt.timedelta(days=1)
        return ends_at + dt.timedelta(minutes=10)

    def _responses(
        self, rng, plan, client_id, course_id, appointment_id, session, phase, starts_at, rows
    ):
        mode = self.entry_mode(rng)
        online = mode == EntryMode.CLIENT_ONLINE
        effective_at = (
            starts_at - dt.timedelta(hours=2) if online else starts_at + dt.timedelta(minutes=5)
        )
        answers = _answers(plan.trajectory, session, plan.variant.planned_sessions, rng)
        for code, given in answers.items():
            instrument = self.instruments[code]
            if rng.random() < 0.005 and not online:  # a paper form with a question left blank
                given = dict(given)
                given.pop("q3")
            total = instrument.total_score(given)
            complete = total is not None
            flags = instrument.risk_flags(given)
            response = dict(
                pk=self.ids.take(Response),
                client_id=client_id,
                course_id=course_id,
                appointment_id=appointment_id,
                instrument_code=code,
                instrument_version=str(getattr(instrument, "version", "")),
                answers=given,
                total=total,
                severity=instrument.severity(total) if total is not None else "",
                is_complete=complete,
                incomplete_reason="" if complete else incomplete_reason(instrument, given),
                flags=flags,
                entry_mode=mode,
                effective_at=effective_at,
                submitted_at=effective_at,
                submitted_by=None if online else plan.therapist,
                session_number=session or None,
                phase=phase,
            )
            rows[Response].append(response)
            for flag in flags:
                self._alert(response, flag, plan, rows)
            if complete and rng.random() < 0.003:  # a keying error corrected the next day
                self._correction(response, instrument, rng, rows)

    def _alert(self, response: dict, flag: str, plan: _Course, rows) -> None:
        raised_at = response["submitted_at"]
        acknowledged = raised_at < self.now - dt.timedelta(days=3)
        rows[RiskAlert].append(
            dict(
                pk=self.ids.take(RiskAlert),
                response_id=response["pk"],
                client_id=response["client_id"],
                course_id=response["course_id"],
                flag=flag,
                raised_at=raised_at,
                therapist=plan.therapist,
                escalate_at=raised_at + dt.timedelta(hours=24),
                acknowledged_at=raised_at + dt.timedelta(hours=4) if acknowledged else None,
                acknowledged_by=plan.therapist if acknowledged else None,
                action_note="Discussed in session; safety plan reviewed" if acknowledged else "",
            )
        )

    def _correction(self, original: dict, instrument, rng, rows) -> None:
        answers = dict(original["answers"])
        item = next(i for i in ("q2", "q3", "q4") if i in answers)
        most = max(instrument.item(item).values)
        answers[item] = answers[item] + 1 if answers[item] < most else answers[item] - 1
        total = instrument.total_score(answers)
        rows[Response].append(
            dict(
                pk=self.ids.take(Response),
                client_id=original["client_id"],
                course_id=original["course_id"],
                appointment_id=original["appointment_id"],
                instrument_code=original["instrument_code"],
                instrument_version=original["instrument_version"],
                answers=answers,
                total=total,
                severity=instrument.severity(total),
                is_complete=True,
                flags=instrument.risk_flags(answers),
                entry_mode=original["entry_mode"],
                effective_at=original["effective_at"],
                submitted_at=original["submitted_at"] + dt.timedelta(days=1),
                submitted_by=original["submitted_by"],
                session_number=original["session_number"],
                phase=original["phase"],
                version=2,
                supersedes_id=original["pk"],
                correction_reason="One answer was keyed wrongly from the paper form",
            )
        )


def _batches(items: Sequence, size: int) -> Iterator[tuple[int, Sequence]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def _reset_sequences() -> None:
    """PostgreSQL sequences past the primary keys given here (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(WRITTEN))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def update_statistics() -> None:
    """ANALYZE after a bulk load, as after any bulk import: the planner chooses its indexes by
    the tables' sizes, and until told it plans for the empty tables it last saw (SQLite never
    gathers statistics by itself; PostgreSQL's autovacuum would, some minutes later). On
    PostgreSQL, VACUUM as well, outside a transaction (it cannot run inside one): it marks the
    freshly copied rows visible to all, so reads need not do it row by row and indexes can
    answer on their own."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def refresh_summaries() -> bool:
    """Bring the reports' per-course outcome summaries up to date, when that app is installed."""
    if importlib.util.find_spec("ipt.reports") is None:
        return False
    from django.core.management import call_command, get_commands

    if "refresh_outcome_summaries" not in get_commands():
        return False
    call_command("refresh_outcome_summaries", stdout=StringIO())
    return True


def generate(
    *,
    size: str,
    seed: int = 1,
    scale: float = 1.0,
    password: str | None = None,
    progress: Callable[[str], None] | None = None,
    refresh: bool = True,
) -> Report:
    """Build a synthetic service of five years ending today, in bulk; see the module docstring.

    `scale` shrinks or grows the counts (tests use 0.02). Refused when the service exists.
    """
    if size not in SIZES:
        raise SyntheticRefused(f"Choose a size: {', '.join(SIZES)}")
    if scale <= 0:
        raise SyntheticRefused("The scale must be greater than 0")
    shape = SIZES[size]
    if Service.objects.filter(name=shape.service_name).exists():
        raise SyntheticRefused(f"{shape.service_name} exists already; use a fresh database")
    say = progress or (lambda message: None)
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        service = Service.objects.create(name=shape.service_name, kind=shape.kind)
        n_sites = max(1, min(shape.sites, round(shape.sites * max(scale, 0.2))))
        sites = Site.objects.bulk_create(
            Site(service=service, name=f"Site {n + 1}", address=f"{n + 1} Synthetic Street")
            for n in range(n_sites)
        )
        sites = list(Site.objects.filter(service=service).order_by("pk"))
        Room.objects.bulk_create(
            Room(site=s, name=f"Room {n + 1}") for s in sites for n in range(shape.rooms_per_site)
        )
        TherapyVariant.objects.bulk_create(
            TherapyVariant(service=service, **values) for values in DEFAULT_VARIANTS
        )
        users, therapists, by_site, admins = _staff(shape, service, sites, scale, password)
    report = Report(service=service)
    report.counts["staff"] = len(users)
    report.counts["therapists"] = len(therapists)
    report.counts["sites"] = len(sites)
    variants = {v.code: v for v in TherapyVariant.objects.filter(service=service)}
    rooms: dict[int, list[Room]] = {s.pk: [] for s in sites}
    for room in Room.objects.filter(site__service=service).order_by("pk"):
        rooms[room.site_id].append(room)
    say("Planning referrals and courses")
    planned = _plan(
        shape, rng, scale=scale, today=today, sites=sites, by_site=by_site, variants=variants
    )
    say(f"Planned {len(planned):,} referrals in {time.monotonic() - started:.1f} s")
    writer = _Writer(
        service=service, size=shape, rng=rng, now=now, admins=admins, rooms=rooms, report=report
    )
    for offset, batch in _batches(planned, BATCH):
        writer.write(batch, offset)
        say(
            f"Wrote {offset + len(batch):,} of {len(planned):,} referrals "
            f"({time.monotonic() - started:.0f} s)"
        )
    _reset_sequences()
    with transaction.atomic():
        audit.record(
            by=None,
            actor_label="generate_synthetic",
            action=audit.Action.CREATE,
            obj=service,
            summary=(
                f"Generated the synthetic service {service.name} (size {size}, seed {seed}, "
                f"scale {scale:g}): {report.counts['courses']:,} courses, "
                f"{report.counts['appointments']:,} appointments. Its rows were written in bulk "
                "without audit events of their own"
            ),
            changes={key: [None, value] for key, value in sorted(report.counts.items())},
        )
    if refresh:
        say("Refreshing outcome summaries")
        report.refreshed_summaries = refresh_summaries()
    say("Updating the query planner's statistics")
    update_statistics()
    report.seconds = time.monotonic() - started
    return report
