"""The live score of an evaluation (docs/evaluation.md §3): pure functions over rows loaded in a few queries.

A sub-item earns the points the 食安办 assigned, else its indicator's points, else nothing. An item with `pick` n
counts its best n sub-items; an aspect counts its mandatory items and its best `optional_count` optional items.
合理缺项 removes the points that can no longer be earned, and the total is rescaled as earned ÷ (max − NA) × max when
the rule `evaluation.na_rescale` is on. A failed veto fails the evaluation whatever the score. The projection assumes
every open task still in time is completed with full points and every overdue one earns nothing."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from shian.core import rules

from .. import indicators
from ..models import Evaluation, Item, Result, SubItem, Task

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass
class Sub:
    id: int
    no: int
    text: str
    points: Decimal
    may_be_na: bool = False
    veto: bool = False
    indicator: str = ""


@dataclass
class ItemRow:
    id: int
    no: int
    title: str
    points: Decimal
    mandatory: bool
    pick: int
    subs: list[Sub] = field(default_factory=list)


@dataclass
class AspectRow:
    no: int
    name: str
    points: Decimal
    optional_count: int
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class Rows:
    """Everything the score needs: the catalog's tree, the findings and the tasks of one evaluation."""

    max_points: Decimal
    aspects: list[AspectRow]
    vetoes: list[Sub]
    results: dict[int, dict]  # sub_item_id -> {"points", "not_applicable", "veto_failed", "reason"}
    tasks: dict[int, list[tuple[str, datetime.date]]]  # sub_item_id -> [(status, due)]
    indicator_points: dict[int, Decimal] = field(default_factory=dict)
    rescale: bool = True
    figures: dict[int, indicators.Figure] = field(default_factory=dict)  # sub_item_id -> its indicator's figure


def _best(values: list[Decimal], n: int) -> Decimal:
    ordered = sorted(values, reverse=True)
    return sum(ordered[:n] if n else ordered, ZERO)


def sub_earned(rows: Rows, sub: Sub) -> Decimal:
    found = rows.results.get(sub.id) or {}
    if found.get("points") is not None:
        return min(Decimal(found["points"]), sub.points)
    return min(rows.indicator_points.get(sub.id, ZERO), sub.points)


def sub_projected(rows: Rows, sub: Sub, today: datetime.date) -> Decimal:
    found = rows.results.get(sub.id) or {}
    if found.get("points") is not None or sub.id in rows.indicator_points:
        return sub_earned(rows, sub)
    tasks = rows.tasks.get(sub.id) or []
    if tasks and all(status == Task.Status.ACCEPTED or due >= today for status, due in tasks):
        return sub.points
    return ZERO


def _na(rows: Rows, sub: Sub) -> bool:
    return sub.may_be_na and bool((rows.results.get(sub.id) or {}).get("not_applicable"))


def _item(rows: Rows, item: ItemRow, value) -> tuple[Decimal, Decimal]:
    """(earned, available max) of one item, its pick rule applied, 合理缺项 sub-items left out."""
    live = [s for s in item.subs if not _na(rows, s)]
    available = min(_best([s.points for s in live], item.pick), item.points)
    earned = min(_best([value(s) for s in live], item.pick), available)
    return earned, available


def _aspect(rows: Rows, aspect: AspectRow, value) -> tuple[Decimal, Decimal, dict]:
    per_item = {it.no: _item(rows, it, value) for it in aspect.items}
    mandatory = [it for it in aspect.items if it.mandatory]
    optional = [it for it in aspect.items if not it.mandatory]
    earned = sum((per_item[it.no][0] for it in mandatory), ZERO)
    available = sum((per_item[it.no][1] for it in mandatory), ZERO)
    earned += _best([per_item[it.no][0] for it in optional], aspect.optional_count) if optional else ZERO
    available += _best([per_item[it.no][1] for it in optional], aspect.optional_count) if optional else ZERO
    return earned, min(available, aspect.points), per_item


def _total(rows: Rows, value) -> tuple[Decimal, Decimal, dict, dict]:
    earned = available = ZERO
    by_aspect, by_item = {}, {}
    for aspect in rows.aspects:
        a_earned, a_available, per_item = _aspect(rows, aspect, value)
        earned += a_earned
        available += a_available
        by_aspect[aspect.name] = float(a_earned.quantize(CENT))
        by_item.update({str(no): [float(e), float(av)] for no, (e, av) in per_item.items()})
    na = rows.max_points - available
    total = earned
    if rows.rescale and na > 0 and available > 0:
        total = earned / available * rows.max_points
    return total.quantize(CENT), na, by_aspect, by_item


