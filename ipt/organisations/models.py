"""The service that runs IPT, and the sites it works from."""

from django.db import models


class Service(models.Model):
    class Kind(models.TextChoices):
        NHS_TALKING_THERAPIES = "nhs_tt", "NHS Talking Therapies service"
        PRIVATE_PRACTICE = "private", "Private practice"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NHS_TALKING_THERAPIES)
    video_base_url = models.URLField(
        "video service address",
        blank=True,
        help_text="Each video appointment gets its own unguessable room under this address",
    )
    consecutive_non_attendances_for_review = models.PositiveSmallIntegerField(
        "non-attendances in a row that flag a course for review",
        default=2,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SiteQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Site(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="site_name_unique_in_service")
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room at a site where face-to-face sessions happen."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_name_unique_at_site")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.site.name}"


class ClosureDate(models.Model):
    """A day the service does not see clients (bank holiday, closure); series booking skips it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="closure_dates")
    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["service", "date"], name="closure_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"
