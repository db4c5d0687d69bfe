"""Reads of notices (docs/notices.md §2, §4): the scoped list with its filters, one notice, a reply attachment, who the
recipient's users and the issuing office's administrators are, and the lookups of the issue form (townships under
the issuer, departments, an entity by name or USCC).

Who sees a notice: the regulators whose region covers the recipient's region (`Notice.region`, under the issuer's);
a department's staff only the notices to their own department; an enterprise account only the notices to its own
entity. A draft is seen only on the issuing side (regions covering the issuer's)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from shian.accounts.models import Department, Role, User
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows, scope_prefix
from shian.core.regioncodes import TOWNSHIP, level_of, prefixes
from shian.entities.models import Entity
from shian.regions.models import Region

from ..models import Notice, NoticeAttachment

ISSUER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
RECIPIENT_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.DEPARTMENT_STAFF, Role.ENTERPRISE})


def _visible(user) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("region", "issuer_region", "department", "entity", "notice_type")
    qs = scope_entity_rows(qs, user)
    if user.is_superuser:
        return qs
    if user.role == Role.DEPARTMENT_STAFF:
        qs = qs.filter(recipient_kind=Notice.Recipient.DEPARTMENT, department_id=user.department_id)
    # a draft is the issuing side's: only regulators of regions covering the issuer's see it, never a recipient
    if user.role in RECIPIENT_ROLES:
        return qs.exclude(status=Notice.Status.DRAFT)
    prefix = scope_prefix(user) or "~"
    issuing_side = Q(issuer_region_id__gte=prefix, issuer_region_id__lte=prefix.ljust(12, "9"))
    return qs.filter(~Q(status=Notice.Status.DRAFT) | issuing_side)


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(status=Notice.Status.DELIVERED, reply_due__lt=now or timezone.now())


def notice_list(*, user, region_code: str | None = None, type_code: str = "", status: str = "", overdue: bool = False,
                recipient_kind: str = "", mine: bool = False, q: str = "") -> QuerySet[Notice]:  # fmt: skip
    """Notices in the user's reach, newest first, filtered as the list page and the API offer; `mine`: the ones
    addressed to the user (its township, department or entity)."""
    qs = narrow_to(_visible(user), region_code)
    if type_code:
        qs = qs.filter(notice_type__code=type_code)
    if status in Notice.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    if recipient_kind in Notice.Recipient.values:
        qs = qs.filter(recipient_kind=recipient_kind)
    if mine:
        qs = qs.filter(addressed_to_q(user))
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__contains=q) | Q(subject__contains=q) | Q(recipient_name__contains=q))
    return qs.order_by("-created_at", "-id")


def notice_get(*, user, pk: int) -> Notice:
    """One notice the user may see, or 404."""
    return get_entity_row(_visible(user), user, pk=pk)


def attachment_get(*, user, pk: int) -> NoticeAttachment:
    visible = _visible(user).values("pk")
    qs = NoticeAttachment.objects.filter(notice__in=visible).select_related("notice")
    return get_entity_row(qs, user, entity_field="notice__entity", field="notice__region", pk=pk)


# -- recipients and issuers -------------------------------------------------------------------------------------


def addressed_to_q(user) -> Q:
    """The notices addressed to `user`: its township (a township administrator), its department's office in its
    region (department staff), its entity (an enterprise account); nothing for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.TOWNSHIP_ADMIN:
        return Q(recipient_kind=Notice.Recipient.TOWNSHIP, region_id=user.region_id)
    if user.role == Role.DEPARTMENT_STAFF and user.department_id:
        return Q(recipient_kind=Notice.Recipient.DEPARTMENT, department_id=user.department_id,
                 region_id=user.region_id)  # fmt: skip
    if user.role == Role.ENTERPRISE and user.entity_id:
        return Q(recipient_kind=Notice.Recipient.ENTITY, entity_id=user.entity_id)
    return Q(pk__in=[])


