"""Risk grading (docs/inspections.md §2): score each operating entity by the scheme in force in its region (static
factors from what the entity is, dynamic factors from what happened, credit in the 2022 variant), band the total
by the scheme's cut-offs and keep the grade (`RiskGrade`: the current row is the entity's band).

    grade_region(actor=None, region_code=, trigger=) -> GradingRun  every operating entity under a region, in bulk
    regrade_entities(entity_ids, *, trigger, actor=None) -> int     a few entities now (after an inspection...)
    adjust_grade(actor=, entity_id=, band=, reason=) -> RiskGrade   a manual band, kept until lifted
    lift_adjustment(actor=, entity_id=, reason=) -> RiskGrade       back to the computed band
    add_scheme_version(actor=, region_code=, valid_from=, reason=, variant=, tables=, bands=, frequency=)

Bulk: entity fields are read in key order (one server-side cursor on PostgreSQL, pages elsewhere), each dynamic
factor is one query for all the entities (the last inspection's outcome here, the other codes from
`shian.inspections.riskfactors` providers), the scores are computed in Python once per distinct input (an entity
without events by its raw fields alone) and only the grades that changed are written (`gradewrites`: a region's
run on PostgreSQL stages small rows and writes set-based at the end; otherwise plain rows page by page; each
distinct factors list is stored once, `RiskFactorSet`), so regrading an unchanged province writes nothing."""

import datetime
import functools
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.core import audit
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, require_in_scope, scope_prefix
from shian.core.ruleversions import check_policy_version, save_policy_version
from shian.entities.models import BusinessType, Entity

from .. import riskfactors
from ..models import Inspection, RiskBand, RiskFactorSet, RiskGrade, RiskScheme
from ..selectors.grading import BANDS, SchemeResolver, entity_for_grading, scheme_for
from .gradewrites import DirectWrites, Score, StagedWrites

ENTITY_FIELDS = ("pk", "region_id", "sub_type", "business_type", "diners", "sales_band")
CHUNK = 20_000
# Who the entity feeds (the `consumers` factor), by sub-type (docs/inspections.md §2).
CONSUMERS = {
    "school_canteen": "students",
    "kindergarten_canteen": "students",
    "school_periphery": "students",
    "elderly_canteen": "elderly",
    "hospital_canteen": "patients",
    "site_canteen": "site_workers",
}
# Canteens and restaurants are sized by their diners, the others by their sales band.
DINERS_TYPES = {BusinessType.CANTEEN, BusinessType.CATERING}
DINERS_PREFIX = "diners_"
NO_SOURCE = "无数据来源"
NO_CREDIT = "暂无信用分类"
TENTH = Decimal("0.1")


def _dec(value) -> Decimal:
    return Decimal(str(value)).quantize(TENTH)


def _can_grade(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "role", None) in STATION)


