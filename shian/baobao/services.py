"""Writes to the cadre roster: identity and level checked against the region tree, in scope, audited."""

import datetime
import math
import operator
import time
from collections import Counter, defaultdict
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, region_under, require_in_scope
from shian.core.models import DeadlineRule
from shian.core.permissions import require_perm
from shian.core.validation import full_clean_as, reject_unknown
from shian.core.workdays import compute_due
from shian.entities import validators
from shian.entities.models import Entity
from shian.regions.models import Region

from . import grading, matching
from .models import (
    REGION_LEVEL_OF,
    Assignment,
    AssignmentRun,
    Cadre,
    CadreLevel,
    Change,
    Commitment,
    EntityGrade,
    Guarantee,
    Policy,
)

CADRE_FIELDS = (
    "name", "id_number", "phone", "level", "position", "department_code", "region_code", "is_regulator", "capacity",
)  # fmt: skip
_AUDITED = ["id", "name", "level", "position", "department", "region", "is_regulator", "capacity", "status", "user"]


def _clean(*, actor, data: dict, cadre: Cadre | None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("请填写姓名。")]
    for field, check in (("id_number", validators.validate_resident_id), ("phone", validators.validate_phone)):
        if data.get(field):
            try:
                out[field] = check(data[field])
            except ValidationError as exc:
                errors[field] = exc.messages
    if out.get("id_number") and "id_number" not in errors:
        clash = Cadre.objects.filter(id_number=out["id_number"]).exclude(pk=getattr(cadre, "pk", None))
        if clash.exists():
            errors["id_number"] = [_("该身份证号已登记为包保干部。")]
    level = data.get("level", getattr(cadre, "level", ""))
    if level not in CadreLevel.values:
        errors["level"] = [_("包保层级应为市级、县级、乡级或村级。")]
    code = data.get("region_code", getattr(cadre, "region_id", None))
    region = Region.objects.filter(code=code or "").first()
    if region is None:
        errors["region_code"] = [_("区划代码不存在：%(code)s") % {"code": code}]
    else:
        require_in_scope(actor, region.code)
        if level in CadreLevel.values and region.level != REGION_LEVEL_OF[level]:
            errors["region_code"] = [
                _("%(level)s干部的所属区划应为%(region_level)s级区划。")
                % {"level": CadreLevel(level).label, "region_level": Region.Level(REGION_LEVEL_OF[level]).label}
            ]
        out["region"] = region
    out.pop("region_code", None)
    if "department_code" in out:
        out["department_id"] = out.pop("department_code") or None
    if errors:
        raise ValidationError(errors)
    return out


def _save(cadre: Cadre, values: dict) -> Cadre:
    for field, value in values.items():
        setattr(cadre, field, value)
    full_clean_as(cadre, exclude=["region"], rename={"department": "department_code"})
    cadre.save()
    return cadre


@transaction.atomic
def create_cadre(*, actor, **data) -> Cadre:
    require_perm(actor, "baobao.manage_cadres")
    reject_unknown(data, CADRE_FIELDS)
    cadre = _save(Cadre(), _clean(actor=actor, data=data, cadre=None))
    snap = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.create", obj=cadre, region_code=cadre.region_id, after=snap)
    return cadre


@transaction.atomic
def update_cadre(*, actor, cadre: Cadre, **changes) -> Cadre:
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, cadre.region_id)
    reject_unknown(changes, CADRE_FIELDS)
    before = audit.snapshot(cadre, fields=_AUDITED)
    _save(cadre, _clean(actor=actor, data=changes, cadre=cadre))
    after = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.update", obj=cadre, region_code=cadre.region_id, before=before, after=after)
    return cadre