def is_recipient(user, notice: Notice) -> bool:
    """Whether `user` answers for the notice's recipient."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return False
    kind = notice.recipient_kind
    if kind == Notice.Recipient.TOWNSHIP:
        return user.role == Role.TOWNSHIP_ADMIN and user.region_id == notice.region_id
    if kind == Notice.Recipient.DEPARTMENT:
        return (user.role == Role.DEPARTMENT_STAFF and user.department_id == notice.department_id
                and user.region_id == notice.region_id)  # fmt: skip
    return user.role == Role.ENTERPRISE and user.entity_id is not None and user.entity_id == notice.entity_id


def recipient_users(notice: Notice) -> list[User]:
    """The active accounts that answer for the recipient (told on delivery; they see it in their work list)."""
    users = User.objects.filter(is_active=True)
    if notice.recipient_kind == Notice.Recipient.TOWNSHIP:
        users = users.filter(role=Role.TOWNSHIP_ADMIN, region_id=notice.region_id)
    elif notice.recipient_kind == Notice.Recipient.DEPARTMENT:
        users = users.filter(role=Role.DEPARTMENT_STAFF, department_id=notice.department_id, region_id=notice.region_id)
    else:
        users = users.filter(role=Role.ENTERPRISE, entity_id=notice.entity_id)
    return list(users.order_by("pk")[:200])


def is_issuer(user, notice: Notice) -> bool:
    """Whether `user` acts for the issuing office (an administrator of the issuer's own region, or a superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or (user.role in ISSUER_ROLES and user.region_id == notice.issuer_region_id)


def issuer_admins(region_code: str) -> list[User]:
    """The administrators of the issuing office."""
    return list(User.objects.filter(is_active=True, role__in=ISSUER_ROLES, region_id=region_code).order_by("pk")[:100])


def admins_above(region_code: str) -> list[User]:
    """The administrators of the region directly above `region_code` (a county's city, a city's province); the
    superusers when there is none."""
    above = prefixes(region_code)[:-1]
    if above:
        return issuer_admins(above[-1])
    return list(User.objects.filter(is_active=True, is_superuser=True).order_by("pk")[:20])


# -- the issue form's lookups ------------------------------------------------------------------------------------


def townships_under(region_code: str) -> list[Region]:
    """The townships (乡镇、街道) under the issuer's region."""
    qs = Region.objects.filter(level=TOWNSHIP)
    if region_code:
        qs = qs.filter(code__gte=region_code, code__lte=region_code.ljust(12, "9"))
    return list(qs.order_by("code")[:500])


def offices_under(region_code: str) -> list[Region]:
    """Where a department's office may be: the issuer's region and the regions under it down to the township."""
    qs = Region.objects.filter(level__lte=TOWNSHIP)
    if region_code:
        qs = qs.filter(code__gte=region_code, code__lte=region_code.ljust(12, "9"))
    return list(qs.order_by("code")[:500])


def departments() -> list[Department]:
    return list(Department.objects.order_by("code"))


def find_entity(*, user, text: str) -> Entity | None:
    """The entity in the user's jurisdiction whose USCC or exact name is `text` (None when none or several)."""
    text = (text or "").strip()[:200]
    if not text:
        return None
    qs = scope_entity_rows(Entity.objects.all(), user, entity_field="pk")
    found = list(qs.filter(Q(uscc=text.upper()) | Q(name=text)).order_by("pk")[:2])
    return found[0] if len(found) == 1 else None


def is_township(code: str) -> bool:
    return level_of(code) == TOWNSHIP


def find_entity_by_id(*, user, pk: int | None) -> Entity | None:
    """The entity `pk` in the user's jurisdiction (the issue form opened from an entity's page), else None."""
    if not pk:
        return None
    return scope_entity_rows(Entity.objects.all(), user, entity_field="pk").filter(pk=pk).first()
