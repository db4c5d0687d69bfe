"""Reads of sampling plans and tasks (docs/sampling.md §2): a region's residents and its townships' weights from
the region tree, the plans and tasks of a jurisdiction, one plan's tables, a station's tasks of a month."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import kpis as registry
from shian.core import rules
from shian.core.jurisdiction import (
    get_in_scope,
    narrow_to,
    region_under,
    require_in_scope,
    scope_prefix,
    scope_queryset,
)
from shian.core.kpis import Grouping
from shian.core.periods import day_end
from shian.core.regioncodes import COUNTY, LEVEL_LENGTH, TOWNSHIP, VILLAGE, ancestor, child_length, level_of, prefixes
from shian.entities.models import Entity
from shian.entities.selectors import area_names
from shian.inspections.models import Station
from shian.regions.models import Region

from ..models import Disposal, PlanLine, Sample, SamplingPlan, SamplingTask
from . import samples as sample_selectors


@dataclass
class Residents:
    total: int  # the region's residents: its own figure, else the sum of the regions below it
    townships: list[tuple[str, float]]  # (township code, weight) of every township (leaf) under the region
    by: str  # "residents": every township has its own figure; else "entities" (some shared by entity counts)

    def __iter__(self):  # (total, townships) unpacks
        return iter((self.total, self.townships))


def _tree(code: str, today: datetime.date) -> dict[str, tuple[str | None, int | None]]:
    """code -> (parent code, own population) of the regions in force from `code` down to the townships."""
    rows = (
        Region.objects.filter(region_under(Region, "code", code), level__lte=TOWNSHIP)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .values_list("code", "parent_id", "population")
    )
    return {c: (p, pop) for c, p, pop in rows}


def _entity_counts(code: str) -> dict[str, int]:
    """Operating entities per township under `code` (one grouped query)."""
    length = LEVEL_LENGTH[TOWNSHIP]
    rows = (
        Entity.objects.filter(region_under(Entity, "region", code), status=Entity.Status.OPERATING)
        .annotate(t=Substr("region_id", 1, length))
        .values("t")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {r["t"]: r["n"] for r in rows}


def residents(code: str, today: datetime.date | None = None) -> Residents:
    """The residents of region `code` and the weights its townships are planned by (docs/sampling.md §2).

    Residents: the region's own population, else the sum of its children's (recursively). Township weights: the
    township's own population; townships without one share what their parent has left (its own figure minus the
    known children) by their operating entities (equally when they have none)."""
    today = today or timezone.localdate()
    tree = _tree(code, today)
    if code not in tree:
        return Residents(0, [], "residents")
    children: dict[str, list[str]] = {}
    for c, (parent, _pop) in tree.items():
        if c != code and parent in tree:
            children.setdefault(parent, []).append(c)
    known: dict[str, int | None] = {}

    def sum_up(c: str) -> int | None:
        kids = sorted(children.get(c, []))
        below = [sum_up(k) for k in kids]
        own = tree[c][1]
        total = own if own is not None else (sum(v for v in below if v) if any(v for v in below) else None)
        known[c] = total
        return total

    total = sum_up(code) or 0
    counts: dict[str, int] | None = None
    leaves: list[tuple[str, float]] = []
    complete = True

    def entities_under(c: str) -> int:
        return sum(n for t, n in counts.items() if t.startswith(c))

    def share(c: str, amount: float) -> None:
        nonlocal counts, complete
        kids = sorted(children.get(c, []))
        if not kids:
            leaves.append((c, amount))
            if tree[c][1] is None:
                complete = False
            return
        have = [k for k in kids if known[k]]
        missing = [k for k in kids if not known[k]]
        have_sum = sum(known[k] for k in have)
        if not missing:
            for k in kids:
                share(k, amount * known[k] / have_sum if have_sum else 0)
            return
        complete = False
        scale = min(1.0, amount / have_sum) if have_sum else 1.0
        for k in have:
            share(k, known[k] * scale)
        rest = max(0.0, amount - have_sum * scale)
        if counts is None:
            counts = _entity_counts(code)
        weights = [entities_under(k) for k in missing]
        if not sum(weights):
            weights = [1] * len(missing)
        for k, w in zip(missing, weights, strict=True):
            share(k, rest * w / sum(weights))

    share(code, float(total))
    return Residents(total, leaves, "residents" if complete else "entities")


def category_table(region_code: str, on: datetime.date | None = None):
    return sample_selectors.category_table(region_code, on)


# -- plans ---------------------------------------------------------------------------------------------------------


def plan_list(*, user, region_code: str | None = None) -> QuerySet[SamplingPlan]:
    qs = scope_queryset(SamplingPlan.objects.select_related("region", "created_by"), user)
    return narrow_to(qs, region_code).order_by("-year", "region_id", "-id")


def plan_get(*, user, pk: int) -> SamplingPlan:
    return get_in_scope(SamplingPlan.objects.select_related("region", "categories", "created_by"), user, pk=pk)


def plan_tables(plan: SamplingPlan) -> dict:
    """The plan as its page shows it: per category, township and month its batches (planned) and the samples
    recorded against its tasks (sampled), and the 12 months of each township."""
    lines = PlanLine.objects.filter(plan=plan).order_by()
    sampled = Sample.objects.filter(task__line__plan=plan).order_by()
    names = dict(sample_selectors.categories(plan.region_id, datetime.date(plan.year, 1, 1)))
    planned_cat = dict(lines.values("category").annotate(n=Sum("batches")).values_list("category", "n"))
    done_cat = dict(sampled.values("category").annotate(n=Count("pk")).values_list("category", "n"))
    town_rows = lines.values("township_id", "month").annotate(n=Sum("batches"))
    towns: dict[str, list[int]] = {}
    for r in town_rows:
        towns.setdefault(r["township_id"], [0] * 12)[r["month"] - 1] += r["n"]
    done_town = dict(sampled.values("task__region_id").annotate(n=Count("pk")).values_list("task__region_id", "n"))
    town_names = dict(Region.objects.filter(code__in=towns).values_list("code", "name"))
    kinds = dict(lines.values("kind").annotate(n=Sum("batches")).values_list("kind", "n"))
    return {
        "categories": [{"code": c, "name": names.get(c, c), "planned": n, "sampled": done_cat.get(c, 0)}
                       for c, n in sorted(planned_cat.items(), key=lambda kv: (-kv[1], kv[0]))],
        "townships": [{"code": t, "name": town_names.get(t, t), "months": months, "planned": sum(months),
                       "sampled": done_town.get(t, 0)} for t, months in sorted(towns.items())],
        "months": [sum(m[i] for m in towns.values()) for i in range(12)],
        "kinds": kinds,
        "lines": lines.count(),
    }  # fmt: skip


# -- tasks ---------------------------------------------------------------------------------------------------------


def task_list(*, user, region_code: str | None = None, station_id: int | None = None, month: int | None = None,
              status: str = "") -> QuerySet[SamplingTask]:  # fmt: skip
    """Tasks in the user's jurisdiction, narrowed to a station, a month (YYYYMM) and a status."""
    qs = narrow_to(scope_queryset(SamplingTask.objects.select_related("station", "region"), user), region_code)
    if station_id:
        qs = qs.filter(station_id=station_id)
    if month:
        qs = qs.filter(month=month)
    if status in SamplingTask.Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(sampled=Count("samples")).order_by("month", "station_id", "region_id", "category", "id")


