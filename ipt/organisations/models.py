"""The service that runs IPT, and the sites it works from."""

from django.db import models


class Service(models.Model):
    class Kind(models.TextChoices):
        NHS_TALKING_THERAPIES = "nhs_tt", "NHS Talking Therapies service"
        PRIVATE_PRACTICE = "private", "Private practice"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NHS_TALKING_THERAPIES)
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
