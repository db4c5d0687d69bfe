"""Reads of the registry, scoped: regulators by region prefix, an enterprise user to its own entity."""

import datetime
import re

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import rules
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, scope_entity_rows
from shian.core.models import AuditEntry
from shian.core.regioncodes import child_length
from shian.regions.models import Region

from . import validators
from .models import Entity, KeyPerson, License, baobao_grade, listed_baobao_grade

LICENCE_EXPIRY_DAYS = "entities.licence_expiry_days"  # the rule (entities/ruledefs.py)


def _visible(user) -> QuerySet[Entity]:
    return scope_entity_rows(Entity.objects.select_related("region", "department"), user, entity_field="pk")


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
    """Search by name substring, USCC prefix or licence-number prefix; filter by type, grade, status, expiry.
    Each row carries its 包保 grade as `baobao_grade`."""
    # the page's regions by one more query, not joined: a join is made for every match before the sort
    qs = narrow_to(_visible(user).select_related(None).prefetch_related("region"), region_code)
    qs = qs.annotate(baobao_grade=listed_baobao_grade())
    q = (q or "").strip()
    if q:
        qs = qs.filter(_search(q))
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


_LICENCE = re.compile(r"^(JY|SC)[0-9]*$")
_USCC_PREFIX = re.compile(r"^(?=.*[0-9])[0-9A-Z]{2,18}$")
_DIGIT_RUN = re.compile(r"[0-9]{6,}")


def _search(q: str) -> Q:
    """One search box, three searches, chosen by what was typed so each stays on its own index at province
    scale (an OR across them would scan every row): JY/SC numbers and long digit runs (小作坊登记号) are
    licence-number prefixes, other letter-digit codes are USCC prefixes, anything else is a name substring."""
    code = validators.normalize(q)
    if _LICENCE.match(code) or (_DIGIT_RUN.search(code) and not _USCC_PREFIX.match(code)):
        return Q(Exists(License.objects.filter(entity=OuterRef("pk"), number__startswith=code)))
    if _USCC_PREFIX.match(code):
        return Q(uscc__startswith=code)
    return Q(name__contains=q)


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


def entity_export(*, user, region_code: str | None = None, **filters) -> QuerySet[Entity]:
    """The list's rows with their licences and principals fetched in bulk: iterated in chunks, a chunk of
    entities costs one query for their licences and one for their people, never one per row."""
    licences = License.objects.only("entity_id", "number", "expires_on").order_by(
        F("expires_on").desc(nulls_last=True), "kind", "pk"
    )
    people = KeyPerson.objects.filter(role__in=[KeyPerson.Role.PRINCIPAL, KeyPerson.Role.LEGAL_REPRESENTATIVE]).only(
        "entity_id", "role", "name", "phone"
    )
    return (
        entity_list(user=user, region_code=region_code, **filters)
        .select_related(None)
        .select_related("region")
        .prefetch_related(
            Prefetch("licenses", queryset=licences, to_attr="export_licenses"),
            Prefetch("people", queryset=people.order_by("role", "pk"), to_attr="export_people"),
        )
    )


def baobao_grades(entity_ids) -> dict[int, str]:
    """{entity id: 包保 grade} ("" = not graded) for many entities, in chunked queries."""
    found = {}
    for chunk in chunked(list(entity_ids), 10_000):
        rows = Entity.objects.filter(pk__in=chunk).annotate(g=baobao_grade()).values_list("pk", "g")
        found.update(rows.order_by())
    return found


def expiry_days(*, user, region_code: str | None = None) -> int:
    """How many days ahead a licence counts as expiring: the rule in force in the region (or the user's)."""
    return rules.value(LICENCE_EXPIRY_DAYS, region_code or getattr(user, "region_id", "") or "")


def expiring_licenses(*, user, region_code: str | None = None, days: int | None = None) -> QuerySet[License]:
    """Licences of visible, not deregistered entities that expire within `days` from today (renewal follow-up),
    soonest first; by default the days of the rule in force in the region."""
    today = timezone.localdate()
    days = expiry_days(user=user, region_code=region_code) if days is None else days
    horizon = today + datetime.timedelta(days=days)
    entities = narrow_to(_visible(user), region_code).exclude(status=Entity.Status.DEREGISTERED)
    return (
        License.objects.filter(entity__in=entities.values("pk"), expires_on__gte=today, expires_on__lte=horizon)
        .select_related("entity", "entity__region", "entity__region__parent")
        .order_by("expires_on", "entity__name", "pk")
    )


def expiring_license_counts(*, user, region_code: str | None = None, days: int | None = None) -> list[dict]:
    """How many licences expire within `days`, per region one level below `region_code` (a county's
    townships), in one grouped query; the level follows the region so a province gets 16 rows, not 40,000."""
    length = child_length(region_code)
    rows = (
        expiring_licenses(user=user, region_code=region_code, days=days)
        .order_by()
        .annotate(area=Substr("entity__region_id", 1, length))
        .values("area")
        .annotate(n=Count("pk"))
        .order_by("area")
    )
    counts = [(row["area"], row["n"]) for row in rows]
    names = dict(Region.objects.filter(code__in=[code for code, _n in counts]).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, code), "count": n} for code, n in counts]


def area_names(codes) -> dict[str, str]:
    """Names of the areas of an overview table: region codes, or entity ids (as strings) below a village."""
    codes = list(codes)
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    ids = [int(c) for c in codes if c not in regions and c.isdigit() and len(c) < 12]
    return regions | {str(k): v for k, v in Entity.objects.filter(pk__in=ids).values_list("pk", "name")}
