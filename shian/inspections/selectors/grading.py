"""Reads of risk grading (docs/inspections.md §2): which scheme applies where, the band distribution of a region
with its child regions, the filtered list of current grades and one entity's grade with its history. Every read
is scoped to the user's jurisdiction; the risk pages are for regulators only."""

import datetime

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from shian.core import rules
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset
from shian.core.regioncodes import child_length, prefixes
from shian.entities.models import Entity
from shian.regions.models import Region

from ..models import RiskBand, RiskGrade, RiskScheme, current_grade

VARIANT_RULE = "inspections.risk_variant"
BANDS = [band for band, _label in RiskBand.choices]


def variant_for(region_code: str | None, on: datetime.date | None = None) -> str:
    """The scoring variant ("2016" or "2022") the rule `inspections.risk_variant` names for a region; an unknown
    value falls back to 2016."""
    value = str(rules.value(VARIANT_RULE, region_code or "", on))
    return value if value in RiskScheme.Variant.values else RiskScheme.Variant.V2016


def scheme_for(region_code: str | None, on: datetime.date | None = None) -> RiskScheme | None:
    """The scheme version in force for a region: the region's variant, then the most specific version of it."""
    variant = variant_for(region_code, on)
    return rules.most_specific(RiskScheme.objects.filter(variant=variant), region_code or "", on)


class SchemeResolver:
    """The scheme of many regions at once, for grading a province: the variant overrides and the scheme versions
    are read once (two queries), then each region is resolved in Python by the same longest-prefix rule as
    `rules.rule` and `rules.most_specific`."""

    def __init__(self, on: datetime.date | None = None):
        self.on = on or timezone.localdate()
        table = apps.get_model("core", "DeadlineRule")
        self._variant_rows = list(table.objects.filter(code=VARIANT_RULE, valid_from__lte=self.on))
        self._default_variant = str(rules.registered()[VARIANT_RULE].default)
        self._schemes = list(RiskScheme.objects.filter(valid_from__lte=self.on))
        self._cache: dict[str, RiskScheme | None] = {}
        # the codes any row names: two regions with the same such ancestors resolve alike
        self._named = {r.region_prefix for r in self._variant_rows} | {s.region_id for s in self._schemes}
        self._by_named: dict[tuple, RiskScheme | None] = {}

    def schemes(self) -> list[RiskScheme]:
        """Every scheme version in force somewhere on the day."""
        return list(self._schemes)

    def variant(self, region_code: str) -> str:
        chain = set(prefixes(region_code, national=True))
        row = rules.pick([r for r in self._variant_rows if r.region_prefix in chain], lambda r: r.region_prefix)
        value = str(row.amount) if row is not None else self._default_variant
        return value if value in RiskScheme.Variant.values else RiskScheme.Variant.V2016

    def scheme(self, region_code: str) -> RiskScheme | None:
        if region_code not in self._cache:
            named = tuple(p for p in prefixes(region_code) if p in self._named)
            if named not in self._by_named:
                variant, chain = self.variant(region_code), set(named)
                rows = [s for s in self._schemes
                        if s.variant == variant and (s.region_id is None or s.region_id in chain)]  # fmt: skip
                self._by_named[named] = rules.pick(rows, lambda s: s.region_id or "")
            self._cache[region_code] = self._by_named[named]
        return self._cache[region_code]


def band_label(band: str) -> str:
    """A 风险 letter always with its words: A级（低风险）."""
    return str(RiskBand(band).label) if band in RiskBand.values else "—"


# -- the risk pages ---------------------------------------------------------------------------------------------


def graded_entities(*, user, region_code: str | None = None):
    """Operating entities in the user's jurisdiction (narrowed to `region_code`)."""
    qs = scope_queryset(Entity.objects.filter(status=Entity.Status.OPERATING), user)
    return narrow_to(qs, region_code)


def distribution(*, user, region_code: str | None = None) -> dict:
    """Entities by their current band in the region and in each child region (one grouped query each, joining the
    current grades; no grade: ungraded):
    {"bands": {A: n, ...}, "ungraded": n, "total": n, "children": [{"code", "name", "bands", "ungraded", "total"}]}."""
    code = region_code or ""
    entities = graded_entities(user=user, region_code=code).annotate(grade=current_grade())
    totals = {row["grade__band"]: row["n"] for row in entities.values("grade__band").annotate(n=Count("pk")).order_by()}
    length = child_length(code)
    by_child: dict[str, dict] = {}
    rows = (
        entities.annotate(child=Substr("region_id", 1, length))
        .values("child", "grade__band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_child.setdefault(row["child"], {})[row["grade__band"]] = row["n"]
    names = dict(Region.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    children = [
        {
            "code": child,
            "name": names.get(child, child),
            "bands": {b: counts.get(b, 0) for b in BANDS},
            "ungraded": sum(n for g, n in counts.items() if g not in BANDS),
            "total": sum(counts.values()),
        }
        for child, counts in sorted(by_child.items())
        if child != code
    ]
    return {
        "bands": {b: totals.get(b, 0) for b in BANDS},
        "ungraded": sum(n for g, n in totals.items() if g not in BANDS),
        "total": sum(totals.values()),
        "children": children,
    }


def grade_list(
    *, user, region_code: str | None = None, band: str = "", sub_type: str = "", manual: str = "", q: str = ""
):
    """Current grades in the user's jurisdiction, filtered: band, sub-type, manual ("1" adjusted, "0" computed)
    and name."""
    qs = RiskGrade.objects.filter(is_current=True).select_related("entity", "entity__region", "scheme")
    qs = narrow_to(scope_queryset(qs, user, "entity__region"), region_code, "entity__region")
    if band:
        qs = qs.filter(band=band)
    if sub_type:
        qs = qs.filter(entity__sub_type=sub_type)
    if manual in ("0", "1"):
        qs = qs.filter(manual=manual == "1")
    if q:
        qs = qs.filter(Q(entity__name__contains=q))
    return qs.order_by("entity__region_id", "entity__name", "entity_id")


def entity_for_grading(*, user, entity_id: int) -> Entity:
    """An entity in the user's jurisdiction, or 404."""
    return get_in_scope(Entity.objects.select_related("region", "grid"), user, pk=entity_id)


def entity_grade(*, user, entity_id: int) -> tuple[Entity, RiskGrade | None, list[RiskGrade]]:
    """(entity, its current grade or None, its grading history newest first)."""
    entity = entity_for_grading(user=user, entity_id=entity_id)
    history = list(RiskGrade.objects.filter(entity=entity).select_related("scheme", "graded_by", "factor_set"))
    current = next((g for g in history if g.is_current), None)
    return entity, current, history


def scheme_rows(*, variant: str | None = None):
    """Scheme versions of a variant (all variants when None): the policy page's table."""
    qs = RiskScheme.objects.all()
    return qs.filter(variant=variant) if variant else qs
