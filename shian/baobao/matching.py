"""包保 assignment as a min-cost flow (docs/domain.md §4.4, docs/baobao.md): entity -> eligible cadre -> sink.

Hard constraints are the arcs that exist: a cadre may take an entity only if its region contains the
entity's region, it sits at the level the grade demands (or, where that level lacks capacity, one level up
at a penalty), and its department matches where the entity type has one; per-cadre capacity is the arc
capacity to the sink. Soft objectives are arc costs: distance, keeping the current cadre, and a balanced
workload (units beyond a cadre's fair share cost extra); a cadre's first entity earns a bonus, so every
cadre who can take an entity gets at least one. Every entity also has an arc straight to the
sink at a prohibitive cost, so the flow is always feasible and what stays there is reported as a shortage.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

LEVELS = ("city", "county", "township", "village")
CODE_LENGTH = {"city": 4, "county": 6, "township": 9, "village": 12}
UP = {"village": "township", "township": "county", "county": "city"}
FALLBACK_COST = 1_000  # one level up (上级兜底) only where the right level is short
CHANGE_COST = 60  # moving an entity away from its current cadre (continuity)
OVERLOAD_COST = 25  # each entity beyond a cadre's fair share (balanced workload)
UNASSIGNED_COST = 1_000_000
LEADER_BONUS = 500  # a cadre's first entity: every listed leader guarantees at least one (Qingdao principle 1)
KM_COST = 2  # per kilometre between the entity and the cadre's area
GREEDY_CHUNK = 100_000  # arcs the greedy baseline turns into Python values at a time


@dataclass(frozen=True)
class Item:
    """An entity to place: its id, grade, region code, required department (or None) and position."""

    id: int
    grade: str
    region: str
    department: str | None
    lng: float | None
    lat: float | None


@dataclass(frozen=True)
class Seat:
    """A cadre who can take entities: id, level, region code, department, capacity left, and whether they
    already guarantee someone (then their first entity earns no bonus)."""

    id: int
    level: str
    region: str
    department: str | None
    capacity: int
    working: bool = False


@dataclass
class Items:
    """The entities to place as columns, in their order: ids, grades, region codes, required departments (None for
    none) and positions (None where unknown). A city's 65,000 `Item` objects cost more to build than its arcs."""

    ids: list[int]
    grades: list[str]
    regions: list[str]
    departments: list[str | None]
    lng: list[float | None]
    lat: list[float | None]

    @classmethod
    def of(cls, items: list[Item]) -> "Items":
        return cls(*([getattr(item, name) for item in items] for name in ("id", "grade", "region", "department",
                                                                          "lng", "lat")))  # fmt: skip


@dataclass
class Result:
    chosen: dict[int, int] = field(default_factory=dict)  # entity id -> cadre id
    costs: dict[int, int] = field(default_factory=dict)
    unassigned: dict[int, str] = field(default_factory=dict)  # entity id -> reason key
    objective: int = 0


def _km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if not a or not b:
        return 0.0
    dx = (a[0] - b[0]) * 111.3 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, (a[1] - b[1]) * 111.3)


