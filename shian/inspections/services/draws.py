"""双随机一公开 draws (docs/inspections.md §4): reproducible random picks of entities and inspector pairs, their
tasks, and publication of the results.

Algorithm `sha256-sample-v1`, recomputable by anyone from the frozen lists:

- candidates: the operating entities under the region that have a station (of the station, when one is given),
  ordered by id, frozen as [[entity_id, uscc, band, station_id], ...]; inspectors: {"min_inspectors": n,
  "stations": {station_id: [[user_id, username], ...]}}; each with the SHA-256 of its canonical JSON (UTF-8, keys
  sorted, no spaces);
- each candidate's number u = (first 7 bytes of sha256("seed|entity_id") + 0.5) / 2^56, in (0, 1);
- unweighted: the `count` smallest u; weighted (Efraimidis-Spirakis): the `count` smallest -ln(u) / w, with the
  weights of this version WEIGHTS (A 1, B 2, C 3, D 4; ungraded as B); ties by entity id;
- per drawn entity, its station's inspectors minus the excluded ones (declared conflicts, the pair that
  inspected it last time), ranked by sha256("seed|entity_id|user_id"), the first `min_inspectors`.

Algorithm `sha256-sample-v2` (a draw weighted by the risk model's score; v1 draws keep verifying as v1): the same,
except that the weight of each candidate is frozen in the draw (`weights`, in the order of the candidates, with its
SHA-256) and the `count` smallest -ln(u) / weight are drawn. weight = (the band weight above when `weighted`, else 1)
x max(floor, p), p the probability of the model in use (`model_version`), or the rule's unscored probability for an
entity it has not scored; floor and unscored are the rules `inspections.draw_score_floor_pct` and
`inspections.draw_score_unscored_pct`. The floor keeps every candidate drawable; the weights are stored because the
model's scores are replaced every night, so `verify_draw` recomputes from the draw alone.
"""

import hashlib
import heapq
import json
import math
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.bulk import insert_rows, reserve_keys
from shian.core.jurisdiction import region_under, require_in_scope
from shian.core.workdays import add_working_days
from shian.entities.models import Entity
from shian.regions.models import Region

from .. import priority
from ..models import Inspection, InspectionTask, InspectorConflict, RandomDraw, Signature, Station, current_grade
from ..ruledefs import DRAW_SCORE_FLOOR, DRAW_SCORE_UNSCORED, MIN_INSPECTORS, PUBLISH_RESULTS
from ..selectors.stations import station_map, station_of

