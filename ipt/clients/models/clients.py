"""Clients: the people referred to the service, and their contact details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact
from django.utils import timezone

from ipt.organisations.models import Service


def _without_digits(field: str):
    """The field's text with every digit removed: portable SQL, no regular expressions."""
    expression: models.Expression | models.F = models.F(field)
    for digit in "0123456789":
        expression = Replace(expression, models.Value(digit), models.Value(""))
    return expression


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"


class ClientQuerySet(models.QuerySet):
    def of_service(self, service: Service | int | None):
        return self.filter(service=service) if service is not None else self.none()

    def matching(self, text: str):
        """Clients whose name, NHS number or reference matches what staff typed."""
        text = text.strip()
        digits = text.replace(" ", "").replace("-", "")
        if digits.isdigit():
            found = models.Q(nhs_number__startswith=digits)
            if len(digits) < 10:
                found |= models.Q(pk=int(digits))
            return self.filter(found)
        clients = self
        for word in text.split():
            clients = clients.filter(
                models.Q(given_name__icontains=word)
                | models.Q(family_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
            )
        return clients

    def with_newest_referrals(self):
        """Prefetch each client's referrals, newest first, as `newest_referrals`."""
        from .referrals import Referral

        referrals = Referral.objects.select_related("allocated_therapist").order_by(
            "-received_on", "-pk"
        )
        return self.prefetch_related(
            models.Prefetch("referrals", queryset=referrals, to_attr="newest_referrals")
        )

    def with_referral_history(self):
        """Prefetch everything the client record shows about referrals."""
        from .referrals import Referral, ReferralStatusChange

        changes = ReferralStatusChange.objects.select_related("changed_by")
        referrals = (
            Referral.objects.select_related("site", "allocated_therapist")
            .prefetch_related(models.Prefetch("status_changes", queryset=changes))
            .order_by("-received_on", "-pk")
        )
        return self.prefetch_related(
            models.Prefetch("referrals", queryset=referrals, to_attr="newest_referrals")
        )


class Client(models.Model):
    """Someone referred for therapy. Demographics only: clinical records hang off referrals."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="clients")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=50, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    gp_practice_name = models.CharField("GP practice", max_length=200)
    gp_practice_code = models.CharField("GP practice code", max_length=10, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    consent_email = models.BooleanField(default=False)
    consent_sms = models.BooleanField(default=False)
    consent_letter = models.BooleanField(default=False)
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            models.Index(fields=["service", "nhs_number"]),
            models.Index(fields=["service", "family_name", "given_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nhs_number="")
                | models.Q(
                    Exact(Length("nhs_number"), 10),
                    Exact(_without_digits("nhs_number"), ""),
                ),
                name="client_nhs_number_ten_digits_or_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_contact_method__in=["", *ContactMethod.values]),
                name="client_preferred_contact_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def reference(self) -> int | None:
        """The number staff see as the client's "Reference"."""
        return self.pk
