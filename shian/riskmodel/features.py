"""The model's features (docs/riskmodel.md §1), computed set-based with numpy for many (entity, day) pairs at
once from a `History` of event columns. Every count is of records dated strictly before the day: events are keyed
entity × 2^20 + day ordinal, sorted once, and each query is a `searchsorted` with side="left" on the query's own
key, so an event on the day of an inspection (or later) is never counted: no leakage by construction."""

import datetime
from dataclasses import dataclass, field

import numpy as np

SHIFT = 20  # day ordinals (< 2^20) in the low bits of an entity × day key

# (code, label). The order is the model's column order; a stored model whose list differs is refused.
FEATURES = (
    ("format_catering", "餐饮服务或单位食堂"),
    ("format_small", "三小（小作坊、小餐饮、摊贩）"),
    ("format_production", "食品生产或特殊食品"),
    ("scale_diners", "就餐人数（对数）"),
    ("scale_sales", "年销售额档次"),
    ("risk_band", "风险等级（A=1 低风险 … D=4）"),
    ("days_since_last", "距上次检查天数"),
    ("past_key_failures", "既往重点项不符合次数"),
    ("last_key_failed", "上次检查重点项不符合"),
    ("failed_samples", "近期抽检不合格批次"),
    ("complaints", "近期受理的投诉举报"),
    ("problems_open", "未销号的包保问题"),
    ("problems_overdue", "逾期未整改的包保问题"),
    ("duty_rate", "近期日管控完成率"),
    ("licence_years", "许可证年限"),
    ("credit_band", "信用等级（A=1 … D=4，未评为0）"),
    ("summer", "夏季（6–9月）"),
)
CODES = tuple(code for code, _label in FEATURES)
LABELS = dict(FEATURES)
BANDS = {"A": 1, "B": 2, "C": 3, "D": 4}
UNGRADED_BAND = 2  # the plan plans an ungraded entity as band B (docs/inspections.md §3)
SALES = {"lt1m": 1, "1m_10m": 2, "10m_100m": 3, "gt100m": 4}
CATERING_TYPES = ("catering", "canteen")
SMALL_TYPES = ("small",)
PRODUCTION_TYPES = ("production", "special")
SUMMER = (6, 7, 8, 9)
UNKNOWN = ("", None, "")  # an entity the history does not hold


def _i(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


@dataclass
class Events:
    """Dated events of one kind: entity ids, day ordinals and an optional value per event."""

    entity: np.ndarray
    day: np.ndarray
    value: np.ndarray | None = None

    @classmethod
    def of(cls, rows, with_value: bool = False) -> "Events":
        rows = list(rows)
        entity = _i([r[0] for r in rows])
        day = _i([r[1] for r in rows])
        value = np.asarray([r[2] for r in rows], dtype=np.float64) if with_value else None
        return cls(entity, day, value)

    def keys(self) -> tuple[np.ndarray, np.ndarray]:
        key = (self.entity << SHIFT) | self.day
        order = np.argsort(key, kind="stable")
        return key[order], order


@dataclass
class History:
    """Everything the features read, as columns. `entities`: id -> (business_type, diners, sales_band)."""

    entities: dict[int, tuple] = field(default_factory=dict)
    inspections: Events = None  # value: 重点项不符合数
    failed_samples: Events = None
    complaints: Events = None
    problems_found: Events = None
    problems_closed: Events = None
    problems_due: Events = None  # the due day of every problem
    problems_due_closed: Events = None  # max(due, closed) of the closed ones: overdue no longer after that
    daily_checks: Events = None
    licences: Events = None  # first licence issued
    grades: Events = None  # value: band 1..4, day graded
    credit: Events = None  # value: band 1..4, day computed


def count_before(events: Events, ent: np.ndarray, day: np.ndarray, window: int | None = None) -> np.ndarray:
    """Events of each entity dated before its day (within `window` days before it when given)."""
    if events is None or not len(events.entity):
        return np.zeros(len(ent), dtype=np.int64)
    keys, _order = events.keys()
    q = (ent << SHIFT) | day
    lo = (ent << SHIFT) if window is None else (ent << SHIFT) | np.maximum(day - window, 0)
    return np.searchsorted(keys, q, side="left") - np.searchsorted(keys, lo, side="left")


def last_before(events: Events, ent: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each entity's latest event before its day: (found?, its day, its value)."""
    n = len(ent)
    if events is None or not len(events.entity):
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), np.zeros(n)
    keys, order = events.keys()
    idx = np.searchsorted(keys, (ent << SHIFT) | day, side="left") - 1
    safe = np.maximum(idx, 0)
    found = (idx >= 0) & (events.entity[order][safe] == ent)
    values = events.value[order][safe] if events.value is not None else np.zeros(n)
    return found, np.where(found, events.day[order][safe], 0), np.where(found, values, 0.0)


def compute(history: History, ent, day, *, window: int, duty_window: int, days_cap: int) -> np.ndarray:
    """The feature matrix (rows: the (entity, day) pairs; columns: CODES) as of each day, before it."""
    ent, day = _i(ent), _i(day)
    n = len(ent)
    info = [history.entities.get(e, UNKNOWN) for e in ent.tolist()]
    types = np.array([i[0] for i in info], dtype=object)
    diners = np.array([i[1] or 0 for i in info], dtype=np.float64)
    sales = np.array([SALES.get(i[2], 0) for i in info], dtype=np.float64)
    h = history
    found, last_day, last_key = last_before(h.inspections, ent, day)
    since = np.where(found, np.minimum(day - last_day, days_cap), days_cap)
    key_fail = None
    if h.inspections is not None and len(h.inspections.entity):
        mask = h.inspections.value > 0
        key_fail = Events(h.inspections.entity[mask], h.inspections.day[mask])
    overdue = count_before(h.problems_due, ent, day) - count_before(h.problems_due_closed, ent, day)
    graded, _g, band = last_before(h.grades, ent, day)
    rated, _c, credit = last_before(h.credit, ent, day)
    has_licence, first_licence, _v = last_before(h.licences, ent, day)
    days, at = np.unique(day, return_inverse=True)  # a few hundred distinct days for a million rows
    months = np.array([_month(d) for d in days.tolist()], dtype=np.int64)[at] if n else np.zeros(0)
    columns = {
        "format_catering": np.isin(types, CATERING_TYPES),
        "format_small": np.isin(types, SMALL_TYPES),
        "format_production": np.isin(types, PRODUCTION_TYPES),
        "scale_diners": np.log1p(diners),
        "scale_sales": sales,
        "risk_band": np.where(graded, band, UNGRADED_BAND),
        "days_since_last": since,
        "past_key_failures": count_before(key_fail, ent, day),
        "last_key_failed": found & (last_key > 0),
        "failed_samples": count_before(h.failed_samples, ent, day, window),
        "complaints": count_before(h.complaints, ent, day, window),
        "problems_open": count_before(h.problems_found, ent, day) - count_before(h.problems_closed, ent, day),
        "problems_overdue": overdue,
        "duty_rate": count_before(h.daily_checks, ent, day, duty_window) / max(duty_window, 1),
        "licence_years": np.where(has_licence, (day - first_licence) / 365.25, 0.0),
        "credit_band": np.where(rated, credit, 0),
        "summer": np.isin(months, SUMMER),
    }
    return (
        np.column_stack([np.asarray(columns[c], dtype=np.float64) for c in CODES]) if n else np.zeros((0, len(CODES)))
    )


def _month(ordinal: int) -> int:
    return datetime.date.fromordinal(ordinal).month
