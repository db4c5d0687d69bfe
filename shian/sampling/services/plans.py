"""Yearly sampling plans and their tasks (docs/sampling.md §2).

`plan_sampling` plans a region's year: batches = residents ÷ 1,000 × rate (`sampling.batches_per_thousand` unless
given), residents from the region tree (`regions.Region.population`, see `selectors.plans.residents`). The batches
are split level by level, each level with largest remainders so every total is exact:

1. by kind: 风险监测 and 评价性抽检 take their rule shares (`sampling.monitoring_share_pct`,
   `sampling.evaluation_share_pct`), 监督抽检 the rest;
2. by food category, within a kind: the category table in force for the region (`CategoryTable`), by weight, over
   the rows of that kind (a kind without rows of its own uses the supervision rows);
3. by township, within a category: by residents (entity counts where residents are missing);
4. by month, within a category's township: evenly.

At every level every member gets one batch before any member gets more (a township gets one a month of a category
before it gets a second in any month, when the category has enough), then the rest goes by weight; a member whose
weighted share falls below that floor keeps the floor and the others share what is left. When there are fewer
batches than members, the members most behind their share of the whole plan so far get them (townships by
residents, months evenly), so small categories rotate over townships and months instead of always landing on the
largest township and January. Tasks: one `SamplingTask` per plan line, for the 市场监管所 whose townships contain
the line's township (`inspections.selectors.stations`).

Re-planning a year replaces the plan's lines and tasks in place (the plan keeps its id, its summary counts the
version, the audit entry keeps the summaries before and after) until a sample is recorded against one of its
tasks; from then on it is refused. Lines from 你点我检 campaigns are kept.
"""

import datetime
import time
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import VILLAGE, level_of
from shian.inspections.selectors.stations import stations_for
from shian.inspections.services.planning import insert_rows
from shian.regions.models import Region

from ..models import PlanLine, Sample, SamplingKind, SamplingPlan, SamplingTask
from ..ruledefs import EVALUATION_SHARE, GRAIN_STOCK, MONITORING_SHARE, RATE
from ..selectors import plans as selectors

PLANNERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
MONTHS = tuple(range(1, 13))
GRAIN_CATEGORY = "grain"  # the category whose batches the grain-stock monitoring share is read against
YEARS = (2000, 2100)
RATE_RANGE = (Decimal("0.01"), Decimal("999.99"))  # what SamplingPlan.rate (5 digits, 2 decimals) can hold
KIND_ORDER = (SamplingKind.SUPERVISION, SamplingKind.MONITORING, SamplingKind.EVALUATION)


# -- apportionment -------------------------------------------------------------------------------------------------


