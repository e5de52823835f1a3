"""A demo service: two sites, staff in every role, about forty clients at every referral stage,
and two personas written for this project after the case studies in shared/seeds.

Everything goes through the same audited services as real use. Loading is idempotent: when the
demo service exists already, nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts import services as accounts
from ipt.accounts.models import Supervision, User
from ipt.appointments.models import Medium
from ipt.clients import services as clients
from ipt.clients.models import ProblemDescriptor, Referral, ReferralSource, ReferralStatus, Urgency
from ipt.courses import services as course_services
from ipt.measures import services as measures
from ipt.measures.models import RiskAlert
from ipt.organisations.models import Service, Site

from . import demo_courses, demo_record
from .demo_courses import Plan

SERVICE_NAME = "Northshire Talking Therapies"
PASSWORD = "ipt-demo-password"  # noqa: S105 (demo only; nonprod is never installed in production)


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    sites: tuple[int, ...]


STAFF = (
    Person("ada.admin", "Ada", "Lovelock", ("administrator",), (0, 1)),
    Person("maya.manager", "Maya", "Okonjo", ("service_manager",), (0, 1)),
    Person("sam.supervisor", "Sam", "Whitfield", ("supervisor", "therapist"), (0,)),
    Person("tessa.therapist", "Tessa", "Marlow", ("therapist",), (0,)),
    Person("theo.therapist", "Theo", "Brannigan", ("therapist",), (1,)),
    Person("priya.therapist", "Priya", "Raman", ("therapist",), (0, 1)),
)
SUPERVISION = {"sam.supervisor": ("tessa.therapist", "theo.therapist")}
SITES = (
    (
        "Northshire IPT team, Riverside Health Centre",
        "Riverside Health Centre\nMill Lane\nNorthshire NS1 4RD",
    ),
    ("Northshire private practice rooms, Maidstone", "14 Week Street\nMaidstone ME14 1RL"),
)

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
]
GP_PRACTICES = [
    ("Riverside Medical Practice", "N81001"),
    ("Castle Street Surgery", "N81002"),
    ("Week Street Health Centre", "G82003"),
]


def demo_backup_codes(username: str) -> list[str]:
    """The same ten codes for a demo user every time, so the printed logins stay true."""
    rng = random.Random(f"backup-codes:{username}")  # noqa: S311 (demo data, not security)
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return ["".join(rng.choice(alphabet) for _ in range(10)) for _ in range(10)]


def demo_totp_key(username: str) -> str:
    return hashlib.sha256(f"demo-totp:{username}".encode()).hexdigest()[:40]


def _nhs_number(rng: random.Random) -> str:
    """A valid test-range NHS number (999 prefix: never issued to a real patient)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _staff(service: Service, sites: list[Site]) -> dict[str, User]:
    users = {}
    for person in STAFF:
        user = User.objects.create_user(
            username=person.username,
            password=PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@northshire.example.nhs.uk",
            service=service,
            **{f"is_{role}": True for role in person.roles},
        )
        user.sites.set([sites[i] for i in person.sites])
        TOTPDevice.objects.create(
            user=user, name=accounts.AUTHENTICATOR_DEVICE_NAME, key=demo_totp_key(user.username)
        )
        accounts.replace_backup_codes(user=user, by=user, codes=demo_backup_codes(user.username))
        users[person.username] = user
    for supervisor, supervisees in SUPERVISION.items():
        for supervisee in supervisees:
            Supervision.objects.create(supervisor=users[supervisor], supervisee=users[supervisee])
    return users


def _assess_and_accept(
    referral, *, therapist: User, by: User, assessed: str, accepted: str
) -> None:
    """Allocate a referral, then record the therapist's assessment and acceptance for IPT."""
    clients.allocate(referral=referral, therapist=therapist, by=by)
    for status, reason in (
        (ReferralStatus.ASSESSED, assessed),
        (ReferralStatus.ACCEPTED_FOR_IPT, accepted),
    ):
        clients.change_status(referral=referral, to_status=status, by=therapist, reason=reason)


