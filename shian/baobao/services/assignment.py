"""Who guarantees whom: solving the assignment per city with the min-cost-flow engine (matching.py) into a draft
run with its shortages, and publishing a reviewed run as the guarantees in effect."""

import math
import operator
import time
from collections import Counter, defaultdict
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit
from shian.core.bulk import chunked, insert_rows
from shian.core.jurisdiction import narrow_to, region_under, require_in_scope
from shian.core.permissions import require_perm
from shian.core.regioncodes import CITY, level_of
from shian.entities.models import Entity, baobao_grade
from shian.regions.models import Region

from .. import grading, matching
from ..models import Assignment, AssignmentRun, Cadre, CadreLevel, Guarantee, Policy
from .changes import resolve_changes
from .scope import scope_region


def _pieces(prefix: str) -> list[str]:
    """Solve a province (or the country) city by city: cadres never cross a city, so the pieces are exact."""
    if (level_of(prefix) or 0) >= CITY:
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
    another level, the cadre's region no longer contains the entity, or the department no longer matches. For
    guarantees annotated with `entity_grade`."""
    wrong = Q(entity__status=Entity.Status.DEREGISTERED) | ~Q(cadre__status=Cadre.Status.ACTIVE)
    wrong |= ~Q(entity__region__code__startswith=F("cadre__region__code"))
    for grade, level in policy.level_for_grade.items():
        wrong |= Q(entity_grade=grade) & ~Q(cadre__level=level)
    for sub_type, department in policy.department_match.items():
        wrong |= Q(entity__sub_type=sub_type) & ~Q(cadre__department_id=department)
    return wrong


_ITEM_FIELDS = ("pk", "baobao_grade", "region_id", "sub_type", "longitude", "latitude")


def _active(prefix: str):
    return narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix).annotate(
        baobao_grade=baobao_grade()
    )


def _compact(rows):
    """Entity rows as the solve keeps them for a whole province at once: coordinates as floats, and one string
    object per distinct region, sub-type and grade (a million rows of Decimals and repeated codes cost several
    hundred MiB more)."""
    shared: dict[str, str] = {}
    for pk, grade, region, sub_type, lng, lat in rows:
        yield (
            pk,
            shared.setdefault(grade, grade),
            shared.setdefault(region, region),
            shared.setdefault(sub_type, sub_type),
            None if lng is None else float(lng),
            None if lat is None else float(lat),
        )


def _by_piece(pieces: list[str], rows, region_at: int) -> dict[str, list]:
    """Rows split among disjoint region prefixes by the region code at `region_at`."""
    out: dict[str, list] = {piece: [] for piece in pieces}
    lengths = sorted({len(piece) for piece in pieces})
    for row in rows:
        code = row[region_at]
        for n in lengths:
            if (bucket := out.get(code[:n])) is not None:
                bucket.append(row)
                break
    return out


def _inputs(prefix: str, pieces: list[str], incremental: bool) -> dict[str, tuple[list, dict]]:
    """Each piece's entity rows and previous guarantees, read for all pieces at once: every read joins the
    grading table (the grade lives there), and one join over the region costs a fraction of one per piece
    (docs/performance.md). Full: every active entity and every guarantee. Incremental: the entities nobody
    guarantees and those whose guarantee went stale, with the stale guarantees (one term per policy)."""
    active = _active(prefix)
    if incremental:
        rows, pairs = _incremental_inputs(active, pieces)
    else:
        rows = _by_piece(pieces, _compact(active.values_list(*_ITEM_FIELDS).iterator(chunk_size=20_000)), 2)
        current = narrow_to(Guarantee.objects.all(), prefix, "entity__region")
        pairs = _by_piece(pieces, current.values_list("entity_id", "cadre_id", "entity__region_id"), 2)
    return {piece: (rows[piece], {e: c for e, c, _r in pairs[piece]}) for piece in pieces}


def _incremental_inputs(active, pieces: list[str]) -> tuple[dict, dict]:
    """The stale guarantees under the pieces (one term per policy) and the rows of the entities to place."""
    by_policy: dict[int, tuple[Policy, list[str]]] = {}
    for piece in pieces:
        policy = grading.policy_for(piece)
        by_policy.setdefault(policy.pk, (policy, []))[1].append(piece)
    terms = [
        reduce(operator.or_, (region_under(Guarantee, "entity__region", piece) for piece in group)) & _stale(policy)
        for policy, group in by_policy.values()
    ]
    stale = Guarantee.objects.annotate(entity_grade=baobao_grade("entity__")).filter(reduce(operator.or_, terms))
    pairs = _by_piece(pieces, stale.values_list("entity_id", "cadre_id", "entity__region_id"), 2)
    found = list(active.filter(guarantee__isnull=True).values_list(*_ITEM_FIELDS))
    for chunk in chunked([e for piece in pieces for e, _c, _r in pairs[piece]]):
        found += active.filter(pk__in=chunk).values_list(*_ITEM_FIELDS)
    return _by_piece(pieces, found, 2), pairs


def _solve_piece(piece: str, rows: list, previous: dict, *, incremental: bool, baseline: bool = False) -> dict:
    """One city (or smaller region): a full solve places every active entity; an incremental one keeps every
    guarantee that still holds and places only new entities and those whose guarantee went stale, against the
    capacity the kept guarantees leave. `rows` and `previous` come from `_inputs`. Returns what to persist
    (changed pairs only when incremental)."""
    policy = grading.policy_for(piece)
    level_for_grade, match = policy.level_for_grade, policy.department_match
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
        load = Counter(dict(serving.values_list("cadre_id").annotate(n=Count("pk")).order_by()))
        load.subtract(previous.values())  # stale guarantees free their cadre's place
    else:
        # a city cadre's load from the rest of the city, when the piece is smaller than a city (cadres never
        # cross a city, so a city's cadres guarantee nothing outside it)
        load = {}
        if (level_of(piece) or 0) > CITY:
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
    entities = _active(piece).count() if incremental else len(rows)
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
    prefix = scope_region(actor, region_code)
    if not level_of(prefix):
        raise ValidationError({"region_code": [_("请指定省、市或县级区划。")]})
    started = time.monotonic()
    inputs = _inputs(prefix, _pieces(prefix), incremental)
    pieces = [
        _solve_piece(piece, *inputs.pop(piece), incremental=incremental, baseline=baseline) for piece in list(inputs)
    ]
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
                rows.append((run.pk, pk, cadre, supporter, s["grades"][pk], s["costs"].get(pk, 0)))
        # plain rows (COPY on PostgreSQL): a province's run is a million assignments
        insert_rows(Assignment, ["run_id", "entity_id", "cadre_id", "supporter_id", "grade", "cost"], rows)
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
    if run.incremental:  # the run holds only the changed pairs and names the guarantees that end
        for chunk in chunked(run.params.get("dropped", []), 20_000):
            Guarantee.objects.filter(entity_id__in=chunk).delete()
    else:  # the run holds every pair: a guarantee under its region that it does not hold ends
        current = narrow_to(Guarantee.objects.all(), run.region_id, "entity__region")
        current.exclude(Exists(run.assignments.filter(entity_id=OuterRef("entity_id")))).delete()
    written = _upsert_guarantees(run, timezone.localdate())
    AssignmentRun.objects.filter(region=run.region, status=AssignmentRun.Status.PUBLISHED).update(
        status=AssignmentRun.Status.SUPERSEDED
    )
    run.status, run.published_by, run.published_at = AssignmentRun.Status.PUBLISHED, actor, timezone.now()
    run.save(update_fields=["status", "published_by", "published_at"])
    resolved = resolve_changes(run)
    audit.record(
        actor=actor,
        action="baobao.publish",
        obj=run,
        region_code=run.region_id or "",
        after={"guarantees": written, "changes_resolved": resolved},
    )
    return run


def _upsert_guarantees(run: AssignmentRun, today) -> int:
    """The run's assignments become the guarantees in effect, in one statement (a province's run is a million
    rows): a pair that keeps its cadre keeps its start date, any other starts today. Returns the rows written."""
    guarantee, assignment = Guarantee._meta.db_table, Assignment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {guarantee} (entity_id, cadre_id, supporter_id, run_id, since) "
            f"SELECT a.entity_id, a.cadre_id, a.supporter_id, a.run_id, "
            f"CASE WHEN g.cadre_id = a.cadre_id THEN g.since ELSE %s END "
            f"FROM {assignment} a LEFT JOIN {guarantee} g ON g.entity_id = a.entity_id WHERE a.run_id = %s "
            f"ON CONFLICT (entity_id) DO UPDATE SET cadre_id = excluded.cadre_id, "
            f"supporter_id = excluded.supporter_id, run_id = excluded.run_id, since = excluded.since",
            [connection.ops.adapt_datefield_value(today), run.pk],
        )
        return cursor.rowcount
