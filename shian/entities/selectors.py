"""Reads of the registry, scoped: regulators by region prefix, an enterprise user to its own entity."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.models import AuditEntry

from .models import Entity, License


def _visible(user) -> QuerySet[Entity]:
    qs = Entity.objects.select_related("region", "department")
    if getattr(user, "role", None) == Role.ENTERPRISE:
        return qs.filter(pk=user.entity_id) if user.entity_id else qs.none()
    return scope_queryset(qs, user)


def entity_list(
    *,
    user,
    region_code: str | None = None,
    q: str = "",
    business_type: str = "",
    grade: str = "",
    status: str = "",
    license_expiring_days: int | None = None,
) -> QuerySet[Entity]:
    """Search by name substring, USCC prefix or licence-number prefix; filter by type, grade, status, expiry."""
    qs = narrow_to(_visible(user), region_code)
    q = (q or "").strip()
    if q:
        licensed = License.objects.filter(entity=OuterRef("pk"), number__startswith=q.upper())
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()) | Exists(licensed))
    if business_type:
        qs = qs.filter(business_type=business_type)
    if grade:
        qs = qs.filter(baobao_grade=grade)
    if status:
        qs = qs.filter(status=status)
    if license_expiring_days is not None:
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=license_expiring_days)
        qs = qs.filter(
            Exists(License.objects.filter(entity=OuterRef("pk"), expires_on__gte=today, expires_on__lte=horizon))
        )
    return qs.order_by("region_id", "name", "pk")


def entity_get(*, user, pk: int) -> Entity:
    entity = _visible(user).filter(pk=pk).first()
    if entity is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return entity


def likely_duplicates(*, user, entity: Entity) -> QuerySet[Entity]:
    """Other visible entities with the same folded name and address: flagged for review, not refused."""
    return _visible(user).filter(duplicate_key=entity.duplicate_key).exclude(pk=entity.pk)


def entity_history(*, user, entity: Entity):
    """The entity's change history; whoever may see the entity may see how it changed."""
    entity_get(user=user, pk=entity.pk)
    return AuditEntry.objects.filter(object_type="entities.entity", object_id=str(entity.pk)).order_by("-at", "-id")