def _personas(
    admin: User, users: dict[str, User], sites: list[Site], today: dt.date
) -> list[Referral]:
    rachel = clients.register_client(
        service=admin.service,
        by=admin,
        given_name="Rachel",
        family_name="Okafor",
        preferred_name="Rach",
        pronouns="she/her",
        date_of_birth=today.replace(year=today.year - 45) - dt.timedelta(days=40),
        nhs_number=_nhs_number(random.Random("rachel")),  # noqa: S311
        email="rachel.okafor@example.com",
        mobile="07700 900123",
        address_line_1="3 Orchard Close",
        town="Northshire",
        postcode="NS2 7QP",
        gp_practice_name="Riverside Medical Practice",
        gp_practice_code="N81001",
        emergency_contact_name="Grace Okafor",
        emergency_contact_relationship="Sister",
        emergency_contact_phone="07700 900456",
        consent_email=True,
        consent_sms=True,
        preferred_contact_method="sms",
    )
    rachels = clients.add_referral(
        client=rachel,
        by=admin,
        site=sites[0],
        source=ReferralSource.GP,
        received_on=today - dt.timedelta(weeks=27),
        problem_descriptor=ProblemDescriptor.DEPRESSION,
        urgency=Urgency.ROUTINE,
        reason=(
            "Care assistant and mother of three. Low mood, poor sleep, comfort eating and "
            "irritability with the children since starting a new job in the spring. Describes "
            "constant arguments at home: she feels her husband criticises how she runs the house "
            "and dismisses her earnings, and that the work she does for the family goes unnoticed. "
            "They barely speak now. Asking for help with the relationship and her mood."
        ),
    )
    _assess_and_accept(
        rachels,
        therapist=users["tessa.therapist"],
        by=admin,
        assessed="Assessed: moderate depression; conflict with husband over roles at home.",
        accepted="Agreed 16 sessions of IPT; likely focus a role dispute.",
    )

    geoffrey = clients.register_client(
        service=admin.service,
        by=admin,
        given_name="Geoffrey",
        family_name="Hartley",
        pronouns="he/him",
        date_of_birth=today.replace(year=today.year - 68) - dt.timedelta(days=100),
        nhs_number=_nhs_number(random.Random("geoffrey")),  # noqa: S311
        email="g.hartley@example.com",
        mobile="07700 900789",
        address_line_1="The Old Schoolhouse",
        address_line_2="Church Road",
        town="Maidstone",
        postcode="ME15 6AA",
        gp_practice_name="Week Street Health Centre",
        gp_practice_code="G82003",
        emergency_contact_name="Helen Hartley",
        emergency_contact_relationship="Daughter",
        emergency_contact_phone="07700 900321",
        consent_email=True,
        consent_letter=True,
        preferred_contact_method="email",
    )
    geoffreys = clients.add_referral(
        client=geoffrey,
        by=admin,
        site=sites[1],
        source=ReferralSource.SELF,
        received_on=today - dt.timedelta(weeks=34),
        problem_descriptor=ProblemDescriptor.DEPRESSION,
        urgency=Urgency.ROUTINE,
        reason=(
            "Retired university lecturer. His wife died five months ago after a long illness. "
            "Since then he has stopped playing tennis and seeing friends, wakes very early, has "
            "lost weight and feels guilty that he did not do more for her. His daughter "
            "encouraged him to refer himself."
        ),
    )
    _assess_and_accept(
        geoffreys,
        therapist=users["theo.therapist"],
        by=admin,
        assessed="Assessed: depression following bereavement.",
        accepted="Agreed 16 sessions of IPT with a grief focus.",
    )

    # (status, allocated?) for the other clients, so every stage of a referral is on show.
    return [rachels, geoffreys]


