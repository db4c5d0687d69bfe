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


class Problem:
    """The arcs for one region's entities and cadres; `solve()` is optimal, `greedy()` is the baseline."""

    def __init__(self, items: list[Item], seats: list[Seat], level_for_grade: dict, previous: dict[int, int]):
        self.items, self.seats = items, seats
        self.level_for_grade = level_for_grade
        by_group = defaultdict(list)  # (level, region) -> seats
        for seat in seats:
            by_group[(seat.level, seat.region)].append(seat)
        points = defaultdict(list)  # where each region's entities are, for the cadres' position
        for item in items:
            if item.lng is not None:
                for length in (4, 6, 9, 12):
                    if len(item.region) >= length:
                        points[item.region[:length]].append((item.lng, item.lat))
        self.centre = {
            code: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)) for code, pts in points.items()
        }
        demand = defaultdict(int)
        for item in items:
            demand[self._group(item)] += 1
        self.fair = {}
        for group, group_seats in by_group.items():
            share = math.ceil(demand.get(group, 0) / len(group_seats)) if group_seats else 0
            for seat in group_seats:
                self.fair[seat.id] = min(seat.capacity, share)
        short = {g for g, n in demand.items() if n > sum(s.capacity for s in by_group.get(g, []))}
        self.reasons: list[str] = []
        # The arcs are built block by block: the items that share a cadre group (and department) share its seats,
        # so each block is a product laid out by numpy, not 3.9M tuples built one by one (docs/performance.md).
        index = {seat.id: j for j, seat in enumerate(seats)}
        eligible: dict[tuple, np.ndarray] = {}  # (level, region, department) -> seat indexes

        def seats_of(key: tuple) -> np.ndarray:
            if key not in eligible:
                group = self._eligible(by_group, *key)
                eligible[key] = np.array([index[seat.id] for seat in group], dtype=np.int64)
            return eligible[key]

        blocks: dict[tuple, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))  # -> (items, costs)
        for i, item in enumerate(items):
            level, region = self._group(item)
            position = (item.lng, item.lat) if item.lng is not None else None
            key = (level, region, item.department)
            candidates = seats_of(key)
            if len(candidates):
                members, costs = blocks[(*key, 0)]
                members.append(i), costs.append(round(KM_COST * _km(position, self.centre.get(region))))
            if (level, region) in short or not len(candidates):
                up = UP.get(level)
                if up and len(item.region) >= CODE_LENGTH[up]:
                    upper_region = item.region[: CODE_LENGTH[up]]
                    upper_key = (up, upper_region, item.department)
                    if len(seats_of(upper_key)):
                        members, costs = blocks[(*upper_key, 1)]
                        km = round(KM_COST * _km(position, self.centre.get(upper_region)))
                        members.append(i), costs.append(FALLBACK_COST + km)
            self.reasons.append(("department" if item.department else "level") if not len(candidates) else "capacity")
        parts = [[], [], [], []]  # item, seat, cost, fallback (0/1) per arc
        for (*key, fallback), (members, costs) in blocks.items():
            block = eligible[tuple(key)]
            parts[0].append(np.repeat(np.array(members, dtype=np.int64), len(block)))
            parts[1].append(np.tile(block, len(members)))
            parts[2].append(np.repeat(np.array(costs, dtype=np.int64), len(block)))
            parts[3].append(np.full(len(members) * len(block), fallback, dtype=np.int8))
        arc_item, arc_seat, arc_cost, arc_up = (np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for p in parts)
        # an item's arcs: its own level's cadres, then the level above, each in the roster's order
        order = np.lexsort((arc_up, arc_item))
        self.arc_item, self.arc_seat, self.arc_cost = arc_item[order], arc_seat[order], arc_cost[order]
        seat_ids = np.array([seat.id for seat in seats], dtype=np.int64)
        current = np.full(len(items), -1, dtype=np.int64)  # each item's current cadre id, -1 for none
        for i, item in enumerate(items):
            cadre = previous.get(item.id)
            if cadre is not None:
                current[i] = cadre
        before = current[self.arc_item]
        self.arc_cost += CHANGE_COST * ((before >= 0) & (seat_ids[self.arc_seat] != before))
        self.seat_ids = seat_ids

    def _group(self, item: Item) -> tuple[str, str]:
        level = self.level_for_grade.get(item.grade, "village")
        length = min(CODE_LENGTH[level], len(item.region))
        return level, item.region[:length]

    @staticmethod
    def _eligible(by_group, level, region, department):
        seats = by_group.get((level, region), [])
        return [s for s in seats if s.department == department] if department else seats

    def solve(self) -> Result:
        """Arcs laid out as before the arrays: per item its source arc, its arc to the sink (unassigned), its
        cadre arcs; then three arcs per cadre (the first-entity bonus, the fair share, the overload)."""
        n_items, n_seats, n_arcs = len(self.items), len(self.seats), len(self.arc_item)
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
        supplies = np.zeros(n_items + n_seats + 2, dtype=np.int64)
        supplies[source], supplies[sink] = n_items, -n_items
        flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("min-cost flow did not reach an optimum")
        flows = flow.flows(np.arange(total, dtype=np.int32))
        working = int(flows[first_seat_arc::3].sum())
        # reported without the bonus, so it compares with greedy() scored by objective_of()
        result = Result(objective=int(flow.optimal_cost()) + LEADER_BONUS * working)
        ids = [item.id for item in self.items]
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
        arc_items = self.arc_item[order].tolist()
        arc_seats, arc_costs = self.arc_seat[order].tolist(), self.arc_cost[order].tolist()
        capacity = [seat.capacity for seat in self.seats]
        load_of = [0] * len(self.seats)
        placed = [False] * len(self.items)
        result = Result()
        for i, j, cost in zip(arc_items, arc_seats, arc_costs, strict=True):
            if not placed[i] and load_of[j] < capacity[j]:
                load_of[j] += 1
                placed[i] = True
                result.chosen[self.items[i].id], result.costs[self.items[i].id] = self.seats[j].id, cost
        for i, item in enumerate(self.items):
            if not placed[i]:
                result.unassigned[item.id] = self.reasons[i]
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