@transaction.atomic
def record_cadre_left(*, actor, cadre: Cadre, left_on) -> Cadre:
    """A cadre leaves: kept on the roster for history; the engine reassigns their entities (docs/domain.md §4.5), and a
    cadre_left change starts the report and reassignment clocks (settled at once when they guarantee nobody)."""
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, cadre.region_id)
    before = audit.snapshot(cadre, fields=_AUDITED)
    cadre.status, cadre.left_on = Cadre.Status.LEFT, left_on
    cadre.save(update_fields=["status", "left_on", "updated_at"])
    if not Change.objects.filter(kind=Change.Kind.CADRE_LEFT, cadre=cadre, resolved_at=None).exists():
        now = timezone.now()
        change = _Deadlines().change(
            kind=Change.Kind.CADRE_LEFT, cadre_id=cadre.pk, region_id=cadre.region_id, occurred_on=left_on, now=now
        )
        change.resolved_at = None if cadre.guarantees.exists() else now
        change.save()
    after = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.left", obj=cadre, region_code=cadre.region_id, before=before, after=after)
    return cadre


@transaction.atomic
def confirm_commitment(*, actor, cadre: Cadre, year: int) -> Commitment:
    """The cadre (or an administrator for them) confirms the year's 承诺书: timestamped, once, audited."""
    require_in_scope(actor, cadre.region_id)
    if cadre.user_id != actor.pk:
        require_perm(actor, "baobao.manage_cadres")
    existing = Commitment.objects.filter(cadre=cadre, year=year).first()
    if existing is not None:
        return existing
    commitment = Commitment.objects.create(
        cadre=cadre,
        year=year,
        confirmed_at=timezone.now(),
        confirmed_by=actor,
        entity_count=cadre.guarantees.count(),
    )
    audit.record(
        actor=actor,
        action="commitment.confirm",
        obj=commitment,
        region_code=cadre.region_id,
        after=audit.snapshot(commitment),
    )
    return commitment


# --- grading -------------------------------------------------------------------------------------------


def _scope_region(actor, region_code: str | None) -> str:
    prefix = region_code or actor.region_id or ""
    if not prefix and not actor.is_superuser:
        raise ValidationError({"region_code": [_("请指定区划。")]})
    if prefix:
        require_in_scope(actor, prefix)
    return prefix


def grade_entities(*, actor, region_code: str | None = None) -> dict[str, int]:
    """Grade every active entity under the region by its county's policy; overrides stand. One audit batch."""
    require_perm(actor, "baobao.manage_cadres")
    prefix = _scope_region(actor, region_code)
    entities = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
    overrides = dict(
        narrow_to(EntityGrade.objects.exclude(override_grade=""), prefix, "entity__region").values_list(
            "entity_id", "override_grade"
        )
    )
    policies: dict[str, Policy] = {}
    rows, by_grade = [], defaultdict(list)
    for values in entities.values("pk", "region_id", *grading.ENTITY_FIELDS).iterator(chunk_size=5000):
        county = values["region_id"][:6]
        policy = policies.get(county) or policies.setdefault(county, grading.policy_for(county))
        grade, fired = grading.evaluate(policy.grade_rules, values)
        rows.append(EntityGrade(entity_id=values["pk"], computed_grade=grade, fired=fired, policy=policy))
        by_grade[overrides.get(values["pk"], grade)].append(values["pk"])
    with transaction.atomic():
        EntityGrade.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["entity"],
            update_fields=["computed_grade", "fired", "policy", "graded_at"],
        )
        for grade, ids in by_grade.items():
            for chunk in chunked(ids, 20_000):
                Entity.objects.filter(pk__in=chunk).update(baobao_grade=grade)
        counts = {grade: len(by_grade.get(grade, [])) for grade in grading.GRADES}
        audit.record(
            actor=actor,
            action="baobao.grade",
            object_type="entities.entity",
            region_code=prefix,
            after={"counts": counts, "policies": sorted({p.pk for p in policies.values()})},
        )
    return counts