# Courses for the accepted referrals: every state and phase, and finished courses across the year.
COURSE_PLANS = [
    Plan(-3),
    Plan(0),
    Plan(3),
    Plan(7),
    Plan(14),
    Plan(30, "completed:planned_ending"),
    Plan(20, "dropped_out:stopped_attending", attended_cap=3),
    Plan(25, "referred_on:needs_secondary_care", attended_cap=5),
    Plan(10, "withdrawn:practical_reasons", attended_cap=4),
    Plan(50, "completed:planned_ending"),
    Plan(46, "completed:planned_ending"),
    Plan(42, "completed:ended_early_by_agreement", attended_cap=13),
    Plan(38, "completed:planned_ending"),
    Plan(34, "completed:planned_ending"),
]
STAGES = (
    [(ReferralStatus.WAITING_FOR_ASSESSMENT, False)] * 10
    + [(ReferralStatus.WAITING_FOR_ASSESSMENT, True)] * 4
    + [(ReferralStatus.ASSESSED, True)] * 4
    + [(ReferralStatus.ACCEPTED_FOR_IPT, True)] * len(COURSE_PLANS)
    + [(ReferralStatus.DECLINED_OR_SIGNPOSTED, True)] * 3
    + [(ReferralStatus.WITHDRAWN, False)] * 3
)
PATHS = {
    ReferralStatus.WAITING_FOR_ASSESSMENT: [],
    ReferralStatus.ASSESSED: [ReferralStatus.ASSESSED],
    ReferralStatus.ACCEPTED_FOR_IPT: [ReferralStatus.ASSESSED, ReferralStatus.ACCEPTED_FOR_IPT],
    ReferralStatus.DECLINED_OR_SIGNPOSTED: [
        ReferralStatus.ASSESSED,
        ReferralStatus.DECLINED_OR_SIGNPOSTED,
    ],
    ReferralStatus.WITHDRAWN: [ReferralStatus.WITHDRAWN],
}
REASONS = [
    "Low mood and withdrawal after a move to a new area for work.",
    "Depression since separating from a long-term partner.",
    "Persistent low mood; feels isolated and finds it hard to make friends.",
    "Arguments with a parent about caring responsibilities; poor sleep.",
    "Low mood after redundancy; loss of confidence.",
    "Depressed since the birth of her second child; feels unsupported.",
]