def _require_station(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not _can_grade(actor):
        raise PermissionDenied(_("只有市场监管部门人员可以调整风险等级。"))


# -- scoring (pure: plain values in, factors out) ---------------------------------------------------------------


def diners_band(diners, points: dict) -> str:
    """The diners band of a canteen or restaurant among the scheme's `diners_<n>` rows: the highest n the
    diners reach ("" when unknown). The cut-offs are the scheme's own keys, so a region's version can add one."""
    if diners is None:
        return ""
    for floor in _floors(tuple(points)):
        if diners >= floor:
            return f"{DINERS_PREFIX}{floor}"
    return ""


@functools.lru_cache(maxsize=64)
def _floors(keys: tuple) -> list[int]:
    return sorted((int(key[len(DINERS_PREFIX) :]) for key in keys if key.startswith(DINERS_PREFIX)), reverse=True)


def static_values(values: dict, scale_points: dict) -> dict[str, str]:
    """The keys an entity's static factors are looked up by: sub_type, scale, consumers."""
    sub_type = values.get("sub_type") or ""
    scale = ""
    if values.get("business_type") in DINERS_TYPES:
        scale = diners_band(values.get("diners"), scale_points)
    scale = scale or values.get("sales_band") or ""
    return {"sub_type": sub_type, "scale": scale, "consumers": CONSUMERS.get(sub_type, "")}


def _table_factor(table: dict, key: str) -> dict:
    points_by = table.get("points", {})
    value = key if key in points_by else ""
    points = min(points_by.get(value, 0), table["max"])
    return {"code": table["code"], "label": table["label"], "value": key, "points": points, "max": table["max"]}


def score(scheme_tables: dict, values: dict, dynamic: dict[str, object]) -> tuple[list[dict], dict[str, Decimal]]:
    """(factors, {"static", "dynamic", "credit", "total"}) of one entity. `dynamic` maps each dynamic code to the
    last inspection's outcome ("inspection"), an event count, or None when no module provides it."""
    return _score_keys(scheme_tables, static_values(values, _scale_points(scheme_tables)), dynamic)


def _scale_points(scheme_tables: dict) -> dict:
    return next((t.get("points", {}) for t in scheme_tables.get("static", []) if t.get("by") == "scale"), {})


def _score_keys(scheme_tables: dict, keys: dict, dynamic: dict) -> tuple[list[dict], dict[str, Decimal]]:
    factors = []
    statics = scheme_tables.get("static", [])
    for table in statics:
        factors.append({**_table_factor(table, keys.get(table.get("by"), "")), "part": "static"})
    for table in scheme_tables.get("dynamic", []):
        got = dynamic.get(table["code"])
        entry = {"code": table["code"], "label": table["label"], "max": table["max"], "part": "dynamic"}
        if "points" in table:  # the last inspection's outcome
            entry.update(value=got or "", points=min(table["points"].get(got or "", 0), table["max"]))
        elif got is None:
            entry.update(value=0, points=0, note=NO_SOURCE)
        else:
            entry.update(value=got, points=min(got * table.get("per_event", 0), table["max"]))
        factors.append(entry)
    for table in scheme_tables.get("credit", []):  # the credit class from `dynamic` (else the table's "" row)
        got = dynamic.get(table.get("by", "")) or ""
        factors.append({**_table_factor(table, got), "part": "credit", **({} if got else {"note": NO_CREDIT})})
    sums = {part: _dec(sum(f["points"] for f in factors if f["part"] == part)) for part in ("static", "dynamic")}
    sums["credit"] = _dec(sum(f["points"] for f in factors if f["part"] == "credit"))
    sums["total"] = sums["static"] + sums["dynamic"] + sums["credit"]
    for f in factors:
        if isinstance(f["points"], float) and f["points"].is_integer():
            f["points"] = int(f["points"])
    return factors, sums


def band_of(total, bands: dict) -> str:
    """The band of a total by the scheme's cut-offs: up to bands["A"] is A, up to "B" B, up to "C" C, else D."""
    for band in BANDS[:-1]:
        if band in bands and Decimal(str(total)) <= Decimal(str(bands[band])):
            return band
    return BANDS[-1]


# -- the grading run --------------------------------------------------------------------------------------------


@dataclass
class GradingRun:
    entities: int = 0
    graded: int = 0  # new grade rows written (changed or first grades)
    bands: dict = field(default_factory=lambda: {b: 0 for b in BANDS})
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"entities": self.entities, "graded": self.graded, "bands": self.bands, "seconds": self.seconds}


def _dynamic_inputs(schemes, *, entity_ids, prefix: str, today: datetime.date) -> dict[str, dict]:
    """code -> {entity_id: outcome or count}, one query per dynamic factor for all the entities; a code with no
    provider maps to None (scored 0, "无数据来源")."""
    windows: dict[str, int] = {}
    for scheme in schemes:
        for table in scheme.tables.get("dynamic", []):
            windows[table["code"]] = max(windows.get(table["code"], 0), int(table.get("window_days", 0)))
    inputs: dict[str, dict | None] = {}
    for code, window in windows.items():
        since = today - datetime.timedelta(days=window)
        if code == "inspection":
            inputs[code] = _last_outcomes(entity_ids=entity_ids, prefix=prefix, since=since)
            continue
        provider = riskfactors.provider_for(code)
        inputs[code] = None if provider is None else provider(entity_ids, since, prefix)
    for scheme in schemes:  # credit tables (2022 variant): the class a registered provider gives (issue 22, credit)
        for table in scheme.tables.get("credit", []):
            by, provider = table.get("by", ""), riskfactors.provider_for(table.get("by", ""))
            if by and by not in inputs and provider is not None:
                inputs[by] = provider(entity_ids, today, prefix)
    return inputs


