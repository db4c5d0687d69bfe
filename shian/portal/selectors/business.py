"""One business's public page (docs/portal.md §2): what anyone may know of it, built from the records and never
of a person. Licences and their status, the rating (latest published inspection, 量化 face and annual grade), the
recent published inspections, the published sampling results (sampling's public selectors), list entries and
red/black edition lines (lists' public selectors).

`exclude` is the set of `(kind, id)` records under correction review, left out everywhere on the page (kinds
"inspection" and "sample"). TODO(credit): the view passes `shian.credit.selectors.public.under_review([pk])`."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import rules
from shian.entities.models import BusinessType, Entity, License, SubType
from shian.lists.selectors.public import listings_of
from shian.sampling.models import Disposal, SampleResult
from shian.sampling.selectors import public as sampling_public

from ..ruledefs import RECENT_INSPECTIONS, RECENT_SAMPLES
from . import ratings
from .search import PUBLIC_FIELDS, public_entities


def ids_of(exclude, kind: str) -> set[int]:
    return {pk for k, pk in (exclude or ()) if k == kind}


def public_entity(pk: int) -> Entity:
    entity = public_entities().select_related("region").only(*PUBLIC_FIELDS).filter(pk=pk).first()
    if entity is None:
        raise Http404(_("未找到该单位。"))
    return entity


def licences_of(entity: Entity, today=None) -> list[dict]:
    today = today or timezone.localdate()
    out = []
    for lic in License.objects.filter(entity=entity).order_by("kind", "number"):
        valid = lic.expires_on is None or lic.expires_on >= today
        out.append({"kind": lic.get_kind_display(), "number": lic.number, "issued_on": lic.issued_on,
                    "expires_on": lic.expires_on, "valid": valid,
                    "status": _("有效") if valid else _("已过期")})  # fmt: skip
    return out


def inspections_of(entity: Entity, *, exclude_ids=frozenset(), limit: int | None = None) -> list[dict]:
    limit = limit or rules.value(RECENT_INSPECTIONS.code, entity.region_id)
    rows = (
        ratings.published_inspections(exclude_ids)
        .filter(entity_id=entity.pk)
        .order_by("-inspected_on", "-pk")
        .values("pk", "inspected_on", "outcome", "catering_level")[:limit]
    )
    return [ratings.public_inspection(r) for r in rows]


def samples_of(entity: Entity, *, exclude_ids=frozenset(), limit: int | None = None) -> list:
    """The entity's published sampling results, newest published first: sampling's public rows and fields."""
    limit = limit or rules.value(RECENT_SAMPLES.code, entity.region_id)
    qs = sampling_public.published(sampling_public.Filters(region=entity.region_id)).filter(entity_id=entity.pk)
    if exclude_ids:
        qs = qs.exclude(pk__in=exclude_ids)
    rows = list(qs.only(*[f for f in sampling_public.PUBLIC_FIELDS if "__" not in f])
                .order_by("-published_at", "-pk")[:limit])  # fmt: skip
    failed = {}
    for r in SampleResult.objects.filter(sample_id__in=[s.pk for s in rows], verdict=SampleResult.Verdict.FAIL):
        failed.setdefault(r.sample_id, []).append(r)
    disposals = {d.sample_id: d for d in Disposal.objects.filter(sample_id__in=[s.pk for s in rows],
                                                                  published_at__isnull=False)}  # fmt: skip
    for s in rows:
        s.failed_items = failed.get(s.pk, [])
        s.public_disposal = disposals.get(s.pk)
    return rows


def business_page(pk: int, *, exclude=frozenset()) -> dict:
    entity = public_entity(pk)
    inspections = inspections_of(entity, exclude_ids=ids_of(exclude, "inspection"))
    is_catering = entity.business_type in (BusinessType.CATERING, BusinessType.CANTEEN) or entity.sub_type in (
        SubType.SMALL_EATERY,
    )
    return {
        "entity": entity,
        "licences": licences_of(entity),
        "latest": inspections[0] if inspections else None,
        "inspections": inspections,
        "annual": ratings.annual_grades_of([entity.pk]).get(entity.pk) if is_catering else None,
        "samples": samples_of(entity, exclude_ids=ids_of(exclude, "sample")),
        "listings": listings_of([entity.pk]).get(entity.pk, []),
    }
