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
        self.items, self.seats, self.previous = items, seats, previous
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
        self.arcs: list[list[tuple[int, int]]] = []  # per item: (seat index, cost)
        self.reasons: list[str] = []
        index = {seat.id: i for i, seat in enumerate(seats)}
        for item in items:
            level, region = self._group(item)
            candidates = self._eligible(by_group, level, region, item.department)
            reason = "" if candidates else ("department" if item.department else "level")
            arcs = self._arcs(item, candidates, region, 0, index)
            if (level, region) in short or not candidates:
                up = UP.get(level)
                if up and len(item.region) >= CODE_LENGTH[up]:
                    upper_region = item.region[: CODE_LENGTH[up]]
                    upper = self._eligible(by_group, up, upper_region, item.department)
                    arcs += self._arcs(item, upper, upper_region, FALLBACK_COST, index)
            self.arcs.append(arcs)
            self.reasons.append(reason or "capacity")

    def _arcs(self, item: Item, seats: list[Seat], region: str, base: int, index: dict) -> list[tuple[int, int]]:
        """The arcs from the item to a group's seats: `base`, plus the distance to the group's area, plus the
        change cost for any seat but its current cadre. A group's seats share its region, hence its centre, so
        the distance is computed once per group, not once per seat (a province has 3.9M arcs)."""
        position = (item.lng, item.lat) if item.lng is not None else None
        cost = base + round(KM_COST * _km(position, self.centre.get(region)))
        previous = self.previous.get(item.id)
        if previous is None:
            return [(index[s.id], cost) for s in seats]
        return [(index[s.id], cost if s.id == previous else cost + CHANGE_COST) for s in seats]

    def _group(self, item: Item) -> tuple[str, str]:
        level = self.level_for_grade.get(item.grade, "village")
        length = min(CODE_LENGTH[level], len(item.region))
        return level, item.region[:length]

    @staticmethod
    def _eligible(by_group, level, region, department):
        seats = by_group.get((level, region), [])
        return [s for s in seats if s.department == department] if department else seats

    def solve(self) -> Result:
        n_items, n_seats = len(self.items), len(self.seats)
        source, sink = n_items + n_seats, n_items + n_seats + 1
        tails, heads, caps, costs = [], [], [], []
        for i, arcs in enumerate(self.arcs):
            tails.append(source), heads.append(i), caps.append(1), costs.append(0)
            tails.append(i), heads.append(sink), caps.append(1), costs.append(UNASSIGNED_COST)
            for seat_index, cost in arcs:
                tails.append(i), heads.append(n_items + seat_index), caps.append(1), costs.append(cost)
        first_seat_arc = len(tails)
        for j, seat in enumerate(self.seats):
            fair = self.fair.get(seat.id, 0)
            first = 0 if seat.working else min(1, seat.capacity)
            tails.append(n_items + j), heads.append(sink), caps.append(first), costs.append(-LEADER_BONUS)
            tails.append(n_items + j), heads.append(sink), caps.append(max(0, fair - first)), costs.append(0)
            (
                tails.append(n_items + j),
                heads.append(sink),
                caps.append(seat.capacity - max(fair, first)),
                costs.append(OVERLOAD_COST),
            )
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
            np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64),
        )  # fmt: skip
        supplies = np.zeros(n_items + n_seats + 2, dtype=np.int64)
        supplies[source], supplies[sink] = n_items, -n_items
        flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("min-cost flow did not reach an optimum")
        flows = flow.flows(np.arange(len(tails), dtype=np.int32))
        working = sum(int(flows[arc]) for arc in range(first_seat_arc, len(tails), 3))
        # reported without the bonus, so it compares with greedy() scored by objective_of()
        result = Result(objective=int(flow.optimal_cost()) + LEADER_BONUS * working)
        arc = 0
        for i, arcs in enumerate(self.arcs):
            arc += 1  # source -> item
            if flows[arc]:
                result.unassigned[self.items[i].id] = self.reasons[i]
            arc += 1
            for seat_index, cost in arcs:
                if flows[arc]:
                    result.chosen[self.items[i].id] = self.seats[seat_index].id
                    result.costs[self.items[i].id] = cost
                arc += 1
        return result

    def greedy(self) -> Result:
        """Baseline: each entity in turn takes its cheapest arc with capacity left (nearest available cadre)."""
        load = defaultdict(int)
        result = Result()
        for i, arcs in enumerate(self.arcs):
            item = self.items[i]
            for seat_index, cost in sorted(arcs, key=lambda a: a[1]):
                seat = self.seats[seat_index]
                if load[seat.id] < seat.capacity:
                    load[seat.id] += 1
                    result.chosen[item.id], result.costs[item.id] = seat.id, cost
                    break
            else:
                result.unassigned[item.id] = self.reasons[i]
        result.objective = self.objective_of(result, load)
        return result

    def objective_of(self, result: Result, load: dict[int, int]) -> int:
        """The flow's objective for any assignment: arc costs, overload beyond fair shares, unassigned."""
        free = {s.id: max(self.fair.get(s.id, 0), 0 if s.working else min(1, s.capacity)) for s in self.seats}
        overload = sum(max(0, load[s.id] - free[s.id]) for s in self.seats) * OVERLOAD_COST
        return sum(result.costs.values()) + overload + UNASSIGNED_COST * len(result.unassigned)