def _last_outcomes(*, entity_ids, prefix: str, since: datetime.date) -> dict[int, tuple]:
    """entity id -> (day, id, outcome) of its latest signed inspection since `since` (one query; one per chunk
    of ids when given ids)."""
    qs = Inspection.objects.filter(inspected_on__gte=since)
    queries = (
        [qs.filter(entity_id__in=chunk) for chunk in chunked(entity_ids)]
        if entity_ids is not None
        else [narrow_to(qs, prefix)]
    )
    latest: dict[int, tuple] = {}
    for query in queries:
        rows = query.values_list("entity_id", "inspected_on", "pk", "outcome").order_by()
        for entity_id, day, pk, outcome in rows.iterator(chunk_size=CHUNK):
            if entity_id not in latest or (day, pk) > latest[entity_id][:2]:
                latest[entity_id] = (day, pk, outcome)
    return latest


def _dynamic_for(entity_id: int, scheme: RiskScheme, inputs: dict, today: datetime.date, quiet=None) -> dict:
    """The dynamic inputs of one entity; `quiet` (the inputs of an entity with no events) is returned as is when
    no source has anything on this entity."""
    if quiet is not None and not any(got and entity_id in got for got in inputs.values()):
        return quiet
    out: dict[str, object] = {}
    for table in scheme.tables.get("dynamic", []):
        got = inputs.get(table["code"])
        if table["code"] == "inspection":
            last = (got or {}).get(entity_id)
            since = today - datetime.timedelta(days=int(table.get("window_days", 0)))
            out["inspection"] = last[2] if last and last[0] >= since else ""
        else:
            out[table["code"]] = None if got is None else int(got.get(entity_id, 0))
    for table in scheme.tables.get("credit", []):  # the entity's credit class, when a provider is registered
        if inputs.get(table.get("by", "")) is not None:
            out[table["by"]] = inputs[table["by"]].get(entity_id, "")
    return out


_CURRENT_FIELDS = ("pk", "entity_id", "scheme_id", "static_score", "dynamic_score", "credit_score", "computed_band",
                   "band", "factor_set_id", "manual", "reason")  # fmt: skip


class _Scorer:
    """Scores memoised by their inputs: most entities share a scheme, a category, a scale and no events, so a
    province is a few thousand distinct computations (`Score`, numbered); the stored factor sets are read once
    each and compared once per (set, score). An entity without events is looked up by its raw fields alone
    (`quiet`)."""

    def __init__(self):
        self._scores: dict[tuple, Score] = {}
        self._quiet: dict[tuple, Score] = {}
        self._sets: dict[int, list] = {}
        self._same: dict[tuple, bool] = {}
        self._scale: dict[int, dict] = {}

    def score(self, scheme: RiskScheme, values: tuple, dynamic: dict) -> Score:
        """`values`: the entity's ENTITY_FIELDS."""
        if scheme.pk not in self._scale:
            self._scale[scheme.pk] = _scale_points(scheme.tables)
        keys = static_values(dict(zip(ENTITY_FIELDS, values, strict=True)), self._scale[scheme.pk])
        key = (scheme.pk, keys["sub_type"], keys["scale"], tuple(dynamic.items()))
        found = self._scores.get(key)
        if found is None:
            factors, sums = _score_keys(scheme.tables, keys, dynamic)
            found = self._scores[key] = Score(
                number=len(self._scores), scheme_id=scheme.pk, factors=factors, sums=sums,
                computed=band_of(sums["total"], scheme.bands),
            )  # fmt: skip
        return found

    def quiet(self, scheme: RiskScheme, scheme_id: int, values: tuple, dynamic: dict) -> Score:
        """The score of an entity no dynamic source has anything on (`dynamic`: the scheme's quiet inputs)."""
        key = (scheme_id, *values[2:])
        found = self._quiet.get(key)
        if found is None:
            found = self._quiet[key] = self.score(scheme, values, dynamic)
        return found

    def read_sets(self, current: dict[int, dict]) -> None:
        """Read the factor sets of these current grades that were not read yet (one query; none once a run has
        met its few sets)."""
        wanted = {row["factor_set_id"] for row in current.values()} - self._sets.keys()
        for chunk in chunked(sorted(wanted)):
            self._sets.update(RiskFactorSet.objects.filter(pk__in=chunk).values_list("pk", "factors"))

    def same_factors(self, factor_set_id: int, score: Score) -> bool:
        """Whether the stored set lists the score's factors (`read_sets` first)."""
        key = (factor_set_id, score.number)
        if key not in self._same:
            self._same[key] = self._sets[factor_set_id] == score.factors
        return self._same[key]