@transaction.atomic
def override_grade(*, actor, entity: Entity, grade: str, reason: str) -> EntityGrade:
    """A manual grade needs a reason; it stands through later gradings until cleared (grade "")."""
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, entity.region_id)
    if grade and grade not in grading.GRADES:
        raise ValidationError({"grade": [_("包保等级应为 A、B、C、D 之一。")]})
    if grade and not (reason or "").strip():
        raise ValidationError({"reason": [_("人工调整等级须填写理由。")]})
    record = EntityGrade.objects.filter(entity=entity).first()
    if record is None:
        policy = grading.policy_for(entity.region_id)
        computed, fired = grading.evaluate(policy.grade_rules, {f: getattr(entity, f) for f in grading.ENTITY_FIELDS})
        record = EntityGrade(entity=entity, computed_grade=computed, fired=fired, policy=policy)
    before = {"grade": entity.baobao_grade, "override_reason": record.override_reason}
    record.override_grade, record.override_reason = grade, (reason or "").strip() if grade else ""
    record.overridden_by = actor if grade else None
    record.save()
    entity.baobao_grade = record.grade
    entity.save(update_fields=["baobao_grade", "updated_at"])
    after = {"grade": entity.baobao_grade, "override_reason": record.override_reason}
    audit.record(
        actor=actor,
        action="baobao.grade_override",
        obj=entity,
        region_code=entity.region_id,
        before=before,
        after=after,
    )
    return record


# --- assignment ----------------------------------------------------------------------------------------


