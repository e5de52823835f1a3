"""Appointments of a course: when, where, how, who attends, and what happened (NHS codes)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipt.courses.models import Course, TherapyMode
from ipt.courses.rules import ATTENDANCE_CODES, ATTENDED_CODES
from ipt.organisations.models import Room, Site

IPT_CARE_ACTIVITY = "443730003"  # SNOMED CT, NHS England's label "IPT" (domain §7.6)


class Kind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    TREATMENT = "treatment", "Treatment"
    REVIEW = "review", "Review"
    BOOSTER = "booster", "Booster or maintenance"
    FOLLOW_UP = "follow_up", "Follow-up"


class Medium(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"


# CONSULTATION MECHANISM (MENTAL HEALTH) codes for each medium (domain §7.6).
CONSULTATION_MECHANISM = {Medium.FACE_TO_FACE: "01", Medium.TELEPHONE: "02", Medium.VIDEO: "11"}


class Attendance(models.TextChoices):
    """ATTENDED OR DID NOT ATTEND (NHS Data Dictionary); 5 and 6 count as attended."""

    ATTENDED = "5", f"5: {ATTENDANCE_CODES['5']}"
    LATE_SEEN = "6", f"6: {ATTENDANCE_CODES['6']}"
    LATE_NOT_SEEN = "7", f"7: {ATTENDANCE_CODES['7']}"
    CANCELLED_BY_CLIENT = "2", f"2: {ATTENDANCE_CODES['2']}"
    DID_NOT_ATTEND = "3", f"3: {ATTENDANCE_CODES['3']}"
    CANCELLED_BY_SERVICE = "4", f"4: {ATTENDANCE_CODES['4']}"


# A cancelled or missed appointment can be booked again in one step; an attended one cannot.
REBOOKABLE = frozenset({"2", "3", "4", "7"})
# A cancelled appointment frees its therapist and room; any other one holds them.
FREES_THE_SLOT = frozenset({"2", "4"})


def new_room_token() -> str:
    return secrets.token_urlsafe(24)


class AppointmentQuerySet(models.QuerySet):
    def treatment(self):
        return self.filter(kind=Kind.TREATMENT)

    def boosters(self):
        return self.filter(kind=Kind.BOOSTER)

    def attended(self):
        return self.filter(attendance__in=sorted(ATTENDED_CODES))

    def unrecorded(self):
        return self.filter(attendance="")

    def on_day(self, day: dt.date):
        return self.filter(starts_at__date=day)

    def between(self, start: dt.datetime, end: dt.datetime):
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Appointment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TREATMENT)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    medium = models.CharField(max_length=14, choices=Medium.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT)
    phone_number = models.CharField("number we will call", max_length=20, blank=True)
    video_room_token = models.CharField(max_length=64, unique=True, default=new_room_token)
    client_attends = models.BooleanField(default=True)
    carer_attends = models.BooleanField("a parent or carer attends", default=False)
    partner_attends = models.BooleanField("the partner attends", default=False)
    # What happened, with the NHS Talking Therapies data set codes.
    attendance = models.CharField(max_length=1, choices=Attendance.choices, blank=True)
    consultation_mechanism = models.CharField(max_length=2, blank=True)
    therapy_mode = models.CharField(max_length=2, choices=TherapyMode.choices, blank=True)
    care_activity = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rebooked_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rebooked_as"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            # The dashboard counts a period's appointments by attendance from this index alone.
            models.Index(
                fields=["starts_at", "course", "attendance"], name="appointment_period_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(medium="face_to_face") | models.Q(site__isnull=False),
                name="face_to_face_has_a_site",
            ),
            models.CheckConstraint(
                condition=models.Q(attendance="") | models.Q(recorded_at__isnull=False),
                name="recorded_outcome_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_recorded(self) -> bool:
        return bool(self.attendance)

    @property
    def was_attended(self) -> bool:
        return self.attendance in ATTENDED_CODES

    @property
    def consultation_mechanism_code(self) -> str:
        return CONSULTATION_MECHANISM[Medium(self.medium)]

    def video_url(self, base_url: str) -> str:
        """The appointment's own video room under the service's video address."""
        return f"{base_url.rstrip('/')}/{self.video_room_token}" if base_url else ""