def _pages(entities, *, stream: bool):
    """The entities' ENTITY_FIELDS tuples in key order, in lists of CHUNK. `stream`: one server-side cursor
    (PostgreSQL, when the writes in between go to temporary tables); else each page its own query, so the writes
    between pages never disturb an open cursor."""
    rows = entities.order_by("pk").values_list(*ENTITY_FIELDS)
    if stream:
        page = []
        for row in rows.iterator(chunk_size=CHUNK):
            page.append(row)
            if len(page) == CHUNK:
                yield page
                page = []
        if page:
            yield page
        return
    last = 0
    while True:
        page = list(rows.filter(pk__gt=last)[:CHUNK])
        if not page:
            return
        yield page
        last = page[-1][0]


def _current_grades(page: list) -> dict[int, dict]:
    """The current grades of a page's entities (pages are in key order: a range reads them without a 20,000-item
    IN list)."""
    first, last = page[0][0], page[-1][0]
    rows = RiskGrade.objects.filter(entity_id__gte=first, entity_id__lte=last, is_current=True).values(*_CURRENT_FIELDS)
    if len(page) == last - first + 1:  # no gaps: every row in the range is the page's
        return {row["entity_id"]: row for row in rows}
    wanted = {values[0] for values in page}
    return {row["entity_id"]: row for row in rows if row["entity_id"] in wanted}


def _unchanged(old: dict, score: Score, scorer: _Scorer) -> bool:
    sums = score.sums
    return (
        old["scheme_id"] == score.scheme_id
        and old["static_score"] == sums["static"]
        and old["dynamic_score"] == sums["dynamic"]
        and old["credit_score"] == sums["credit"]
        and old["computed_band"] == score.computed
        and scorer.same_factors(old["factor_set_id"], score)
    )


