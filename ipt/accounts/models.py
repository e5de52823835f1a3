"""Staff users: the roles they hold, the service and sites they belong to, who supervises whom."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from ipt.organisations.models import Service, Site


class Role(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    SERVICE_MANAGER = "service_manager", "Service manager"
    ADMINISTRATOR = "administrator", "Administrator"


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def therapists(self):
        return self.filter(is_therapist=True)


class StaffManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True


class User(AbstractUser):
    """A member of staff. A user may hold several roles; each is a flag."""

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="staff")
    is_therapist = models.BooleanField("therapist", default=False)
    is_supervisor = models.BooleanField("supervisor", default=False)
    is_service_manager = models.BooleanField("service manager", default=False)
    is_administrator = models.BooleanField("administrator", default=False)
    supervisees = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        through="Supervision",
        through_fields=("supervisor", "supervisee"),
        related_name="supervisors",
    )

    objects = StaffManager()  # type: ignore[misc]  # django-stubs types AbstractUser.objects as a ClassVar

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, role: Role) -> bool:
        return getattr(self, f"is_{role.value}")


class Supervision(models.Model):
    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervisee"], name="supervision_unique"),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("supervisee")),
                name="supervision_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"
