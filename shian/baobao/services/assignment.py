"""Who guarantees whom: solving the assignment per city with the min-cost-flow engine (matching.py) into a draft
run with its shortages, and publishing a reviewed run as the guarantees in effect."""

import math
import operator
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import reduce
from itertools import repeat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit
from shian.core.bulk import chunked, insert_rows
from shian.core.forks import forked_map, release_freed_memory
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
    """Entities whose guarantee no longer holds (docs/domain.md §4.5): the entity closed, the cadre left, the grade
    now calls for another level, the cadre's region no longer contains the entity, or the department no longer
    matches. For entities annotated with `baobao_grade`."""
    wrong = Q(status=Entity.Status.DEREGISTERED) | ~Q(guarantee__cadre__status=Cadre.Status.ACTIVE)
    wrong |= ~Q(region__code__startswith=F("guarantee__cadre__region__code"))
    for grade, level in policy.level_for_grade.items():
        wrong |= Q(baobao_grade=grade) & ~Q(guarantee__cadre__level=level)
    for sub_type, department in policy.department_match.items():
        wrong |= Q(sub_type=sub_type) & ~Q(guarantee__cadre__department_id=department)
    return wrong


_ITEM_FIELDS = ("pk", "baobao_grade", "region_id", "sub_type", "lng", "lat")
PARALLEL_MIN_ROWS = 20_000  # entities from which the pieces go to worker processes (below, a fork costs more)


def _active(prefix: str):
    """Active entities under `prefix` as items (`_items`)."""
    return _items(narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix))


def _items(entities):
    """Entities with their grade, and their position as floats (a million Decimals, each converted again, cost
    seconds)."""
    return entities.annotate(
        baobao_grade=baobao_grade(), lng=Cast("longitude", FloatField()), lat=Cast("latitude", FloatField())
    )