def _pieces(prefix: str) -> list[str]:
    """Solve a province (or the country) city by city: cadres never cross a city, so the pieces are exact."""
    if len(prefix) >= 4:
        return [prefix]
    return list(
        Region.objects.filter(level=Region.Level.CITY, code__startswith=prefix)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _piece_cadres(piece: str) -> Q:
    """Active cadres who can serve in a piece: its city's leaders and every cadre inside it."""
    return Q(status=Cadre.Status.ACTIVE) & (Q(region_id=piece[:4]) | region_under(Cadre, "region", piece))


def _stale(policy: Policy) -> Q:
    """Guarantees that no longer hold (docs/domain.md §4.5): the entity closed, the cadre left, the grade now calls for
    another level, the cadre's region no longer contains the entity, or the department no longer matches."""
    wrong = Q(entity__status=Entity.Status.DEREGISTERED) | ~Q(cadre__status=Cadre.Status.ACTIVE)
    wrong |= ~Q(entity__region__code__startswith=F("cadre__region__code"))
    for grade, level in policy.level_for_grade.items():
        wrong |= Q(entity__baobao_grade=grade) & ~Q(cadre__level=level)
    for sub_type, department in policy.department_match.items():
        wrong |= Q(entity__sub_type=sub_type) & ~Q(cadre__department_id=department)
    return wrong


_ITEM_FIELDS = ("pk", "baobao_grade", "region_id", "sub_type", "longitude", "latitude")


def _solve_piece(piece: str, *, incremental: bool, baseline: bool = False) -> dict:
    """One city (or smaller region): a full solve places every active entity; an incremental one keeps every
    guarantee that still holds and places only new entities and those whose guarantee went stale, against the
    capacity the kept guarantees leave. Returns what to persist (changed pairs only when incremental)."""
    policy = grading.policy_for(piece)
    level_for_grade, match = policy.level_for_grade, policy.department_match
    active = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), piece)
    current = narrow_to(Guarantee.objects.all(), piece, "entity__region")
    cadre_rows = list(
        Cadre.objects.filter(_piece_cadres(piece)).values_list(
            "pk", "level", "region_id", "department_id", "capacity", "is_regulator"
        )
    )
    serving = Guarantee.objects.filter(cadre__status=Cadre.Status.ACTIVE).filter(
        Q(cadre__region_id=piece[:4]) | region_under(Guarantee, "cadre__region", piece)
    )
    if incremental:
        # the stale filter is costly on a million guarantees: run it once, then work from its ids
        previous = dict(current.filter(_stale(policy)).values_list("entity_id", "cadre_id"))
        rows = list(active.filter(guarantee__isnull=True).values_list(*_ITEM_FIELDS))
        for chunk in chunked(previous):
            rows += active.filter(pk__in=chunk).values_list(*_ITEM_FIELDS)
        load = Counter(dict(serving.values_list("cadre_id").annotate(n=Count("pk")).order_by()))
        load.subtract(previous.values())  # stale guarantees free their cadre's place
    else:
        rows = list(active.values_list(*_ITEM_FIELDS))
        previous = dict(current.values_list("entity_id", "cadre_id"))
        # a city cadre's load from the rest of the city, when the piece is smaller than a city
        outside = serving.exclude(entity_id__in=current.values("entity_id"))
        load = dict(outside.values_list("cadre_id").annotate(n=Count("pk")).order_by())
    seats = [
        matching.Seat(
            pk,
            level,
            region,
            dept,
            max(0, (cap or policy.capacity.get(level, 0)) - load.get(pk, 0)),
            working=incremental and load.get(pk, 0) > 0,
        )
        for pk, level, region, dept, cap, _reg in cadre_rows
    ]
    items, ungraded = [], []
    for pk, grade, region, sub_type, lng, lat in rows:
        if not grade:
            ungraded.append(pk)
            continue
        x, y = (float(lng), float(lat)) if lng is not None and lat is not None else (None, None)
        items.append(matching.Item(pk, grade, region, match.get(sub_type), x, y))
    problem = matching.Problem(items, seats, level_for_grade, previous)
    result = problem.solve()
    greedy = problem.greedy() if baseline else None
    regulators = defaultdict(list)
    for pk, level, region, _dept, _cap, is_regulator in cadre_rows:
        if is_regulator and level == "township":
            regulators[region].append(pk)
    changed = {pk: c for pk, c in result.chosen.items() if previous.get(pk) != c}
    dropped = [pk for pk in previous if pk not in result.chosen]
    entities = active.count() if incremental else len(rows)
    return {
        "persist": changed if incremental else result.chosen,
        "dropped": dropped,
        "entities": entities,
        "assigned": entities - len(result.unassigned) - len(ungraded),
        "changed": len(changed) + len(dropped),
        "costs": result.costs,
        "regulators": regulators,
        "regions": {pk: region for pk, _g, region, *_rest in rows},
        "grades": {pk: grade for pk, grade, *_rest in rows},
        "unassigned": {**result.unassigned, **{pk: "ungraded" for pk in ungraded}},
        "objective": result.objective,
        "greedy": greedy,
        "cadres": len(cadre_rows),
        "level_for_grade": level_for_grade,
        "fallback": {pk for pk, cost in result.costs.items() if cost >= matching.FALLBACK_COST},
        "capacity": policy.capacity,
    }


_REASONS = {  # lazy: looked up in the language of the request that runs the match
    "capacity": gettext_lazy("%(region)s：%(n)d 个 %(grade)s 级主体无可用%(level)s干部，缺口 %(missing)d 人"),
    "level": gettext_lazy("%(region)s：%(n)d 个 %(grade)s 级主体所在区划没有%(level)s干部，缺口 %(missing)d 人"),
    "department": gettext_lazy(
        "%(region)s：%(n)d 个 %(grade)s 级主体须由行业主管部门干部包保，本级无对应部门干部，缺口 %(missing)d 人"
    ),
    "ungraded": gettext_lazy("%(region)s：%(n)d 个主体尚未分级，请先运行分级"),
    "fallback": gettext_lazy(
        "%(region)s：%(n)d 个 %(grade)s 级主体因%(level)s干部不足由上一级干部兜底，缺口 %(missing)d 人"
    ),
}


