"""Reads for the public results page and the open API (docs/sampling.md §5): published results only, without
people (no samplers, signers, phones or ID numbers), newest published first, keyset-paged on (published_at, id)
so a page costs the same at any depth; and the staff's publishing queue."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from ..models import Disposal, Sample, SampleResult

# What the public sees of a sample: names of businesses and products, never people.
PUBLIC_FIELDS = ("id", "published_at", "region_id", "region__name", "entity__name", "category", "kind", "product",
                 "brand", "spec", "batch_number", "producer_name", "conclusion", "report_date")  # fmt: skip


@dataclass(frozen=True)
class Filters:
    region: str = ""
    category: str = ""
    conclusion: str = ""
    month: datetime.date | None = None


def encode_cursor(sample: Sample) -> str:
    return f"{int(sample.published_at.timestamp() * 1_000_000)}-{sample.pk}"


def decode_cursor(text: str) -> tuple[datetime.datetime, int] | None:
    try:
        micro, pk = (text or "").split("-", 1)
        moment = datetime.datetime.fromtimestamp(int(micro) / 1_000_000, tz=datetime.UTC)
        return moment, int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def published(filters: Filters) -> QuerySet[Sample]:
    # publishing needs a conclusion (services.publish), so published rows have one: no second condition that would
    # send the database to the table for every row of a region
    qs = Sample.objects.filter(published_at__isnull=False)
    if filters.region:
        qs = qs.filter(region_id__gte=filters.region, region_id__lte=filters.region.ljust(12, "9"))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.conclusion in Sample.Conclusion.values:
        qs = qs.filter(conclusion=filters.conclusion)
    if filters.month:  # the month of publication (公布月份): a range on the index the page is ordered by
        start = timezone.make_aware(datetime.datetime.combine(filters.month, datetime.time()))
        nxt = timezone.make_aware(datetime.datetime.combine((filters.month + datetime.timedelta(days=32)).replace(day=1),
                                                            datetime.time()))  # fmt: skip
        qs = qs.filter(published_at__gte=start, published_at__lt=nxt)
    return qs


def results_page(filters: Filters, *, after: str = "", size: int = 30) -> tuple[list[Sample], str]:
    """One page of published results after the cursor, and the next page's cursor ("" on the last page). Each
    sample carries `failed_items` and `public_disposal` (the disposal outcome when it is published, else None)."""
    qs = published(filters)
    cursor = decode_cursor(after) if after else None
    if cursor:
        moment, pk = cursor
        # a range on the index's first column, then the ties: (published_at, id) < (moment, pk)
        qs = qs.filter(published_at__lte=moment).exclude(published_at=moment, pk__gte=pk)
    failed = SampleResult.objects.filter(verdict=SampleResult.Verdict.FAIL).only("sample_id", "item", "value",
                                                                                 "limit", "unit")  # fmt: skip
    rows = list(
        qs.select_related("entity", "region")
        .only(*PUBLIC_FIELDS)
        .prefetch_related(Prefetch("results", queryset=failed, to_attr="failed_items"))
        .order_by("-published_at", "-pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    disposals = {d.sample_id: d for d in Disposal.objects.filter(
        sample_id__in=[s.pk for s in rows if s.conclusion == Sample.Conclusion.FAIL], published_at__isnull=False
    ).only("sample_id", "status", "steps", "closed_at", "on_time", "published_at")}  # fmt: skip
    for s in rows:
        s.public_disposal = disposals.get(s.pk)
    return rows, (encode_cursor(rows[-1]) if more and rows else "")


# -- the staff's publishing queue --------------------------------------------------------------------------------


def to_publish(*, user, region_code: str | None = None) -> QuerySet[Sample]:
    """Results in the user's jurisdiction with a conclusion, published or not, newest report first."""
    qs = scope_queryset(Sample.objects.select_related("entity", "region"), user).exclude(conclusion="")
    # unpublished first on every database (PostgreSQL sorts NULLs last in ascending order, SQLite first)
    return narrow_to(qs, region_code).order_by(F("published_at").asc(nulls_first=True), "-report_date", "-pk")


def sample_in_scope(*, user, pk: int) -> Sample:
    return get_in_scope(Sample.objects.all(), user, pk=pk)