ALGORITHM = "sha256-sample-v1"
SCORED = "sha256-sample-v2"  # ALGORITHM with each candidate's weight frozen in the draw (the risk model's score)
WEIGHTS = {"A": 1, "B": 2, "C": 3, "D": 4}  # part of both versions: another set of weights is another version
WEIGHT_DIGITS = 6  # stored weights are rounded so their JSON (and SHA-256) is the same on every database
UNGRADED = "B"
DRAWERS = ADMIN_ROLES | {Role.STATION_STAFF}


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_of(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def _unit(seed: str, entity_id: int) -> float:
    digest = hashlib.sha256(f"{seed}|{entity_id}".encode()).digest()
    return (int.from_bytes(digest[:7], "big") + 0.5) / 2**56


def select_entities(candidates: list, *, seed: str, count: int, weighted: bool, weights: list | None = None) -> list:
    """The drawn candidate rows, in draw order (pure: the same inputs give the same rows). `weights` (v2): one
    positive number per candidate, in their order, instead of the band weights."""
    sha, log = hashlib.sha256, math.log
    if weights is not None:
        keyed = [
            (-log((int.from_bytes(sha(f"{seed}|{c[0]}".encode()).digest()[:7], "big") + 0.5) / 2**56) / w, c[0], n)
            for n, (c, w) in enumerate(zip(candidates, weights, strict=True))
        ]  # fmt: skip
    elif weighted:
        default = WEIGHTS[UNGRADED]
        keyed = [
            (-log((int.from_bytes(sha(f"{seed}|{c[0]}".encode()).digest()[:7], "big") + 0.5) / 2**56)
             / WEIGHTS.get(c[2], default), c[0], n)
            for n, c in enumerate(candidates)
        ]  # fmt: skip
    else:
        keyed = [(_unit(seed, c[0]), c[0], n) for n, c in enumerate(candidates)]
    return [candidates[n] for _key, _id, n in heapq.nsmallest(count, keyed)]


def score_weights(candidates: list, probabilities: dict[int, float], *, weighted: bool, floor_pct: int,
                  unscored_pct: int) -> list[float]:  # fmt: skip
    """Each candidate's v2 weight: (its band weight when `weighted`, else 1) x max(floor, p), p its probability
    (the unscored rule when it has none). Never 0, so no candidate is excluded."""
    floor, unscored = floor_pct / 100, unscored_pct / 100
    default, p = WEIGHTS[UNGRADED], probabilities.get
    return [round((WEIGHTS.get(c[2], default) if weighted else 1) * max(floor, p(c[0], unscored)), WEIGHT_DIGITS)
            for c in candidates]  # fmt: skip


def pick_inspectors(*, seed: str, entity_id: int, pool: list, excluded: set, need: int) -> list:
    """`need` inspectors of `pool` ([[user_id, username], ...]) not in `excluded`, by hash rank; fewer if the
    pool is short (the caller refuses that)."""
    eligible = [p for p in pool if p[0] not in excluded]
    eligible.sort(key=lambda p: hashlib.sha256(f"{seed}|{entity_id}|{p[0]}".encode()).hexdigest())
    return eligible[:need]


def _exclusions_by_entity(exclusions: list) -> dict[int, set]:
    out: dict[int, set] = {}
    for row in exclusions:
        if row.get("kind") == "conflict":
            out.setdefault(row["entity"], set()).add(row["inspector"])
        elif row.get("kind") == "last_pair":
            out.setdefault(row["entity"], set()).update(row["inspectors"])
    return out


def compute(*, candidates: list, inspectors: dict, seed: str, count: int, weighted: bool, exclusions: list,
            drawn: list | None = None, weights: list | None = None) -> list:  # fmt: skip
    """The draw's result from its frozen inputs: [{"entity", "uscc", "station", "inspectors": [user ids]}]
    (`drawn`: the entities already selected from these inputs, to save selecting twice)."""
    excluded = _exclusions_by_entity(exclusions)
    stations = inspectors["stations"]
    need = inspectors["min_inspectors"]
    out = []
    if drawn is None:
        drawn = select_entities(candidates, seed=seed, count=count, weighted=weighted, weights=weights)
    for eid, uscc, _band, sid in drawn:
        crew = pick_inspectors(seed=seed, entity_id=eid, pool=stations.get(str(sid), []),
                               excluded=excluded.get(eid, set()), need=need)  # fmt: skip
        out.append({"entity": eid, "uscc": uscc, "station": sid, "inspectors": [p[0] for p in crew]})
    return out


def _last_pairs(entity_ids: list[int]) -> dict[int, list[int]]:
    """Who inspected each entity last: the signers of its latest inspection, or, for an inspection recorded
    without signatures, the inspectors of the latest task done there. An open task's crew has not inspected
    yet and does not count (so a rerun with the same seed draws the same crews)."""
    latest: dict[int, int] = {}
    for pk, eid in (
        Inspection.objects.filter(entity_id__in=entity_ids)
        .order_by("entity_id", "-inspected_on", "-id")
        .values_list("pk", "entity_id")
    ):
        latest.setdefault(eid, pk)
    signers: dict[int, list[int]] = {}
    for insp, uid in Signature.objects.filter(inspection_id__in=latest.values()).values_list(
        "inspection_id", "inspector_id"
    ):
        signers.setdefault(insp, []).append(uid)
    pairs = {eid: sorted(signers[pk]) for eid, pk in latest.items() if pk in signers}
    rest = [eid for eid in entity_ids if eid not in pairs]
    tasks: dict[int, int] = {}
    for pk, eid in (
        InspectionTask.objects.filter(entity_id__in=rest, status=InspectionTask.Status.DONE)
        .order_by("entity_id", "-due_on", "-id")
        .values_list("pk", "entity_id")
    ):
        tasks.setdefault(eid, pk)
    through = InspectionTask.inspectors.through
    entity_of = {t: e for e, t in tasks.items()}
    for tid, uid in through.objects.filter(inspectiontask_id__in=tasks.values()).values_list(
        "inspectiontask_id", "user_id"
    ):
        pairs.setdefault(entity_of[tid], []).append(uid)
    return {eid: sorted(crew) for eid, crew in pairs.items() if crew}


def _require_drawer(actor, region_code: str) -> None:
    if not (actor.is_superuser or actor.role in DRAWERS):
        raise PermissionDenied(_("只有管理员和市场监管所人员可以组织双随机抽取。"))
    require_in_scope(actor, region_code)


def run_draw(*, actor, region_code: str, count: int, seed: str | None = None, weighted: bool = False,
             station_id: int | None = None, title: str = "", use_score: bool = False) -> RandomDraw:  # fmt: skip
    """Draw `count` entities under `region_code` and an inspector crew for each, create their random-inspection
    tasks (due with the publication deadline) and freeze everything `verify_draw` needs. `use_score`: weight by
    the risk model's score (algorithm v2; refused when no model is in use)."""
    _require_drawer(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region": [_("区划 %(code)s 不存在。") % {"code": region_code}]})
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ValidationError({"count": [_("抽取数量必须是正整数。")]}) from None
    if count <= 0:
        raise ValidationError({"count": [_("抽取数量必须是正整数。")]})
    station = None
    if station_id:
        station = Station.objects.filter(pk=station_id).first()
        if station is None or not station.region_id.startswith(region_code[: len(station.region_id)]):
            raise ValidationError({"station": [_("所选市场监管所不在该区划。")]})
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > 64:
        raise ValidationError({"seed": [_("随机种子不超过 64 个字符。")]})

    mapping = station_map()
    by_region: dict[str, int | None] = {}
    candidates, no_station, regions = [], [], {}
    rows = (  # one plain fetch by the region index joined to the current grades, ordered here: a cursor ordered
        # by id walks the whole table
        Entity.objects.filter(region_under(Entity, "region", region_code), status=Entity.Status.OPERATING)
        .annotate(grade=current_grade())
        .order_by()
        .values_list("id", "uscc", "grade__band", "region_id")
    )
    only = station.pk if station is not None else None
    for eid, uscc, grade, region_id in sorted(rows):
        if region_id in by_region:
            sid = by_region[region_id]
        else:
            sid = by_region[region_id] = station_of(region_id, mapping)
        if sid is None:
            no_station.append(eid)
        elif only is None or sid == only:
            candidates.append([eid, uscc, grade or "", sid])
            regions[eid] = region_id
    if count > len(candidates):
        raise ValidationError({"count": [_("抽取数量 %(count)s 超过候选主体数 %(n)s，请减少抽取数量。")
                                         % {"count": count, "n": len(candidates)}]})  # fmt: skip
    need = rules.value(MIN_INSPECTORS.code, region_code)
    station_ids = sorted({c[3] for c in candidates})
    pools: dict[str, list] = {str(sid): [] for sid in station_ids}
    for sid, uid, username in (
        Station.inspectors.through.objects.filter(station_id__in=station_ids, user__is_active=True)
        .order_by("station_id", "user_id")
        .values_list("station_id", "user_id", "user__username")
    ):
        pools[str(sid)].append([uid, username])
    inspectors = {"min_inspectors": need, "stations": pools}

    algorithm, model_version, weights = ALGORITHM, "", None
    if use_score:
        model_version, probabilities = priority.scores([c[0] for c in candidates])
        if not model_version:
            raise ValidationError({"use_score": [_("当前没有在用的检查优先级模型，无法按评分加权抽取：请先训练模型"
                                                   "（train_risk_model），或取消“按评分加权”。")]})  # fmt: skip
        floor = rules.value(DRAW_SCORE_FLOOR.code, region_code)
        if floor <= 0:  # a zero weight would exclude entities from a random draw
            raise ValidationError({"use_score": [_("按评分加权抽取的权重下限必须大于 0（规则 %(code)s 现为 %(v)s）。")
                                                 % {"code": DRAW_SCORE_FLOOR.code, "v": floor}]})  # fmt: skip
        algorithm = SCORED
        weights = score_weights(candidates, probabilities, weighted=weighted, floor_pct=floor,
                                unscored_pct=rules.value(DRAW_SCORE_UNSCORED.code, region_code))  # fmt: skip

    drawn = select_entities(candidates, seed=seed, count=count, weighted=weighted, weights=weights)
    drawn_ids = [c[0] for c in drawn]
    exclusions: list[dict] = []
    if no_station:
        exclusions.append({"kind": "no_station", "entities": no_station})
    drawn_set = set(drawn_ids)
    for uid, eid, username in (  # conflicts are few: read the region's and keep the drawn entities'
        InspectorConflict.objects.filter(region_under(InspectorConflict, "entity__region", region_code))
        .order_by("entity_id", "inspector_id")
        .values_list("inspector_id", "entity_id", "inspector__username")
    ):
        if eid in drawn_set:
            exclusions.append({"kind": "conflict", "entity": eid, "inspector": uid, "username": username})
    for eid, crew in sorted(_last_pairs(drawn_ids).items()):
        exclusions.append({"kind": "last_pair", "entity": eid, "inspectors": crew})

    result = compute(candidates=candidates, inspectors=inspectors, seed=seed, count=count, weighted=weighted,
                     exclusions=exclusions, drawn=drawn, weights=weights)  # fmt: skip
    short = [r for r in result if len(r["inspectors"]) < need]
    if short:
        names = dict(Station.objects.filter(pk__in={r["station"] for r in short}).values_list("pk", "name"))
        first = short[0]
        raise ValidationError({"station": [
            _("%(station)s 可抽取的执法人员不足 %(need)s 人（已排除回避和上次检查人员），无法为 %(n)s 户主体配对，"
              "请先补充执法人员。") % {"station": names.get(first["station"], first["station"]), "need": need,
                                       "n": len(short)}
        ]})  # fmt: skip

    today = timezone.localdate()
    publish_due = add_working_days(today, rules.value(PUBLISH_RESULTS.code, region_code))
    with transaction.atomic():
        draw = RandomDraw.objects.create(
            region=region, station=station, title=(title or "").strip()[:100] or _("%(region)s %(day)s 双随机抽取")
            % {"region": region.name, "day": today.isoformat()}, algorithm=algorithm, seed=seed, count=count,
            weighted=weighted, candidates=candidates, candidates_sha256=sha256_of(candidates),
            inspectors=inspectors, inspectors_sha256=sha256_of(inspectors), exclusions=exclusions,
            model_version=model_version, weights=weights,
            weights_sha256=sha256_of(weights) if weights is not None else "",
            created_by=actor, publish_due=publish_due,
        )  # fmt: skip
        # the tasks as plain rows with keys reserved first (5,000 model objects cost more than writing them)
        keys = reserve_keys(InspectionTask, len(result))
        created = connection.ops.adapt_datetimefield_value(timezone.now())
        due = connection.ops.adapt_datefield_value(publish_due)
        insert_rows(InspectionTask, TASK_COLUMNS, [
            (pk, r["entity"], regions[r["entity"]], r["station"], InspectionTask.Kind.RANDOM.value,
             InspectionTask.Status.OPEN.value, due, draw.pk, None, "", actor.pk, created)
            for pk, r in zip(keys, result, strict=True)
        ])  # fmt: skip
        insert_rows(InspectionTask.inspectors.through, ["inspectiontask_id", "user_id"],
                    [(pk, u) for pk, r in zip(keys, result, strict=True) for u in r["inspectors"]])  # fmt: skip
        for pk, r in zip(keys, result, strict=True):
            r["task"] = pk
        draw.result = result
        draw.save(update_fields=["result"])
        audit.record(actor=actor, action="draw.run", obj=draw, region_code=region_code,
                     after={"algorithm": algorithm, "seed": seed, "count": count, "weighted": weighted,
                            "candidates": len(candidates), "candidates_sha256": draw.candidates_sha256,
                            "inspectors_sha256": draw.inspectors_sha256, "model_version": model_version,
                            "weights_sha256": draw.weights_sha256})  # fmt: skip
    return draw


TASK_COLUMNS = [
    "id",
    "entity_id",
    "region_id",
    "station_id",
    "kind",
    "status",
    "due_on",
    "draw_id",
    "planned_id",
    "note",
    "created_by_id",
    "created_at",
]  # every column of InspectionTask (a test keeps the list complete)


def verify_draw(draw_id: int) -> dict:
    """Recompute a draw from its frozen lists: the hashes must match the lists and the recomputed picks the
    stored result. {"draw", "reproduced", "problems": [...]}."""
    draw = RandomDraw.objects.get(pk=draw_id)
    problems = []
    weights = None
    if draw.algorithm not in (ALGORITHM, SCORED):
        problems.append(_("算法版本 %(v)s 无法在本版本中复算。") % {"v": draw.algorithm})
    if sha256_of(draw.candidates) != draw.candidates_sha256:
        problems.append(_("候选主体名单的 SHA-256 与记录不符。"))
    if sha256_of(draw.inspectors) != draw.inspectors_sha256:
        problems.append(_("候选执法人员名单的 SHA-256 与记录不符。"))
    if draw.algorithm == SCORED:
        weights = draw.weights
        if not isinstance(weights, list) or sha256_of(weights) != draw.weights_sha256:
            problems.append(_("候选主体权重的 SHA-256 与记录不符。"))
        elif len(weights) != len(draw.candidates) or not all(
            isinstance(w, int | float) and not isinstance(w, bool) and w > 0 for w in weights
        ):
            problems.append(_("候选主体权重与候选名单不对应，或含有不大于 0 的权重。"))
    if not problems:
        again = compute(candidates=draw.candidates, inspectors=draw.inspectors, seed=draw.seed, count=draw.count,
                        weighted=draw.weighted, exclusions=draw.exclusions, weights=weights)  # fmt: skip
        stored = [{k: r[k] for k in ("entity", "uscc", "station", "inspectors")} for r in draw.result]
        if again != stored:
            problems.append(_("复算结果与记录的抽取结果不一致。"))
    return {"draw": draw.pk, "algorithm": draw.algorithm, "reproduced": not problems, "problems": problems}


@transaction.atomic
def publish_draw(*, actor, draw: RandomDraw) -> RandomDraw:
    """Publish a draw's results on the public page (docs/inspections.md §4)."""
    _require_drawer(actor, draw.region_id)
    draw = RandomDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.published_at:
        raise ValidationError({"draw": [_("该抽取结果已于 %(at)s 公示。") % {"at": f"{draw.published_at:%Y-%m-%d}"}]})
    draw.published_at = timezone.now()
    draw.save(update_fields=["published_at"])
    audit.record(actor=actor, action="draw.publish", obj=draw, region_code=draw.region_id,
                 after={"published_at": draw.published_at.isoformat(), "due": str(draw.publish_due)})  # fmt: skip
    return draw


@transaction.atomic
def set_task_inspectors(*, actor, task: InspectionTask, inspector_ids) -> InspectionTask:
    """Replace a task's inspectors by hand: each must be an active inspector of the task's station without a
    declared conflict for the entity, and there must be at least `inspections.min_inspectors` of them."""
    _require_drawer(actor, task.region_id)
    ids = sorted({int(i) for i in inspector_ids})
    need = rules.value(MIN_INSPECTORS.code, task.region_id)
    members = set(Station.inspectors.through.objects.filter(station_id=task.station_id, user__is_active=True)
                  .values_list("user_id", flat=True))  # fmt: skip
    conflicts = set(InspectorConflict.objects.filter(entity_id=task.entity_id).values_list("inspector_id", flat=True))
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "name"))
    errors = []
    for pk in ids:
        if pk not in members:
            errors.append(_("%(name)s 不是本主体所属市场监管所的执法人员。") % {"name": names.get(pk, pk)})
        elif pk in conflicts:
            errors.append(_("%(name)s 已对该主体声明回避。") % {"name": names.get(pk, pk)})
    if len(ids) < need:
        errors.append(_("每次检查至少需要 %(n)s 名执法人员。") % {"n": need})
    if errors:
        raise ValidationError({"inspectors": errors})
    before = sorted(task.inspectors.values_list("pk", flat=True))
    task.inspectors.set(ids)
    audit.record(actor=actor, action="draw.reassign", obj=task, region_code=task.region_id,
                 before={"inspectors": before}, after={"inspectors": ids})  # fmt: skip
    return task
