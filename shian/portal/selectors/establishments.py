"""Reads of the public open-data API (docs/portal.md §3): establishments keyset-paged by id (a page costs the same
at any depth: `id > after`, the primary key's order), filtered by region (a code range on the region index),
format (业态), rating (the latest published inspection's level or outcome, a correlated lookup on the
(entity, inspected_on) index) and updated-since; and the published inspections (ratings) newest first."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ratings
from .search import PUBLIC_FIELDS, public_entities


@dataclass(frozen=True)
class Filters:
    region: str = ""
    business_type: str = ""
    rating: str = ""
    updated_since: datetime.date | None = None


def _region(qs, region: str, field: str = "region_id"):
    if region:
        qs = qs.filter(**{f"{field}__gte": region, f"{field}__lte": region.ljust(12, "9")})
    return qs


def _out(e, latest: dict | None) -> dict:
    return {
        "id": e.pk, "name": e.name, "uscc": e.uscc, "address": e.address, "region_code": e.region_id,
        "region_name": e.region.name, "business_type": e.business_type, "sub_type": e.sub_type, "status": e.status,
        "longitude": float(e.longitude) if e.longitude is not None else None,
        "latitude": float(e.latitude) if e.latitude is not None else None,
        "rating": {"rating": latest["rating"], "outcome": latest["outcome"], "level": latest["level"],
                   "inspected_on": latest["inspected_on"]} if latest else None,
        "updated_at": e.updated_at,
    }  # fmt: skip


def establishments_page(filters: Filters, *, after: int = 0, size: int = 50) -> tuple[list[dict], str]:
    qs = _region(public_entities(), filters.region)
    if filters.business_type:
        qs = qs.filter(business_type=filters.business_type)
    if filters.updated_since:
        start = timezone.make_aware(datetime.datetime.combine(filters.updated_since, datetime.time()))
        qs = qs.filter(updated_at__gte=start)
    if filters.rating in ratings.RATING_VALUES:
        level, outcome = ratings.latest_rating_expression()
        field = "r_level" if filters.rating in ratings.FACES else "r_outcome"
        qs = qs.annotate(**{field: level if field == "r_level" else outcome}).filter(**{field: filters.rating})
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.select_related("region").only(*PUBLIC_FIELDS).order_by("pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    latest = ratings.latest_of([e.pk for e in rows])
    return [_out(e, latest.get(e.pk)) for e in rows], (str(rows[-1].pk) if more and rows else "")


def establishment(pk: int) -> dict:
    e = public_entities().select_related("region").only(*PUBLIC_FIELDS).filter(pk=pk).first()
    if e is None:
        raise Http404(_("未找到该单位。"))
    return _out(e, ratings.latest_of([e.pk]).get(e.pk))


def ratings_page(*, region: str = "", after: int = 0, size: int = 50) -> tuple[list[dict], str]:
    """Published inspections newest first by id (ids grow with time), keyset on id."""
    qs = _region(ratings.published_inspections(), region)
    if after:
        qs = qs.filter(pk__lt=after)
    rows = list(
        qs.order_by("-pk").values("pk", "entity_id", "entity__name", "region_id", "inspected_on", "outcome",
                                  "catering_level", "published_at")[: size + 1]
    )  # fmt: skip
    more = len(rows) > size
    rows = rows[:size]
    items = [{"id": r["pk"], "establishment_id": r["entity_id"], "establishment_name": r["entity__name"],
              "region_code": r["region_id"], "inspected_on": r["inspected_on"], "outcome": r["outcome"],
              "level": r["catering_level"], "published_at": r["published_at"]} for r in rows]  # fmt: skip
    return items, (str(rows[-1]["pk"]) if more and rows else "")