def _shortages(solved: dict) -> list[dict]:
    groups = defaultdict(int)
    flagged = [(pk, reason) for pk, reason in solved["unassigned"].items()] + [
        (pk, "fallback") for pk in solved["fallback"]
    ]
    for pk, reason in flagged:
        grade = solved["grades"].get(pk) or "-"
        level = solved["level_for_grade"].get(grade, "village")
        code = solved["regions"][pk][: matching.CODE_LENGTH[level]]
        groups[(code, grade, level, reason)] += 1
    names = dict(Region.objects.filter(code__in={g[0] for g in groups}).values_list("code", "name"))
    out = []
    for (code, grade, level, reason), n in sorted(groups.items()):
        missing = math.ceil(n / max(1, solved["capacity"].get(level, 1)))
        params = {
            "region": names.get(code, code),
            "n": n,
            "grade": grade,
            "level": CadreLevel(level).label,
            "missing": missing,
        }
        out.append(
            {
                "region_code": code,
                "grade": grade,
                "level": level,
                "reason": reason,
                "entities": n,
                "missing_cadres": missing,
                "message": str(_REASONS[reason]) % params,
            }
        )
    return out


def assign_cadres(
    *, actor, region_code: str | None = None, incremental: bool = False, baseline: bool = False
) -> AssignmentRun:
    """Solve who guarantees whom under a region and store it as a draft run with its diff and shortages;
    `baseline` also scores the greedy nearest-available assignment of the same problem, for comparison."""
    require_perm(actor, "baobao.manage_cadres")
    prefix = _scope_region(actor, region_code)
    if len(prefix) < 2:
        raise ValidationError({"region_code": [_("请指定省、市或县级区划。")]})
    started = time.monotonic()
    pieces = [_solve_piece(piece, incremental=incremental, baseline=baseline) for piece in _pieces(prefix)]
    solved_at = time.monotonic()
    counts = {key: sum(s[key] for s in pieces) for key in ("entities", "cadres", "assigned", "changed")}
    counts["unassigned"] = counts["entities"] - counts["assigned"]
    counts["fallback"] = sum(len(s["fallback"]) for s in pieces)
    counts["solve_seconds"] = round(solved_at - started, 3)
    if baseline:
        counts["greedy_objective"] = sum(s["greedy"].objective for s in pieces)
        counts["greedy_unassigned"] = sum(len(s["greedy"].unassigned) for s in pieces)
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            region_id=prefix or None,
            incremental=incremental,
            params={
                "incremental": incremental,
                "pieces": len(pieces),
                "dropped": [pk for s in pieces for pk in s["dropped"]],
            },
            counts=counts,
            shortages=[row for s in pieces for row in _shortages(s)],
            objective=sum(s["objective"] for s in pieces),
            created_by=actor,
        )
        rows = []
        for s in pieces:
            for pk, cadre in s["persist"].items():
                regs = s["regulators"].get(s["regions"][pk][:9], [])
                supporter = regs[cadre % len(regs)] if regs and cadre not in regs else None
                rows.append(
                    Assignment(
                        run=run,
                        entity_id=pk,
                        cadre_id=cadre,
                        supporter_id=supporter,
                        grade=s["grades"][pk],
                        cost=s["costs"].get(pk, 0),
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=5000)
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["seconds"])
        audit.record(
            actor=actor,
            action="baobao.assign",
            obj=run,
            region_code=prefix,
            after={"counts": counts, "objective": run.objective},
        )
    return run