def _grade(entities, *, prefix: str, entity_ids, trigger: str, actor, run: GradingRun) -> None:
    """Grade the entities of the queryset `entities`, page by page, and write what changed (a region's run on
    PostgreSQL through staging tables, set-based at the end; otherwise page by page: `gradewrites`)."""
    today = timezone.localdate()
    resolver = SchemeResolver(today)
    inputs = _dynamic_inputs(resolver.schemes(), entity_ids=entity_ids, prefix=prefix, today=today)
    eventful = set().union(*(got for got in inputs.values() if got))
    graded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    staged = entity_ids is None and connection.vendor == "postgresql"
    writes = (StagedWrites if staged else DirectWrites)(trigger=trigger, graded_by=graded_by, graded_at=timezone.now())
    scorer, quiet, schemes, bands = _Scorer(), {}, {}, run.bands
    for page in _pages(entities, stream=staged):
        run.entities += len(page)
        current = _current_grades(page)
        scorer.read_sets(current)
        for values in page:
            pk, region_id = values[0], values[1]
            if region_id in schemes:
                scheme, scheme_id = schemes[region_id]
            else:
                scheme = resolver.scheme(region_id)
                scheme_id = None if scheme is None else scheme.pk
                schemes[region_id] = scheme, scheme_id
            if scheme is None:
                continue
            if pk in eventful:
                score = scorer.score(scheme, values, _dynamic_for(pk, scheme, inputs, today))
            else:
                if scheme_id not in quiet:
                    quiet[scheme_id] = _dynamic_for(-1, scheme, inputs, today)  # no entity has id -1
                score = scorer.quiet(scheme, scheme_id, values, quiet[scheme_id])
            old = current.get(pk)
            if old is None:
                bands[score.computed] = bands.get(score.computed, 0) + 1
                writes.add(pk, score, band=score.computed, manual=False, reason="", stale=None)
                continue
            manual = old["manual"]
            band = old["band"] if manual else score.computed
            bands[band] = bands.get(band, 0) + 1
            if _unchanged(old, score, scorer):
                continue
            writes.add(pk, score, band=band, manual=manual, reason=old["reason"] if manual else "", stale=old["pk"])
        writes.flush()
    writes.finish()
    run.graded += writes.written


def grade_region(*, actor=None, region_code: str | None = None, trigger: str = "run") -> GradingRun:
    """Grade every operating entity under `region_code` (an actor grades only inside its jurisdiction; no actor:
    the system, e.g. the command or the scheduler). One audit entry for the run."""
    started = time.monotonic()
    prefix = (region_code or "").strip()
    if actor is not None:
        _require_station(actor)
        own = scope_prefix(actor)
        prefix = prefix or own or ""
        require_in_scope(actor, prefix)
    run = GradingRun()
    entities = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), prefix)
    with transaction.atomic():
        _grade(entities, prefix=prefix, entity_ids=None, trigger=trigger, actor=actor, run=run)
        run.seconds = round(time.monotonic() - started, 2)
        audit.record(
            actor=actor, action="risk.grade", object_type="inspections.riskgrade", region_code=prefix,
            after={**run.as_dict(), "trigger": trigger},
        )  # fmt: skip
    return run