def apportion(total: int, weights: list[float], *, floor: int = 1, behind: list[float] | None = None) -> list[int]:
    """Split `total` over the members (weights) exactly.

    Every member gets `floor` first (lowered to what the total allows: total ÷ members; members whose weighted
    share is below it are pinned to it, the others share the rest by weight) and the remainders go to the largest
    fractions. With fewer batches than members (and a floor), single batches go to the members most behind.
    `floor=0`: plain largest remainders. Ties (equal fractions, or who gets the single
    batches) go to the member most `behind` (default: the heaviest), then to the first."""
    n = len(weights)
    if total <= 0 or n == 0:
        return [0] * n
    w = [max(0.0, float(x)) for x in weights]
    if sum(w) <= 0:
        w = [1.0] * n
    behind = w if behind is None else behind
    if floor >= 1 and total < n:
        order = sorted(range(n), key=lambda i: (-behind[i], -w[i], i))
        out = [0] * n
        for i in order[:total]:
            out[i] = 1
        return out
    floor = max(0, min(floor, total // n))
    pinned = [False] * n
    while True:
        free_total = total - floor * sum(pinned)
        free_weight = sum(w[i] for i in range(n) if not pinned[i])
        newly = [i for i in range(n) if not pinned[i] and (free_weight <= 0 or free_total * w[i] / free_weight < floor)]
        if not newly:
            break
        for i in newly:
            pinned[i] = True
    quotas = [floor if pinned[i] else free_total * w[i] / free_weight for i in range(n)]
    out = [int(q) for q in quotas]
    rest = total - sum(out)
    order = sorted(range(n), key=lambda i: (-round(quotas[i] - out[i], 9), -behind[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


def split(*, batches: int, kinds: dict[str, int], rows: list[dict], townships: list[tuple[str, float]]) -> list[tuple]:
    """The plan's lines (kind, category, township, month, batches) for `batches`, by the scheme of this module's
    docstring. `kinds`: kind -> percentage share (supervision takes the rest); `rows`: the category table's rows;
    `townships`: (code, residents or another weight)."""
    if not townships or not rows:
        return []
    shares = {k: kinds.get(k, 0) for k in KIND_ORDER if k != SamplingKind.SUPERVISION}
    shares[SamplingKind.SUPERVISION] = max(0, 100 - sum(shares.values()))
    by_kind = dict(zip(KIND_ORDER, apportion(batches, [shares[k] for k in KIND_ORDER], floor=0), strict=True))
    codes = [t for t, _w in townships]
    tw = [w for _t, w in townships]
    tw_total = sum(tw) or 1.0
    share_t = [w / tw_total for w in tw]
    run_t = [0] * len(codes)
    run_m = dict.fromkeys(MONTHS, 0)
    done = 0
    lines: list[tuple] = []
    supervision = [r for r in rows if r.get("kind", SamplingKind.SUPERVISION) == SamplingKind.SUPERVISION] or rows
    for kind in KIND_ORDER:
        if not by_kind[kind]:
            continue
        own = [r for r in rows if r.get("kind", SamplingKind.SUPERVISION) == kind] or supervision
        per_cat = apportion(by_kind[kind], [float(r.get("weight") or 0) for r in own])
        for row, n_c in zip(own, per_cat, strict=True):
            if not n_c:
                continue
            floor_t = min(len(MONTHS), n_c // len(codes)) or 1
            behind_t = [share_t[i] * done - run_t[i] for i in range(len(codes))]
            for i, n_ct in enumerate(apportion(n_c, tw, floor=floor_t, behind=behind_t)):
                if not n_ct:
                    continue
                # months weigh the same: apportion() reduces to this (the remainder to the months least served)
                base, extra = divmod(n_ct, len(MONTHS))
                favoured = set(sorted(MONTHS, key=lambda m: (run_m[m], m))[:extra])
                for m in MONTHS:
                    n = base + (m in favoured)
                    if n:
                        lines.append((kind, row["code"], codes[i], m, n))
                        run_m[m] += n
                run_t[i] += n_ct
                done += n_ct
    return lines


# -- the plan ------------------------------------------------------------------------------------------------------


def _require_planner(actor, region_code: str) -> None:
    if actor is None:  # the command line and the demo
        return
    if not (actor.is_superuser or actor.role in PLANNERS):
        raise PermissionDenied(_("只有县级及以上管理员可以制定抽检计划。"))
    require_in_scope(actor, region_code)


def clean_rate(rate) -> Decimal | None:
    """A given rate as a Decimal of at most two places, None when none was given; a clear error otherwise."""
    if rate is None or rate == "":
        return None
    try:
        value = Decimal(str(rate)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"rate": [_("每千人批次“%(rate)s”不是数字。") % {"rate": rate}]}) from exc
    if not RATE_RANGE[0] <= value <= RATE_RANGE[1]:
        raise ValidationError({"rate": [_("每千人批次须大于 0 且小于 1000，收到 %(rate)s。") % {"rate": rate}]})
    return value


def _check(region_code: str, year) -> Region:
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        raise ValidationError({"region": [_("区划代码“%(code)s”不存在。") % {"code": region_code}]})
    if level_of(region.code) in (None, 0, VILLAGE):
        raise ValidationError({"region": [_("抽检计划按省、市、县或乡镇（街道）制定，%(name)s是村（社区）。") % {
            "name": region.name}]})  # fmt: skip
    if not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError({"year": [_("年度无效：%(year)s。") % {"year": year}]})
    return region


def compute(*, region: Region, year: int, rate: Decimal | None = None) -> dict:
    """Everything a plan holds, computed and not stored: residents, rate, batches, the lines and the summary."""
    found = selectors.residents(region.code)
    residents, townships = found.total, found.townships
    if not residents:
        raise ValidationError({"region": [_("%(name)s尚无常住人口数据：请先在“常住人口”页填写本级或各乡镇（街道）的常住人口。") % {
            "name": region.name}]})  # fmt: skip
    on = datetime.date(year, 1, 1)
    if rate is None:
        rate = Decimal(rules.value(RATE.code, region.code, on))
    table = selectors.category_table(region.code, on)
    if table is None or not table.rows:
        raise ValidationError({"region": [_("%(name)s没有现行的抽检食品类别表。") % {"name": region.name}]})
    batches = int((Decimal(residents) * rate / 1000).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    kinds = {SamplingKind.MONITORING: rules.value(MONITORING_SHARE.code, region.code, on),
             SamplingKind.EVALUATION: rules.value(EVALUATION_SHARE.code, region.code, on)}  # fmt: skip
    lines = split(batches=batches, kinds=kinds, rows=table.rows, townships=townships)
    by_kind, by_cat, by_town, by_month = Counter(), Counter(), Counter(), Counter()
    for kind, cat, town, month, n in lines:
        by_kind[kind] += n
        by_cat[cat] += n
        by_town[town] += n
        by_month[month] += n
    grain_pct = rules.value(GRAIN_STOCK.code, region.code, on)
    grain = by_cat.get(GRAIN_CATEGORY, 0)
    summary = {
        "residents": residents,
        "rate": float(rate),
        "batches": batches,
        "by_kind": {k: by_kind.get(k, 0) for k in SamplingKind.values},
        "by_category": {row["code"]: by_cat.get(row["code"], 0) for row in table.rows},
        "by_township": {code: by_town.get(code, 0) for code, _w in townships},
        "by_month": {str(m): by_month.get(m, 0) for m in MONTHS},
        "grain_stock": {"pct": grain_pct, "grain_batches": grain, "batches": -(-grain * grain_pct // 100)},
        "townships_by": found.by,
        "categories_version": table.version,
    }
    return {"residents": residents, "rate": rate, "batches": batches, "table": table, "lines": lines,
            "summary": summary}  # fmt: skip


def plan_sampling(*, actor, region_code: str, year: int, rate=None) -> SamplingPlan:
    """Plan `year` for the region and make its tasks (docs/sampling.md §2); re-planning replaces the lines and
    tasks until a sample is recorded against one of its tasks."""
    started = time.monotonic()
    _require_planner(actor, region_code)
    region = _check(region_code, year)
    made = compute(region=region, year=year, rate=clean_rate(rate))
    summary = made["summary"]
    with transaction.atomic():
        plan = SamplingPlan.objects.select_for_update().filter(region=region, year=year).order_by("pk").first()
        before = None
        if plan is not None:
            if Sample.objects.filter(task__line__plan=plan).exists():
                raise ValidationError({"year": [_("%(name)s %(year)d 年的抽检计划已有样品登记，不能重新制定；如需调整，请通过你点我检或补充任务增加批次。") % {
                    "name": region.name, "year": year}]})  # fmt: skip
            before = {k: plan.summary.get(k) for k in ("residents", "rate", "batches", "version")}
            summary["version"] = int(plan.summary.get("version") or 1) + 1
            # no sample points at these tasks (checked above) and only these tasks at these lines: plain deletes,
            # without the ORM's collector reading a province's half a million rows into memory first
            SamplingTask.objects.filter(line__plan=plan, line__campaign__isnull=True)._raw_delete(connection.alias)
            PlanLine.objects.filter(plan=plan, campaign__isnull=True)._raw_delete(connection.alias)
            plan.residents, plan.rate, plan.batches = made["residents"], made["rate"], made["batches"]
            plan.categories, plan.created_by = made["table"], actor if getattr(actor, "pk", None) else None
        else:
            summary["version"] = 1
            plan = SamplingPlan(region=region, year=year, residents=made["residents"], rate=made["rate"],
                                batches=made["batches"], categories=made["table"],
                                created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
        plan.summary = summary
        plan.save()
        insert_rows(PlanLine, ["plan_id", "kind", "category", "township_id", "month", "batches"],
                    [(plan.pk, *line) for line in made["lines"]])  # fmt: skip
        summary["tasks"], summary["unstationed"] = _make_tasks(plan)
        summary["seconds"] = round(time.monotonic() - started, 2)
        plan.summary = summary
        plan.save(update_fields=["summary"])
        audit.record(actor=actor, action="sampling_plan.replan" if before else "sampling_plan.create", obj=plan,
                     region_code=region.code, before=before,
                     after={k: summary[k] for k in ("residents", "rate", "batches", "version", "by_kind", "tasks")})  # fmt: skip
    return plan


def _make_tasks(plan: SamplingPlan) -> tuple[int, int]:
    """One task per line of the plan (not from a campaign), for the station covering the line's township
    (`inspections.selectors.stations.stations_for`): copied from the lines by INSERT ... SELECT, one township at a
    time (the plan's index on plan, township, month serves each)."""
    quote = connection.ops.quote_name
    task, line = SamplingTask._meta, PlanLine._meta

    def col(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    towns = set(PlanLine.objects.filter(plan=plan, campaign__isnull=True).values_list("township_id", flat=True))
    stations = stations_for(towns, within=plan.region_id)
    sql = (
        f"INSERT INTO {quote(task.db_table)} ({col(task, 'line')}, {col(task, 'station')}, {col(task, 'region')}, "
        f"{col(task, 'kind')}, {col(task, 'category')}, {col(task, 'month')}, {col(task, 'batches')}, "
        f"{col(task, 'status')}) SELECT {col(line, 'id')}, %s, {col(line, 'township')}, {col(line, 'kind')}, "
        f"{col(line, 'category')}, %s + {col(line, 'month')}, {col(line, 'batches')}, %s FROM {quote(line.db_table)} "
        f"WHERE {col(line, 'plan')} = %s AND {col(line, 'township')} = %s AND {col(line, 'campaign')} IS NULL"
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(stations.get(town), plan.year * 100, SamplingTask.Status.OPEN, plan.pk, town)
                                 for town in sorted(towns)])  # fmt: skip
    made = SamplingTask.objects.filter(line__plan=plan, line__campaign__isnull=True)
    unstationed = [town for town in towns if not stations.get(town)]
    return made.count(), made.filter(region_id__in=unstationed).count() if unstationed else 0