@transaction.atomic
def publish_run(*, actor, run: AssignmentRun) -> AssignmentRun:
    """A reviewer publishes a draft: its assignments become the guarantees in effect for its region."""
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, run.region_id or "")
    if run.status != AssignmentRun.Status.DRAFT:
        raise ValidationError(_("只能发布待审核的方案。"))
    today = timezone.localdate()
    current = narrow_to(Guarantee.objects.all(), run.region_id, "entity__region")
    if run.incremental:  # the run holds only the changed pairs and names the guarantees that end
        kept, dropped = {}, run.params.get("dropped", [])
    else:
        kept = {e: (cadre, since) for e, cadre, since in current.values_list("entity_id", "cadre_id", "since")}
    rows = [
        Guarantee(
            entity_id=a.entity_id,
            cadre_id=a.cadre_id,
            supporter_id=a.supporter_id,
            run=run,
            since=kept[a.entity_id][1] if kept.get(a.entity_id, (None,))[0] == a.cadre_id else today,
        )
        for a in run.assignments.all().iterator(chunk_size=5000)
    ]
    if not run.incremental:
        assigned = {g.entity_id for g in rows}
        dropped = [pk for pk in kept if pk not in assigned]
    for chunk in chunked(dropped, 20_000):
        Guarantee.objects.filter(entity_id__in=chunk).delete()
    Guarantee.objects.bulk_create(
        rows,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["entity"],
        update_fields=["cadre", "supporter", "run", "since"],
    )
    AssignmentRun.objects.filter(region=run.region, status=AssignmentRun.Status.PUBLISHED).update(
        status=AssignmentRun.Status.SUPERSEDED
    )
    run.status, run.published_by, run.published_at = AssignmentRun.Status.PUBLISHED, actor, timezone.now()
    run.save(update_fields=["status", "published_by", "published_at"])
    resolved = _resolve_changes(run)
    audit.record(
        actor=actor,
        action="baobao.publish",
        obj=run,
        region_code=run.region_id or "",
        after={"guarantees": len(rows), "changes_resolved": resolved},
    )
    return run


# --- changes: report within 15 WD, reassign within 7 WD (docs/domain.md §4.5) -----------------------------------------

REPORT_RULE, REASSIGN_RULE = "baobao.status_report", "baobao.reassign"


class _Deadlines:
    """compute_due once per (rule, start, rule regions that apply) instead of once per change: a first detection
    over a province records up to a million changes that share a few rules and start days."""

    def __init__(self):
        rules = DeadlineRule.objects.filter(code__in=[REPORT_RULE, REASSIGN_RULE])
        self.prefixes = set(rules.values_list("region_prefix", flat=True))
        self.cache = {}

    def due(self, rule_code: str, start: datetime.datetime, region_code: str):
        key = (rule_code, start, tuple(sorted(p for p in self.prefixes if region_code.startswith(p))))
        if key not in self.cache:
            self.cache[key] = compute_due(rule_code=rule_code, start=start, region_code=region_code)
        return self.cache[key]

    def change(self, *, kind, region_id: str, occurred_on: datetime.date, now, entity_id=None, cadre_id=None):
        """An unsaved change: the report is counted from the day it happened, the reassignment from `now`, when
        the system learned of it."""
        report = self.due(REPORT_RULE, datetime.datetime.combine(occurred_on, datetime.time.min), region_id)
        reassign = self.due(REASSIGN_RULE, now, region_id)
        return Change(
            kind=kind,
            entity_id=entity_id,
            cadre_id=cadre_id,
            region_id=region_id,
            occurred_on=occurred_on,
            recorded_at=now,
            report_due=report.due_at,
            report_rule=report.rule,
            reassign_due=reassign.due_at,
            reassign_rule=reassign.rule,
        )


def _wrong_level(prefix: str) -> Q:
    """Guarantees whose cadre is not of the level the entity's grade calls for under the policy in force where
    the entity is: one term for the prefix's policy, one more per policy of a region inside it."""
    inner = set(Policy.objects.filter(region_under(Policy, "region", prefix)).values_list("region_id", flat=True))
    inner.discard(prefix)
    terms = []
    for code in [prefix, *inner]:
        area = region_under(Guarantee, "entity__region", code)
        for deeper in inner:
            if deeper != code and deeper.startswith(code):
                area &= ~region_under(Guarantee, "entity__region", deeper)
        levels = grading.policy_for(code).level_for_grade
        mismatch = [Q(entity__baobao_grade=grade) & ~Q(cadre__level=level) for grade, level in levels.items()]
        terms.append(area & reduce(operator.or_, mismatch))
    return reduce(operator.or_, terms)


