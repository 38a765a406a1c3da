from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. What it may do comes from its person's unit and role assignments."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Office(models.Model):
    """The organisation that runs campaigns, e.g. 宿迁市政务服务管理办公室."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department (处/室)")
    AFFILIATE = "affiliate", _("Affiliated unit (直属单位)")
    WINDOW = "window", _("Service window (窗口)")
    BRANCH = "branch", _("Party branch (党支部)")
    TEMP_BRANCH = "temp_branch", _("Temporary party branch (临时党支部)")
    LEADERSHIP = "leadership", _("Leadership team (领导班子)")
    OTHER = "other", _("Other")


PARTY_BRANCH_KINDS = (UnitKind.BRANCH, UnitKind.TEMP_BRANCH)


class Unit(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="unit_name_unique_in_office")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_branch(self) -> bool:
        return self.kind in PARTY_BRANCH_KINDS


class Person(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="members"
    )
    branch = models.ForeignKey(
        Unit,
        verbose_name=_("party branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="branch_members",
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    is_window_staff = models.BooleanField(_("window staff"), default=False)
    # Private: shown only to those who manage people (masking comes with the security issue).
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "unit", "name"], name="person_name_unique_in_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Standing roles. Campaign roles (leading group, lead leader) live with the campaign."""

    ADMIN = "admin", _("System administrator")
    OFFICE_DIRECTOR = "office_director", _("Director of the leading group's office")
    OFFICE_STAFF = "office_staff", _("Staff of the leading group's office")
    LEADER = "leader", _("Office leader")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_CONTACT = "unit_contact", _("Unit contact")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector (督查)")


UNIT_SCOPED_ROLES = (Role.UNIT_HEAD, Role.UNIT_CONTACT, Role.BRANCH_SECRETARY)


class RoleAssignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        help_text=_("For roles that hold for one unit, e.g. unit head or branch secretary."),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "unit"], name="role_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=Q(unit__isnull=True),
                name="role_assignment_unique_unscoped",
            ),
        ]

    def __str__(self) -> str:
        scope = f" @ {self.unit}" if self.unit_id else ""
        return f"{self.person} · {self.get_role_display()}{scope}"