def _rows(qs, chunk: int = 20_000):
    """A values_list query's rows from a plain cursor, in chunks: `.iterator()` outside a transaction declares a
    server-side cursor WITH HOLD, for which PostgreSQL builds the whole million-row result before the first fetch
    (twice the time of this read on the province). The columns need no conversion (ids, codes, floats)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def _compact(rows):
    """Entity rows as the solve keeps them for a whole province at once: one string object per distinct region,
    sub-type and grade (a million repeated codes cost a hundred MiB more)."""
    shared: dict[str, str] = {}
    for pk, grade, region, sub_type, lng, lat in rows:
        yield (pk, shared.setdefault(grade, grade), shared.setdefault(region, region),
               shared.setdefault(sub_type, sub_type), lng, lat)  # fmt: skip


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


@dataclass
class _Piece:
    """Everything one piece's solve needs, read from the database beforehand (the solve itself reads nothing, so
    it can run in a worker process)."""

    code: str
    rows: list  # (pk, grade, region, sub_type, lng, lat) of the entities to place
    previous: dict  # entity id -> cadre id: every guarantee (full) or the stale ones (incremental)
    cadres: list  # (pk, level, region, department, capacity, is_regulator) of the active cadres who can serve
    load: dict  # cadre id -> guarantees already carried (incremental), or carried outside the piece (full)
    level_for_grade: dict
    department_match: dict
    capacity: dict
    entities: int  # active entities of the piece


def _inputs(prefix: str, pieces: list[str], incremental: bool) -> list[_Piece]:
    """Each piece's inputs, read for all pieces at once: every entity read joins the grading table (the grade
    lives there), and one join over the region costs a fraction of one per piece; the cadres and their loads are
    one query each too (docs/performance.md). Full: every active entity and every guarantee. Incremental: the
    entities nobody guarantees and those whose guarantee went stale, with the stale guarantees."""
    if not pieces:  # a province without cities in the region table
        return []
    policies = {piece: grading.policy_for(piece) for piece in pieces}
    if incremental:
        rows, pairs = _incremental_inputs(prefix, policies)
    else:
        rows = _by_piece(pieces, _compact(_rows(_active(prefix).values_list(*_ITEM_FIELDS))), 2)
        current = narrow_to(Guarantee.objects.all(), prefix, "entity__region")
        pairs = _by_piece(pieces, _rows(current.values_list("entity_id", "cadre_id", "entity__region_id")), 2)
    serving = reduce(operator.or_, (_piece_cadres(piece) for piece in pieces))
    cadre_rows = list(
        Cadre.objects.filter(serving)
        .order_by("region_id", "level", "name", "pk")
        .values_list("pk", "level", "region_id", "department_id", "capacity", "is_regulator")
    )
    # one piece: its query's rows; several (the cities of a region): a cadre serves in the city its code starts with
    cadres = {pieces[0]: cadre_rows} if len(pieces) == 1 else _by_piece(pieces, cadre_rows, 2)
    loads = _loads(prefix, pieces, incremental)
    counts = _entity_counts(pieces) if incremental else {piece: len(rows[piece]) for piece in pieces}
    out = []
    for piece in pieces:
        policy = policies[piece]
        out.append(
            _Piece(
                piece,
                rows.pop(piece),
                {e: c for e, c, _r in pairs.pop(piece)},
                cadres[piece],
                {pk: loads[pk] for pk, *_rest in cadres[piece] if pk in loads},
                policy.level_for_grade,
                policy.department_match,
                policy.capacity,
                counts.get(piece, 0),
            )
        )
    return out


def _incremental_inputs(prefix: str, policies: dict[str, Policy]) -> tuple[dict, dict]:
    """The rows of the entities to place and the stale guarantees under the pieces (`policies`: each piece's), in
    one read of the entities with their guarantee: an active entity nobody guarantees, or any entity whose
    guarantee went stale (one term per policy). A closed entity's guarantee is among the stale pairs, but the
    entity is not placed. One pass over the million rows costs what the stale guarantees alone did as a query of
    their own; the entities to place then came from two more (docs/performance.md)."""
    pieces = list(policies)
    by_policy: dict[int, tuple[Policy, list[str]]] = {}
    for piece, policy in policies.items():
        by_policy.setdefault(policy.pk, (policy, []))[1].append(piece)
    unguaranteed = Q(guarantee__isnull=True) & ~Q(status=Entity.Status.DEREGISTERED)
    terms = [
        reduce(operator.or_, (region_under(Entity, "region", piece) for piece in group))
        & (unguaranteed | Q(guarantee__isnull=False) & _stale(policy))
        for policy, group in by_policy.values()
    ]
    read = _items(narrow_to(Entity.objects.all(), prefix)).filter(reduce(operator.or_, terms))
    rows, pairs = [], []
    for *item, status, cadre in read.values_list(*_ITEM_FIELDS, "status", "guarantee__cadre_id"):
        if cadre is not None:
            pairs.append((item[0], cadre, item[2]))
        if status != Entity.Status.DEREGISTERED:
            rows.append(tuple(item))
    return _by_piece(pieces, rows, 2), _by_piece(pieces, pairs, 2)


def _loads(prefix: str, pieces: list[str], incremental: bool) -> dict[int, int]:
    """Guarantees the pieces' active cadres carry, in one query: all of them (incremental), or, for a piece smaller
    than a city, those outside it (a city's cadres guarantee nothing outside it, so a city piece has none)."""
    serving = Guarantee.objects.filter(cadre__status=Cadre.Status.ACTIVE).filter(
        reduce(operator.or_, (Q(cadre__region_id=p[:4]) | region_under(Guarantee, "cadre__region", p) for p in pieces))
    )
    if not incremental:
        if len(pieces) > 1 or (level_of(prefix) or 0) <= CITY:
            return {}
        current = narrow_to(Guarantee.objects.all(), pieces[0], "entity__region")
        serving = serving.exclude(entity_id__in=current.values("entity_id"))
    return dict(serving.values_list("cadre_id").annotate(n=Count("pk")).order_by())


def _entity_counts(pieces: list[str]) -> dict[str, int]:
    """Active entities per piece, in one query (several pieces are the cities of a region: one code length)."""
    active = Entity.objects.exclude(status=Entity.Status.DEREGISTERED)
    if len(pieces) == 1:
        return {pieces[0]: narrow_to(active, pieces[0]).count()}
    width = len(pieces[0])
    by_code = active.annotate(piece=Substr("region_id", 1, width)).values_list("piece").annotate(n=Count("pk"))
    return dict(by_code.order_by())


def _solve_piece(piece: _Piece, *, incremental: bool, baseline: bool = False, in_worker: bool = False) -> dict:
    """One city (or smaller region): a full solve places every active entity; an incremental one keeps every
    guarantee that still holds and places only new entities and those whose guarantee went stale, against the
    capacity the kept guarantees leave. Reads nothing from the database (it may run in a worker process) and
    returns plain values: the pairs to persist (changed ones only when incremental), counts and shortage groups."""
    level_for_grade, match, previous = piece.level_for_grade, piece.department_match, piece.previous
    load = Counter(piece.load)
    if incremental:
        load.subtract(previous.values())  # stale guarantees free their cadre's place
    seats = [
        matching.Seat(
            pk,
            level,
            region,
            dept,
            max(0, (cap or piece.capacity.get(level, 0)) - load.get(pk, 0)),
            working=incremental and load.get(pk, 0) > 0,
        )
        for pk, level, region, dept, cap, _reg in piece.cadres
    ]
    graded = [row for row in piece.rows if row[1]]
    ungraded = [row[0] for row in piece.rows if not row[1]]
    transposed = zip(*graded, strict=True) if graded else [()] * 6
    ids, grades, regions, sub_types, lng, lat = (list(column) for column in transposed)
    if None in lat:  # a position needs both coordinates
        lng = [x if y is not None else None for x, y in zip(lng, lat, strict=True)]
    items = matching.Items(ids, grades, regions, [match.get(s) for s in sub_types], lng, lat)
    problem = matching.Problem(items, seats, level_for_grade, previous)
    if in_worker:  # beside another worker: what building the arcs freed, before the solver's graph is built
        release_freed_memory()
    result = problem.solve()
    greedy = problem.greedy() if baseline else None
    regulators = defaultdict(list)
    for pk, level, region, _dept, _cap, is_regulator in piece.cadres:
        if is_regulator and level == "township":
            regulators[region].append(pk)
    changed = {pk: c for pk, c in result.chosen.items() if previous.get(pk) != c}
    persist = changed if incremental else result.chosen
    dropped = [pk for pk in previous if pk not in result.chosen]
    fallback = [pk for pk, cost in result.costs.items() if cost >= matching.FALLBACK_COST]
    unassigned = {**result.unassigned, **{pk: "ungraded" for pk in ungraded}}
    region_of = {pk: region for pk, _g, region, *_rest in piece.rows}
    grade_of = {pk: grade for pk, grade, *_rest in piece.rows}
    groups = defaultdict(int)  # shortages: (region code, grade, level, reason) -> entities
    for pk, reason in [*unassigned.items(), *zip(fallback, repeat("fallback"))]:
        grade = grade_of.get(pk) or "-"
        level = level_for_grade.get(grade, "village")
        groups[(region_of[pk][: matching.CODE_LENGTH[level]], grade, level, reason)] += 1

    def supporter(pk: int, cadre: int) -> int | None:
        regs = regulators.get(region_of[pk][:9])
        return regs[cadre % len(regs)] if regs and cadre not in regs else None

    entities = list(persist)  # the pairs to persist as columns: entity, cadre, supporter, grade, cost
    columns = (entities, list(persist.values()), [supporter(pk, c) for pk, c in persist.items()],
               [grade_of[pk] for pk in entities], [result.costs.get(pk, 0) for pk in entities])  # fmt: skip
    return {
        "columns": columns,
        "dropped": dropped,
        "entities": piece.entities,
        "assigned": piece.entities - len(result.unassigned) - len(ungraded),
        "changed": len(changed) + len(dropped),
        "fallback": len(fallback),
        "groups": dict(groups),
        "objective": result.objective,
        "greedy": (greedy.objective, len(greedy.unassigned)) if greedy else None,
        "cadres": len(piece.cadres),
        "capacity": piece.capacity,
    }


def _solve_all(pieces: list[_Piece], *, incremental: bool, baseline: bool) -> list[dict]:
    """Every piece's solve, in the pieces' order: on `SHIAN_SOLVE_WORKERS` forked processes (`core.forks`) when
    there are several pieces and enough entities to pay for the fork, else one after the other here. The workers
    only compute (no database access: that keeps them correct inside a transaction and on SQLite) and send back
    plain values."""
    workers = min(settings.SHIAN_SOLVE_WORKERS, len(pieces))
    if workers < 2 or sum(len(p.rows) for p in pieces) < PARALLEL_MIN_ROWS:
        out = []
        while pieces:  # each piece's rows are freed once solved
            out.append(_solve_piece(pieces.pop(0), incremental=incremental, baseline=baseline))
        return out
    largest_first = sorted(range(len(pieces)), key=lambda i: -len(pieces[i].rows))

    def solve(index: int) -> dict:
        return _solve_piece(pieces[index], incremental=incremental, baseline=baseline, in_worker=True)

    solved = dict(zip(largest_first, forked_map(solve, largest_first, workers), strict=True))
    return [solved[i] for i in range(len(pieces))]


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
    names = dict(Region.objects.filter(code__in={g[0] for g in solved["groups"]}).values_list("code", "name"))
    out = []
    for (code, grade, level, reason), n in sorted(solved["groups"].items()):
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
    pieces = _solve_all(_inputs(prefix, _pieces(prefix), incremental), incremental=incremental, baseline=baseline)
    solved_at = time.monotonic()
    counts = {key: sum(s[key] for s in pieces) for key in ("entities", "cadres", "assigned", "changed")}
    counts["unassigned"] = counts["entities"] - counts["assigned"]
    counts["fallback"] = sum(s["fallback"] for s in pieces)
    counts["solve_seconds"] = round(solved_at - started, 3)
    if baseline:
        counts["greedy_objective"] = sum(s["greedy"][0] for s in pieces)
        counts["greedy_unassigned"] = sum(s["greedy"][1] for s in pieces)
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
        rows = [row for s in pieces for row in zip(repeat(run.pk), *s["columns"])]
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