def stations_of(*, user, region_code: str | None = None) -> QuerySet[Station]:
    """The stations of the user's jurisdiction (the task list's filter)."""
    qs = scope_queryset(Station.objects.all(), user)
    return narrow_to(qs, ancestor(region_code, COUNTY) or region_code).order_by("code")


def my_station(user) -> Station | None:
    """The station an inspector works in (the task list opens on it)."""
    return Station.objects.filter(inspectors=user).order_by("pk").first()


# -- the overview (docs/sampling.md §2) -------------------------------------------------------------------------


@dataclass
class Overview:
    region: Region | None
    code: str
    as_of: datetime.date
    total: dict
    figures: list[dict]
    rows: list[dict]  # one per area below (at a village: per entity)
    categories: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    todo: dict = field(default_factory=dict)
    crumbs: list[Region] = field(default_factory=list)

    @property
    def entity_level(self) -> bool:
        return level_of(self.code) == VILLAGE


def _provider():
    from .. import kpis  # noqa: F401  (registers the provider)

    return next(p for p in registry.providers() if p.key == "sampling")


fmt = registry.fmt  # the views format area cells with it


def figures_of(parts: dict, code: str, as_of: datetime.date) -> list[dict]:
    from .. import kpis

    goal = {key: rules.value(rule, code, as_of) for key, rule in kpis.TARGETS.items()}
    return registry.figures(_provider().kpis, parts, goal)