def _lock(entity_ids) -> None:
    """Lock the entities' rows (in key order) before their grades are read: one regrade or adjustment of an entity
    at a time, the second reading what the first wrote (PostgreSQL; SQLite writes one at a time anyway)."""
    for chunk in chunked(entity_ids):
        list(Entity.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk").values_list("pk"))


def regrade_entities(entity_ids, *, trigger: str, actor=None) -> int:
    """Regrade these entities now (after an inspection, a failed sample...); returns how many were graded (new
    grade rows: an unchanged grade writes nothing). Callers have already checked who may act on the entities."""
    ids = sorted({int(pk) for pk in entity_ids})
    if not ids:
        return 0
    run = GradingRun()
    with transaction.atomic():
        _lock(ids)
        entities = Entity.objects.filter(pk__in=ids, status=Entity.Status.OPERATING)
        _grade(entities, prefix="", entity_ids=ids, trigger=trigger, actor=actor, run=run)
        if run.graded:
            audit.record(
                actor=actor, action="risk.grade", object_type="inspections.riskgrade",
                object_id=str(ids[0]) if len(ids) == 1 else "", region_code="",
                after={"entities": ids[:100], "graded": run.graded, "trigger": trigger},
            )  # fmt: skip
    return run.graded


# -- manual adjustment ------------------------------------------------------------------------------------------


def _current(entity: Entity, actor) -> RiskGrade:
    """The entity's current grade, graded now if it has none."""
    grade = RiskGrade.objects.select_for_update().filter(entity=entity, is_current=True).first()
    if grade is None:
        regrade_entities([entity.pk], trigger="adjust", actor=actor)
        grade = RiskGrade.objects.select_for_update().filter(entity=entity, is_current=True).first()
    if grade is None:
        raise ValidationError(_("该主体不在营或本区划没有适用的风险分级评分表，无法调整。"))
    return grade


def _replace(old: RiskGrade, **changes) -> RiskGrade:
    RiskGrade.objects.filter(entity_id=old.entity_id, is_current=True).update(is_current=False)
    fields = {f.attname: getattr(old, f.attname) for f in RiskGrade._meta.concrete_fields if not f.primary_key}
    fields.update(changes, is_current=True, graded_at=timezone.now())
    return RiskGrade.objects.create(**fields)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调整理由。")]})
    if len(reason) > RiskGrade._meta.get_field("reason").max_length:
        raise ValidationError({"reason": [_("调整理由不超过 300 字。")]})
    return reason


@transaction.atomic
def adjust_grade(*, actor, entity_id: int, band: str, reason: str) -> RiskGrade:
    """Set an entity's band by hand, with a reason: automatic regrading keeps it (recording the computed band
    beside it) until `lift_adjustment`."""
    _require_station(actor)
    entity = entity_for_grading(user=actor, entity_id=entity_id)
    require_in_scope(actor, entity.region_id)
    errors = {}
    if band not in RiskBand.values:
        errors["band"] = [_("风险等级应为 A、B、C、D 之一。")]
    try:
        reason = _reason(reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _lock([entity.pk])
    old = _current(entity, actor)
    grade = _replace(old, band=band, manual=True, reason=reason, trigger="adjust", graded_by_id=actor.pk)
    audit.record(
        actor=actor, action="risk.adjust", obj=entity, region_code=entity.region_id,
        before={"band": old.band, "manual": old.manual, "computed_band": old.computed_band},
        after={"band": band, "manual": True, "reason": reason},
    )  # fmt: skip
    return grade


@transaction.atomic
def lift_adjustment(*, actor, entity_id: int, reason: str) -> RiskGrade:
    """End a manual band: the entity goes back to its computed band, and later regrading sets it again."""
    _require_station(actor)
    entity = entity_for_grading(user=actor, entity_id=entity_id)
    require_in_scope(actor, entity.region_id)
    reason = _reason(reason)
    _lock([entity.pk])
    old = RiskGrade.objects.select_for_update().filter(entity=entity, is_current=True).first()
    if old is None or not old.manual:
        raise ValidationError(_("该主体的风险等级没有人工调整，无需取消。"))
    grade = _replace(old, band=old.computed_band, manual=False, reason=reason, trigger="lift", graded_by_id=actor.pk)
    audit.record(
        actor=actor, action="risk.lift", obj=entity, region_code=entity.region_id,
        before={"band": old.band, "manual": True, "reason": old.reason},
        after={"band": grade.band, "manual": False, "reason": reason},
    )  # fmt: skip
    regrade_entities([entity.pk], trigger="lift", actor=actor)
    return RiskGrade.objects.get(entity=entity, is_current=True)


# -- scheme versions --------------------------------------------------------------------------------------------

STATIC_TOTAL = {"2016": 40, "2022": 40}  # the static part's ceiling in both variants (docs/inspections.md §2)


def scheme_errors(*, tables, bands, frequency, variant: str) -> dict[str, list[str]]:
    """What is wrong with a scheme version's tables: each factor has code, label and max; the static maxima sum
    to 40; the band cut-offs ascend; a minimum inspections per band."""
    errors: dict[str, list[str]] = {}
    problems = []
    if not isinstance(tables, dict) or not isinstance(tables.get("static"), list):
        problems.append(_("评分表应为 JSON 对象，含 static、dynamic（及 credit）三个列表。"))
    else:
        for part in ("static", "dynamic", "credit"):
            rows = tables.get(part, [])
            if not isinstance(rows, list):
                problems.append(_("评分表的 %(part)s 应为列表。") % {"part": part})
                continue
            for n, row in enumerate(rows, start=1):
                where = {"part": part, "n": n}
                if not isinstance(row, dict):
                    problems.append(_("%(part)s 第 %(n)d 项格式不正确。") % where)
                    continue
                if not str(row.get("code") or "").strip():
                    problems.append(_("%(part)s 第 %(n)d 项缺少编码（code）。") % where)
                if not str(row.get("label") or "").strip():
                    problems.append(_("%(part)s 第 %(n)d 项缺少名称（label）。") % where)
                top = row.get("max")
                if not isinstance(top, (int, float)) or isinstance(top, bool) or top <= 0:
                    problems.append(_("%(part)s 第 %(n)d 项的满分（max）应为正数。") % where)
                points = row.get("points")
                if points is not None and (
                    not isinstance(points, dict)
                    or any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in points.values())
                ):
                    problems.append(_("%(part)s 第 %(n)d 项的分值（points）应为“取值: 分数”。") % where)
                if part == "dynamic" and points is None and not isinstance(row.get("per_event"), (int, float)):
                    problems.append(_("dynamic 第 %(n)d 项应给出每次事件分值（per_event）或分值表（points）。") % where)
        if not problems:
            total = sum(row["max"] for row in tables["static"])
            expected = STATIC_TOTAL.get(variant, 40)
            if total != expected:
                problems.append(_("静态风险各项满分之和应为 %(e)s，现为 %(t)s。") % {"e": expected, "t": total})
    if problems:
        errors["tables"] = problems
    if not isinstance(bands, dict) or set(bands) != set(BANDS[:-1]):
        errors["bands"] = [_('分级分值应为 A、B、C 三级的分数上限，例如 {"A": 30, "B": 45, "C": 60}。')]
    elif any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in bands.values()):
        errors["bands"] = [_("分级分值应为数字。")]
    elif not bands["A"] < bands["B"] < bands["C"]:
        errors["bands"] = [_("分级分值应逐级递增（A < B < C）。")]
    if not isinstance(frequency, dict) or set(frequency) != set(BANDS):
        errors["frequency"] = [_('各级最低检查频次须为 A、B、C、D 每级填写，例如 {"A": {"min": 1, "per_years": 1}}。')]
    elif any(
        not isinstance(v, dict) or not isinstance(v.get("min"), int) or isinstance(v.get("min"), bool) or v["min"] < 0
        for v in frequency.values()
    ):
        errors["frequency"] = [_("各级最低检查频次的 min 应为非负整数。")]
    return errors