def _factorize(values) -> tuple[np.ndarray, list]:
    """Each value's index among the distinct values (in order of first appearance), and those values."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64)
    return codes, list(index)


class Problem:
    """The arcs for one region's entities and cadres; `solve()` is optimal, `greedy()` is the baseline."""

    def __init__(self, items: "list[Item] | Items", seats: list[Seat], level_for_grade: dict, previous: dict[int, int]):
        cols = items if isinstance(items, Items) else Items.of(items)
        self.ids, self.seats = cols.ids, seats
        n_items = len(cols.ids)
        by_group = defaultdict(list)  # (level, region) -> seats
        for seat in seats:
            by_group[(seat.level, seat.region)].append(seat)
        # The work is done once per distinct (grade, region, department) of the items, then spread to the items by
        # numpy: a city has 65,000 entities but a few thousand such keys (docs/performance.md).
        item_region, regions = _factorize(cols.regions)
        placed = np.array([x is not None for x in cols.lng], dtype=bool)
        xs = np.array([0.0 if x is None else x for x in cols.lng], dtype=np.float64)
        ys = np.array([0.0 if x is None else y for x, y in zip(cols.lng, cols.lat, strict=True)], dtype=np.float64)
        self.centre = {}  # where each region's entities are, for the cadres' position: the mean in the items' order
        for length in (4, 6, 9, 12):
            prefix_of_region, prefixes = _factorize(r[:length] if len(r) >= length else None for r in regions)
            prefix = prefix_of_region[item_region]
            take = placed & np.array([p is not None for p in prefixes], dtype=bool)[prefix]
            counts = np.bincount(prefix[take], minlength=len(prefixes))  # bincount adds in order, as sum() did
            sums_x = np.bincount(prefix[take], weights=xs[take], minlength=len(prefixes))
            sums_y = np.bincount(prefix[take], weights=ys[take], minlength=len(prefixes))
            for k, code in enumerate(prefixes):
                if code is not None and counts[k]:
                    self.centre[code] = (float(sums_x[k] / counts[k]), float(sums_y[k] / counts[k]))
        item_key, keys = _factorize(zip(cols.grades, item_region.tolist(), cols.departments, strict=True))
        per_key = np.bincount(item_key, minlength=len(keys))
        groups = []  # each key's (level, region) cadre group
        demand = defaultdict(int)
        for k, (grade, r, _department) in enumerate(keys):
            level = level_for_grade.get(grade, "village")
            region = regions[r]
            groups.append((level, region[: min(CODE_LENGTH[level], len(region))]))
            demand[groups[-1]] += int(per_key[k])
        self.fair = {}
        for group, group_seats in by_group.items():
            share = math.ceil(demand.get(group, 0) / len(group_seats)) if group_seats else 0
            for seat in group_seats:
                self.fair[seat.id] = min(seat.capacity, share)
        short = {g for g, n in demand.items() if n > sum(s.capacity for s in by_group.get(g, []))}
        index = {seat.id: j for j, seat in enumerate(seats)}
        eligible: dict[tuple, np.ndarray] = {}  # (level, region, department) -> seat indexes

        def seats_of(key: tuple) -> np.ndarray:
            if key not in eligible:
                group = self._eligible(by_group, *key)
                eligible[key] = np.array([index[seat.id] for seat in group], dtype=np.int64)
            return eligible[key]

        own, upper, reasons = [], [], []  # per key: its cadres, (region, cadres) one level up or None, the reason
        for k, (_grade, r, department) in enumerate(keys):
            level, region = groups[k]
            candidates = seats_of((level, region, department))
            own.append(candidates)
            reasons.append(("department" if department else "level") if not len(candidates) else "capacity")
            fallback = None
            up = UP.get(level)
            if (groups[k] in short or not len(candidates)) and up and len(regions[r]) >= CODE_LENGTH[up]:
                upper_region = regions[r][: CODE_LENGTH[up]]
                if len(seats_of((up, upper_region, department))):
                    fallback = (upper_region, eligible[(up, upper_region, department)])
            upper.append(fallback)
        self.reasons = [reasons[k] for k in item_key.tolist()]
        positions = [(x, y) if x is not None else None for x, y in zip(cols.lng, cols.lat, strict=True)]
        members_of = np.split(np.argsort(item_key, kind="stable"), np.cumsum(per_key)[:-1]) if n_items else []
        parts = [[], [], [], []]  # item, seat, cost, fallback (0/1) per arc
        for k, members in enumerate(members_of):
            blocks = [(0, groups[k][1], own[k], 0)] + ([(1, *upper[k], FALLBACK_COST)] if upper[k] else [])
            for fallback, region, block, extra in blocks:
                if not len(block):
                    continue
                centre = self.centre.get(region)
                costs = [extra + round(KM_COST * _km(positions[i], centre)) for i in members.tolist()]
                parts[0].append(np.repeat(members, len(block)))
                parts[1].append(np.tile(block, len(members)))
                parts[2].append(np.repeat(np.array(costs, dtype=np.int64), len(block)))
                parts[3].append(np.full(len(members) * len(block), fallback, dtype=np.int8))
        # Each column is joined, then its pieces let go, and each is sorted and its unsorted copy let go: a city of
        # 140,000 entities has 1.3M arcs, and a worker solves it beside another (docs/performance.md).
        columns = []
        for part in parts:
            columns.append(np.concatenate(part) if part else np.zeros(0, dtype=np.int64))
            part.clear()
        # an item's arcs: its own level's cadres, then the level above, each in the roster's order
        arc_item, arc_seat, arc_cost, arc_up = columns
        del columns
        order = np.lexsort((arc_up, arc_item))
        del arc_up
        self.arc_item = arc_item[order]
        del arc_item
        self.arc_seat = arc_seat[order]
        del arc_seat
        self.arc_cost = arc_cost[order]
        del arc_cost, order
        seat_ids = np.array([seat.id for seat in seats], dtype=np.int64)
        current = np.array([previous.get(pk, -1) for pk in cols.ids], dtype=np.int64)  # each item's cadre, or -1
        before = current[self.arc_item]
        self.arc_cost += CHANGE_COST * ((before >= 0) & (seat_ids[self.arc_seat] != before))
        self.seat_ids = seat_ids

    @staticmethod
    def _eligible(by_group, level, region, department):
        seats = by_group.get((level, region), [])
        return [s for s in seats if s.department == department] if department else seats

    def solve(self) -> Result:
        """Arcs laid out as before the arrays: per item its source arc, its arc to the sink (unassigned), its
        cadre arcs; then three arcs per cadre (the first-entity bonus, the fair share, the overload)."""
        n_items, n_seats, n_arcs = len(self.ids), len(self.seats), len(self.arc_item)
        source, sink = n_items + n_seats, n_items + n_seats + 1
        items = np.arange(n_items, dtype=np.int64)
        starts = np.searchsorted(self.arc_item, items) + 2 * items  # each item's source arc
        total = n_items * 2 + n_arcs + 3 * n_seats
        tails, heads = np.empty(total, dtype=np.int32), np.empty(total, dtype=np.int32)
        caps, costs = np.ones(total, dtype=np.int64), np.zeros(total, dtype=np.int64)
        tails[starts], heads[starts] = source, items
        tails[starts + 1], heads[starts + 1], costs[starts + 1] = items, sink, UNASSIGNED_COST
        at = np.arange(n_arcs, dtype=np.int64) + 2 * (self.arc_item + 1)
        tails[at], heads[at], costs[at] = self.arc_item, n_items + self.arc_seat, self.arc_cost
        first_seat_arc = n_items * 2 + n_arcs
        capacity = np.array([seat.capacity for seat in self.seats], dtype=np.int64)
        fair = np.array([self.fair.get(seat.id, 0) for seat in self.seats], dtype=np.int64)
        first = np.array([0 if seat.working else min(1, seat.capacity) for seat in self.seats], dtype=np.int64)
        bonus = first_seat_arc + 3 * np.arange(n_seats, dtype=np.int64)
        for k in (bonus, bonus + 1, bonus + 2):
            tails[k], heads[k] = n_items + np.arange(n_seats), sink
        caps[bonus], caps[bonus + 1], caps[bonus + 2] = (
            first,
            np.maximum(0, fair - first),
            capacity - np.maximum(fair, first),
        )
        costs[bonus], costs[bonus + 1], costs[bonus + 2] = -LEADER_BONUS, 0, OVERLOAD_COST
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        del tails, heads, caps, costs  # copied into the solver's graph
        supplies = np.zeros(n_items + n_seats + 2, dtype=np.int64)
        supplies[source], supplies[sink] = n_items, -n_items
        flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("min-cost flow did not reach an optimum")
        flows = flow.flows(np.arange(total, dtype=np.int32))
        working = int(flows[first_seat_arc::3].sum())
        # reported without the bonus, so it compares with greedy() scored by objective_of()
        result = Result(objective=int(flow.optimal_cost()) + LEADER_BONUS * working)
        ids = self.ids
        for i in np.flatnonzero(flows[starts + 1]).tolist():
            result.unassigned[ids[i]] = self.reasons[i]
        used = np.flatnonzero(flows[at])
        chosen_items = [ids[i] for i in self.arc_item[used].tolist()]
        result.chosen = dict(zip(chosen_items, self.seat_ids[self.arc_seat[used]].tolist(), strict=True))
        result.costs = dict(zip(chosen_items, self.arc_cost[used].tolist(), strict=True))
        return result

    def greedy(self) -> Result:
        """Baseline: each entity in turn takes its cheapest arc with capacity left (nearest available cadre)."""
        order = np.lexsort((np.arange(len(self.arc_item)), self.arc_cost, self.arc_item))
        capacity = [seat.capacity for seat in self.seats]
        load_of = [0] * len(self.seats)
        placed = [False] * len(self.ids)
        result = Result()
        for start in range(0, len(order), GREEDY_CHUNK):  # as Python lists a chunk at a time: 1.3M arcs cost 90 MB
            take = order[start : start + GREEDY_CHUNK]
            items, seats, costs = (
                self.arc_item[take].tolist(),
                self.arc_seat[take].tolist(),
                self.arc_cost[take].tolist(),
            )
            for i, j, cost in zip(items, seats, costs, strict=True):
                if not placed[i] and load_of[j] < capacity[j]:
                    load_of[j] += 1
                    placed[i] = True
                    result.chosen[self.ids[i]], result.costs[self.ids[i]] = self.seats[j].id, cost
        for i, pk in enumerate(self.ids):
            if not placed[i]:
                result.unassigned[pk] = self.reasons[i]
        load = defaultdict(int)
        for j, n in enumerate(load_of):
            if n:
                load[self.seats[j].id] += n
        result.objective = self.objective_of(result, load)
        return result

    def objective_of(self, result: Result, load: dict[int, int]) -> int:
        """The flow's objective for any assignment: arc costs, overload beyond fair shares, unassigned."""
        free = {s.id: max(self.fair.get(s.id, 0), 0 if s.working else min(1, s.capacity)) for s in self.seats}
        overload = sum(max(0, load[s.id] - free[s.id]) for s in self.seats) * OVERLOAD_COST
        return sum(result.costs.values()) + overload + UNASSIGNED_COST * len(result.unassigned)