def compute(rows: Rows, today: datetime.date) -> dict:
    """The score as the CLI and the pages show it (plus `by_item`: item no -> [earned, available])."""
    total, na, by_aspect, by_item = _total(rows, lambda s: sub_earned(rows, s))
    projected, *_ = _total(rows, lambda s: sub_projected(rows, s, today))
    vetoed = []
    for v in rows.vetoes:
        found, figure = rows.results.get(v.id) or {}, rows.figures.get(v.id)
        reasons = [found.get("reason", "")] if found.get("veto_failed") else []
        if figure is not None and figure.failed:  # the figure fails it whatever the 食安办 decided
            reasons.append(f"{indicators.FAILED_BY}{figure.text}")
        if reasons:
            vetoed.append({"no": v.no, "text": v.text, "reason": "；".join(r for r in reasons if r)})
    return {"total": float(total), "max": float(rows.max_points), "by_aspect": by_aspect,
            "not_applicable": float(na), "veto_failed": vetoed, "projected": float(projected),
            "by_item": by_item, "indicators": figures(rows)}  # fmt: skip


def figures(rows: Rows) -> list[dict]:
    """Each automatic sub-item's figures, as the API and `evaluation_score --json` give them, so that every point
    of the score can be traced: `points` are what the indicator earns, `used` whether they are the sub-item's
    points (no points assigned by the 食安办, not 合理缺项), `failed` whether the figure fails a veto."""
    where = {s.id: (a.name, it.no, s) for a in rows.aspects for it in a.items for s in it.subs}
    where.update({v.id: ("", None, v) for v in rows.vetoes})
    out = []
    for sub_id, figure in rows.figures.items():
        aspect, item, sub = where[sub_id]
        assigned = (rows.results.get(sub_id) or {}).get("points") is not None
        out.append({
            "no": sub.no, "aspect": aspect, "item": item, "indicator": figure.key, "label": figure.label,
            "on": figure.on.isoformat(), "stored": figure.stored, "veto": sub.veto,
            "max": None if sub.veto else float(sub.points),
            "points": None if sub.veto else float(rows.indicator_points.get(sub_id, ZERO)),
            "used": not sub.veto and not assigned and not _na(rows, sub), "failed": figure.failed,
            "kpis": [{"key": r["key"], "label": r["label"], "value": r["value"], "text": r["text"],
                      "threshold": float(r["threshold"]), "link": r["link"]} for r in figure.rows],
            "note": figure.note,
        })  # fmt: skip
    return sorted(out, key=lambda f: f["no"])


def fill_indicators(rows: Rows, region_code: str, as_of: datetime.date) -> None:
    """Each automatic sub-item's figure on `as_of` (docs/evaluation.md §6) and the points it earns."""
    subs = [s for a in rows.aspects for it in a.items for s in it.subs if s.indicator] + [
        v for v in rows.vetoes if v.indicator
    ]
    if not subs:
        return
    figures = indicators.evaluate(region_code, as_of, {s.indicator for s in subs})
    for sub in subs:
        figure = figures.get(sub.indicator)
        if figure is None:
            continue
        rows.figures[sub.id] = figure
        if not sub.veto:
            rows.indicator_points[sub.id] = figure.points(sub.points)


def load_rows(evaluation: Evaluation, as_of: datetime.date | None = None) -> Rows:
    """The evaluation's rows in four queries, and the automatic indicators' figures on `as_of` (default today)."""
    catalog = evaluation.catalog
    aspects: dict[int, AspectRow] = {a.id: AspectRow(a.no, a.name, a.points, a.optional_count)
                                     for a in catalog.aspects.order_by("no")}  # fmt: skip
    items: dict[int, ItemRow] = {}
    for it in Item.objects.filter(aspect__catalog=catalog).order_by("aspect__no", "no"):
        items[it.id] = ItemRow(it.id, it.no, it.title, it.points, it.mandatory, it.pick)
        aspects[it.aspect_id].items.append(items[it.id])
    vetoes = []
    for s in SubItem.objects.filter(catalog=catalog).order_by("no"):
        sub = Sub(s.id, s.no, s.text, s.points, s.may_be_na, s.veto, s.indicator)
        if s.veto:
            vetoes.append(sub)
        elif s.item_id in items:
            items[s.item_id].subs.append(sub)
    results = {r["sub_item_id"]: r for r in Result.objects.filter(evaluation=evaluation).values(
        "sub_item_id", "points", "not_applicable", "veto_failed", "reason")}  # fmt: skip
    tasks: dict[int, list] = {}
    for sub_id, status, due in Task.objects.filter(evaluation=evaluation).values_list("sub_item_id", "status", "due"):
        tasks.setdefault(sub_id, []).append((status, due))
    rescale = bool(rules.value("evaluation.na_rescale", evaluation.region_id))
    rows = Rows(catalog.total_points, list(aspects.values()), vetoes, results, tasks, rescale=rescale)
    fill_indicators(rows, evaluation.region_id, as_of or timezone.localdate())
    return rows


def score(evaluation: Evaluation, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    return compute(load_rows(evaluation, today), today)
