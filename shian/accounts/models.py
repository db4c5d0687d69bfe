"""Accounts: a role, a region (the jurisdiction), and a department or entity where the role needs one."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from shian.entities.models import KeyPerson


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    CITY_ADMIN = "city_admin", _("市级管理员")
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_ADMIN = "township_admin", _("乡镇管理员")
    STATION_STAFF = "station_staff", _("市场监管所人员")
    DEPARTMENT_STAFF = "department_staff", _("行业主管部门人员")
    CADRE = "cadre", _("包保干部")
    GRID_WORKER = "grid_worker", _("网格员")
    ENTERPRISE = "enterprise", _("企业用户")
    AUDITOR = "auditor", _("审计员（只读）")


# What an enterprise account does for its entity (SAMR Order 60): the principal holds the monthly meeting, the
# director and the officer run the daily checks and weekly investigations (docs/domain.md §5).
ENTITY_ROLES = [
    (value, label) for value, label in KeyPerson.Role.choices if value != KeyPerson.Role.LEGAL_REPRESENTATIVE
]


class JoinedVia(models.TextChoices):
    """How an account came to exist: shown to the station so self-registered accounts can be checked."""

    ADMIN = "", _("管理员创建")
    INVITATION = "invitation", _("邀请")
    SELF_REGISTRATION = "self_registration", _("自助注册")


ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN})

# Which region levels (1 province ... 5 village) each role may hold.
ROLE_REGION_LEVELS = {
    Role.PROVINCE_ADMIN: {1},
    Role.CITY_ADMIN: {2},
    Role.COUNTY_ADMIN: {3},
    Role.TOWNSHIP_ADMIN: {4},
    Role.STATION_STAFF: {3, 4},
    Role.DEPARTMENT_STAFF: {1, 2, 3, 4},
    Role.CADRE: {2, 3, 4, 5},
    Role.GRID_WORKER: {4, 5},
    Role.ENTERPRISE: {1, 2, 3, 4, 5},
    Role.AUDITOR: {1, 2, 3, 4},
}


class Department(models.Model):
    """A sector authority (行业主管部门) or the market-regulation bureau itself."""

    code = models.SlugField(_("部门编码"), max_length=30, primary_key=True)
    name = models.CharField(_("部门名称"), max_length=50)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    entity = models.ForeignKey(
        "entities.Entity",
        verbose_name=_("所属主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    entity_role = models.CharField(
        _("企业内职务"), max_length=20, choices=ENTITY_ROLES, blank=True, help_text=_("企业用户：负责人、总监或安全员")
    )
    joined_via = models.CharField(_("账号来源"), max_length=20, choices=JoinedVia.choices, blank=True, default="")

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_grid_worker(self) -> bool:
        """May lead a grid (regions asks this without importing the roles)."""
        return self.role == Role.GRID_WORKER


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, verbose_name=_("绑定账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(User, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation for one person to join an entity as principal, director or officer.

    The link carries a random token; only its SHA-256 is stored (like API tokens), so the link is shown once, to
    the inviter. It works once, for the days of the rule `accounts.invitation_valid_days` (shian.core.rules),
    unless revoked; accepting it creates the account.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待接受")
        ACCEPTED = "accepted", _("已接受")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("已过期")

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="invitations"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    entity_role = models.CharField(_("企业内职务"), max_length=20, choices=ENTITY_ROLES)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, verbose_name=_("邀请人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    account = models.OneToOneField(
        User,
        verbose_name=_("创建的账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("企业人员邀请")
        verbose_name_plural = _("企业人员邀请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["entity", "-created_at"], name="invitation_entity_created")]

    def __str__(self):
        return f"{self.name}（{self.get_entity_role_display()}）"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def status_at(self, now) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class RegistrationCode(models.Model):
    """A one-time code sent by SMS to the principal's phone that the regulator holds for an entity: self-registration
    proves control of that phone, not knowledge of the codes printed on the licence (docs/security.md). Only hashes
    are kept; the code is single-use, expires and allows a few tries (rules accounts.registration_code_*)."""

    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "phone_hash", "created_at"], name="regcode_entity_phone")]

    def __str__(self):
        return f"{self.entity_id}@{self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(purpose: str, value: str) -> str:
        return salted_hmac(f"shian.registration.{purpose}", value, algorithm="sha256").hexdigest()