def _rows(groups: dict, code: str) -> list[dict]:
    depth = None if level_of(code) == VILLAGE else child_length(code)
    return registry.area_rows(groups, depth, _provider().kpis, area_names(groups), "（本级直属）")


def _by_category(code: str, as_of: datetime.date, total: dict) -> list[dict]:
    """Per food category: planned batches of the year, samples, failed samples."""
    lines = narrow_to(PlanLine.objects.filter(plan__year=as_of.year), code, "township")
    planned = dict(lines.values("category").order_by().annotate(n=Sum("batches")).values_list("category", "n"))
    failed = dict(
        narrow_to(Sample.objects.filter(report_date__year=as_of.year, report_date__lte=as_of,
                                        conclusion=Sample.Conclusion.FAIL), code)
        .values("category").order_by().annotate(n=Count("pk")).values_list("category", "n")
    )  # fmt: skip
    names = dict(sample_selectors.categories(code or "", as_of))
    codes = list(names) + sorted({*planned, *failed} - set(names))
    out = []
    for c in codes:
        done = total.get(f"samp_cat:{c}", 0)
        if not (planned.get(c) or done or failed.get(c)):
            continue
        out.append({"code": c, "name": names.get(c, c), "planned": planned.get(c, 0), "sampled": done,
                    "failed": failed.get(c, 0)})  # fmt: skip
    return out


def _by_month(code: str, as_of: datetime.date) -> list[dict]:
    """The 12 months of the year: planned batches and samples taken."""
    lines = narrow_to(PlanLine.objects.filter(plan__year=as_of.year), code, "township")
    planned = dict(lines.values("month").order_by().annotate(n=Sum("batches")).values_list("month", "n"))
    start = datetime.date(as_of.year, 1, 1)
    taken = narrow_to(Sample.objects.filter(sampled_at__gte=timezone.make_aware(datetime.datetime.combine(
        start, datetime.time.min)), sampled_at__lt=day_end(as_of)), code)  # fmt: skip
    done: dict[int, int] = {}
    for when in taken.values_list("sampled_at", flat=True).iterator():
        m = timezone.localtime(when).month
        done[m] = done.get(m, 0) + 1
    return [{"month": m, "planned": planned.get(m, 0), "sampled": done.get(m, 0), "past": m <= as_of.month}
            for m in range(1, 13)]  # fmt: skip


def overview(*, user, region_code: str | None = None, as_of: datetime.date | None = None) -> Overview:
    """The sampling overview of a region for a regulator (an enterprise account is refused; outside the
    jurisdiction a 404): the figures with their targets, by area below, by category and by month."""
    if getattr(user, "role", "") == Role.ENTERPRISE:
        raise PermissionDenied("您的角色无权使用此功能。")
    code = (scope_prefix(user) if region_code is None else region_code) or ""
    require_in_scope(user, code)
    region = Region.objects.filter(code=code).first() if code else None
    if code and region is None:
        raise Http404("区划代码不存在")
    today = timezone.localdate()
    as_of = as_of or today
    depth = None if level_of(code) == VILLAGE else child_length(code)
    groups = _provider().count(prefix=code, grouping=Grouping(depth), as_of=as_of)
    total = registry.total(groups.values())
    top = scope_prefix(user) or ""
    crumbs = list(Region.objects.filter(code__in=[c for c in prefixes(code) if len(top) <= len(c)]).order_by("code"))
    now = timezone.now()
    todo = {
        "overdue_samples": narrow_to(Sample.objects.filter(sample_selectors.overdue_q("any", now)), code).count(),
        "open_disposals": narrow_to(Disposal.objects.exclude(status=Disposal.Status.CLOSED), code).count(),
        "overdue_disposals": narrow_to(Disposal.objects.exclude(status=Disposal.Status.CLOSED)
                                       .filter(due_at__lt=now), code).count(),
        "open_tasks": narrow_to(SamplingTask.objects.filter(status=SamplingTask.Status.OPEN,
                                                            month__lt=today.year * 100 + today.month), code).count(),
    }  # fmt: skip
    return Overview(region=region, code=code, as_of=as_of, total=total, figures=figures_of(total, code, as_of),
                    rows=_rows(groups, code), categories=_by_category(code, as_of, total),
                    months=_by_month(code, as_of), todo=todo, crumbs=crumbs)  # fmt: skip