@transaction.atomic
def add_scheme_version(
    *, actor, region_code: str | None, valid_from, reason: str, variant: str | None = None, tables=None, bands=None,
    frequency=None, confirm_past: bool = False,
) -> RiskScheme:  # fmt: skip
    """A new version of the risk-grading scheme for a region from `valid_from`; a part left out is copied from the
    version in force there. The shared checks are the rule store's (core.ruleversions)."""
    region, version, reason, errors = check_policy_version(
        actor=actor, model=RiskScheme, region_code=region_code, valid_from=valid_from, reason=reason,
        confirm_past=confirm_past,
    )  # fmt: skip
    current = scheme_for(region_code or "", valid_from)
    variant = variant or getattr(current, "variant", RiskScheme.Variant.V2016)
    if variant not in RiskScheme.Variant.values:
        errors["variant"] = [_("评分办法应为 2016 或 2022。")]
    if current is not None and current.variant != variant:
        current = RiskScheme.objects.filter(variant=variant, region__isnull=True).order_by("-version").first()
    parts = {
        "tables": tables if tables is not None else getattr(current, "tables", {}),
        "bands": bands if bands is not None else getattr(current, "bands", {}),
        "frequency": frequency if frequency is not None else getattr(current, "frequency", {}),
    }
    errors.update(scheme_errors(variant=variant, **parts))
    if errors:
        raise ValidationError(errors)
    return save_policy_version(
        actor=actor, model=RiskScheme, current=current, action="risk.scheme_version", region_code=region_code,
        fields={"region": region, "variant": variant, "version": version, "valid_from": valid_from, "note": reason,
                "source": getattr(current, "source", ""), "created_by": actor, **parts},
        busy=_("风险分级评分表刚被他人修订，请刷新后重试。"),
    )  # fmt: skip