def detect_changes(*, actor, region_code: str | None = None) -> dict[str, int]:
    """Record the changes the registry shows under a region that nobody has recorded yet: graded entities that
    nobody guarantees, guaranteed entities that closed, and guaranteed entities regraded since their assignment
    so that their cadre is now of the wrong level (a fallback to a higher level is not a change). Set-based, to
    run daily over a province; one audit batch."""
    require_perm(actor, "baobao.manage_cadres")
    prefix = _scope_region(actor, region_code)
    now, today = timezone.now(), timezone.localdate()
    guarantees = narrow_to(Guarantee.objects.all(), prefix, "entity__region")
    regraded = Assignment.objects.filter(run=OuterRef("run"), entity=OuterRef("entity")).exclude(
        grade=OuterRef("entity__baobao_grade")
    )
    sources = [  # (kind, rows keyed by entity id, (region, cadre, when it happened))
        (
            Change.Kind.ENTITY_NEW,
            narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
            .exclude(baobao_grade="")
            .filter(guarantee__isnull=True),
            ("region_id", Value(None, output_field=IntegerField()), "created_at"),  # no cadre yet
        ),
        (
            Change.Kind.ENTITY_CLOSED,
            guarantees.filter(entity__status=Entity.Status.DEREGISTERED),
            ("entity__region_id", "cadre_id", "entity__updated_at"),
        ),
        (
            Change.Kind.GRADE_CHANGED,
            guarantees.filter(_wrong_level(prefix)).filter(Exists(regraded)),
            ("entity__region_id", "cadre_id", "entity__grading__graded_at"),
        ),
    ]
    deadlines, counts = _Deadlines(), {}
    with transaction.atomic():
        for kind, rows, fields in sources:
            recorded = Exists(Change.objects.filter(kind=kind, entity=OuterRef("pk"), resolved_at__isnull=True))
            # Ids first, in one plain fetch: through a server-side cursor PostgreSQL picks a fast-start plan that
            # probes every entity by index (ten times slower on a province); then details 5,000 at a time.
            ids = list(rows.exclude(recorded).order_by().values_list("pk", flat=True))
            counts[kind.value] = 0
            for chunk in chunked(ids):
                found = rows.filter(pk__in=chunk).order_by().values_list("pk", *fields)
                batch = [
                    deadlines.change(
                        kind=kind,
                        entity_id=entity_id,
                        cadre_id=cadre_id,
                        region_id=region_id,
                        occurred_on=timezone.localtime(when).date() if when else today,
                        now=now,
                    )
                    for entity_id, region_id, cadre_id, when in found
                ]
                counts[kind.value] += len(Change.objects.bulk_create(batch))
        audit.record(
            actor=actor,
            action="baobao.detect_changes",
            object_type="baobao.change",
            region_code=prefix,
            after={"counts": counts},
        )
    return counts


def _resolve_changes(run: AssignmentRun) -> int:
    """Settle the open changes under a published run's region that its guarantees answer: new or regraded
    entities now guaranteed, closed entities no longer guaranteed, leaving cadres who now guarantee nobody (a
    city cadre's change sits above a county run, yet the run reassigns the county's part of their entities)."""
    prefix = run.region_id or ""
    pending = Change.objects.filter(resolved_at__isnull=True)
    here = narrow_to(pending, prefix)
    above = Q(region_id__in=[prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)])
    guaranteed = Exists(Guarantee.objects.filter(entity=OuterRef("entity")))
    settled = [
        here.filter(kind__in=[Change.Kind.ENTITY_NEW, Change.Kind.GRADE_CHANGED]).filter(guaranteed),
        here.filter(kind=Change.Kind.ENTITY_CLOSED).exclude(guaranteed),
        pending.filter(region_under(Change, "region", prefix) | above, kind=Change.Kind.CADRE_LEFT).exclude(
            Exists(Guarantee.objects.filter(cadre=OuterRef("cadre")))
        ),
    ]
    return sum(qs.update(resolved_at=run.published_at, resolved_by_run=run) for qs in settled)