def _others(
    admin: User, users: dict[str, User], sites: list[Site], today: dt.date
) -> list[tuple[Referral, Plan, str]]:
    """The other clients; returns the accepted referrals with the course each will have."""
    plans = iter(COURSE_PLANS)
    accepted = []
    rng = random.Random(2026)  # noqa: S311 (demo data)
    therapists = [
        users[name]
        for name in ("tessa.therapist", "theo.therapist", "priya.therapist", "sam.supervisor")
    ]
    for index, (status, allocated) in enumerate(STAGES):
        site = sites[index % 2]
        client = clients.register_client(
            service=admin.service,
            by=admin,
            given_name=GIVEN[index % len(GIVEN)],
            family_name=FAMILY[(index * 7) % len(FAMILY)],
            date_of_birth=dt.date(
                1950 + rng.randrange(55), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            nhs_number=_nhs_number(rng) if rng.random() < 0.85 else "",
            email=f"client{index}@example.com",
            mobile=f"07700 9{index:05d}",
            address_line_1=f"{rng.randrange(1, 120)} {rng.choice(['High Street', 'Station Road', 'Park Lane'])}",
            town="Northshire" if site == sites[0] else "Maidstone",
            postcode="NS1 1AA",
            gp_practice_name=GP_PRACTICES[index % 3][0],
            gp_practice_code=GP_PRACTICES[index % 3][1],
            consent_email=rng.random() < 0.7,
            consent_sms=rng.random() < 0.6,
            consent_letter=rng.random() < 0.4,
        )
        # Waits spread from a few days to beyond the 18-week mark; accepted referrals arrived
        # a few weeks before their course began.
        plan = next(plans) if status == ReferralStatus.ACCEPTED_FOR_IPT else None
        if plan is not None:
            received = today - dt.timedelta(weeks=max(plan.weeks_ago, 0) + 5)
        else:
            received = today - dt.timedelta(days=3 + (index * 11) % 150)
        referral = clients.add_referral(
            client=client,
            by=admin,
            site=site,
            source=rng.choice(list(ReferralSource)),
            received_on=received,
            problem_descriptor=rng.choice(
                [ProblemDescriptor.DEPRESSION] * 4 + [ProblemDescriptor.MIXED_ANXIETY_DEPRESSION]
            ),
            urgency=Urgency.URGENT if index % 13 == 0 else Urgency.ROUTINE,
            reason=REASONS[index % len(REASONS)],
        )
        therapist = None
        if allocated:
            therapist = therapists[index % len(therapists)]
            clients.allocate(referral=referral, therapist=therapist, by=admin)
        for step in PATHS[status]:
            clients.change_status(
                referral=referral,
                to_status=step,
                by=therapist or admin,
                reason=f"Demo: {step.label.lower()}.",
            )
        if plan is not None:
            medium = (Medium.FACE_TO_FACE, Medium.VIDEO, Medium.TELEPHONE)[index % 3]
            accepted.append((referral, plan, medium))
    return accepted


def load(today: dt.date | None = None) -> bool:
    """Create the demo service. Returns False (changing nothing) when it exists already."""
    if Service.objects.filter(name=SERVICE_NAME).exists():
        return False
    today = today or timezone.localdate()
    with transaction.atomic():
        service = Service.objects.create(name=SERVICE_NAME, kind=Service.Kind.NHS_TALKING_THERAPIES)
        sites = [Site.objects.create(service=service, name=n, address=a) for n, a in SITES]
        users = _staff(service, sites)
        admin = users["ada.admin"]
        rachels, geoffreys = _personas(admin, users, sites, today)
        others = _others(admin, users, sites, today)
        demo_courses.set_up_service(service, sites, by=admin)
        course_services.add_default_variants(service=service, by=admin)
        now = timezone.now()
        slots, rng = demo_courses.Slots(), random.Random(16)  # noqa: S311 (demo data)
        rachel_course, geoffrey_course = demo_courses.create(
            [
                # Both personas finish their 16 sessions, reliably recovered.
                (
                    rachels,
                    demo_courses.Plan(22, "completed:planned_ending"),
                    Medium.FACE_TO_FACE,
                    demo_courses.Trajectory(phq9=(17, 5), gad7=(13, 4), wsas=(24, 8)),
                ),
                (
                    geoffreys,
                    demo_courses.Plan(28, "completed:planned_ending"),
                    Medium.VIDEO,
                    demo_courses.Trajectory(
                        phq9=(19, 6), gad7=(11, 4), wsas=(26, 9), q9_at_first=1
                    ),
                ),
            ],
            today,
            now,
            slots=slots,
            rng=rng,
        )
        demo_courses.create(others, today, now, slots=slots, rng=rng)
        # Theo saw the answer to question 9 at Geoffrey's first session and acted on it.
        for alert in RiskAlert.objects.filter(course=geoffrey_course):
            measures.acknowledge(
                alert=alert,
                by=geoffrey_course.therapist,
                action_note=(
                    "Talked with Geoffrey in the session: passive thoughts of not wanting to go "
                    "on since his wife died, no plans or intent. Agreed a safety plan with his "
                    "daughter as a contact; crisis numbers given."
                ),
            )
        # The bereaved persona keeps in touch with a booster every two months.
        demo_courses.boosters(geoffrey_course, every_days=56, count=3, now=now)
        # Their clinical records: assessment, inventory, timeline, focus, notes and ending.
        demo_record.add(rachel_course, geoffrey_course)
        _portal_accounts(service, geoffreys.client, by=admin, now=now)
        # The dashboard reads per-course outcome summaries and appointments counted by month;
        # build them all in one pass.
        from ipt.reports import attendance_months, summaries

        summaries.rebuild()
        attendance_months.rebuild()
    return True


def _portal_accounts(service: Service, geoffrey, *, by: User, now: dt.datetime) -> None:
    """Portal sign-ins for Geoffrey (boosters) and for a client in treatment whose next session
    is within three days, so their questionnaires are open to try."""
    from ipt.appointments.models import Appointment
    from ipt.portal import services as portal

    soon = (
        Appointment.objects.filter(
            course__service=service,
            course__status="treatment",
            attendance="",
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=3),
        )
        .select_related("course__client")
        .order_by("starts_at")
        .first()
    )
    clients_ = [geoffrey] + ([soon.course.client] if soon is not None else [])
    for client in clients_:
        if not client.email:
            continue
        sent = portal.invite(client=client, by=by)
        portal.accept_invitation(token=sent.token, password=PASSWORD)


def client_logins() -> list[dict[str, str]]:
    from ipt.portal.models import ClientAccount

    accounts = ClientAccount.objects.filter(client__service__name=SERVICE_NAME)
    return [
        {
            "email": account.email,
            "name": f"{account.client.given_name} {account.client.family_name}",
        }
        for account in accounts.select_related("client").order_by("pk")
    ]


def logins() -> list[dict[str, str]]:
    rows = []
    for person in STAFF:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            continue
        unused = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
        rows.append(
            {
                "username": person.username,
                "roles": ", ".join(role.label for role in user.roles),
                "codes": " ".join(sorted(unused, key=demo_backup_codes(person.username).index)[:3]),
            }
        )
    return rows
