"""The back-test (docs/riskmodel.md §6), Chicago's two measures: train on the records before the cut-off, take
each entity's first inspection in the `riskmodel.backtest_months` after it, and replay those inspections on the days
they actually took (the same capacity, day by day) in two orders: the model's (highest probability first, features
as of the cut-off) and the plan's (band, then due date). A failure found earlier under the model's order counts
the days it gained; the share of failures found in the first month is given under each order. Nothing is stored.
On demo data the figures show that the method works, not what it would gain on real records."""

import datetime
from dataclasses import asdict, dataclass

import numpy as np
from django.core.exceptions import ValidationError

from shian.core import rules

from .. import fitting, history
from ..ruledefs import BACKTEST_MONTHS
from .training import Settings, fit_before, labelled_rows

NOTE = "演示数据上的回测只说明方法可行，不代表真实环境中的效果。"


@dataclass
class Backtest:
    cutoff: str
    until: str
    inspections: int
    failures: int
    days_earlier_mean: float
    first_month_share_model: float
    first_month_share_baseline: float
    auc: float
    baseline_auc: float
    gradient_boosting_auc: float | None
    note: str = NOTE

    def as_dict(self) -> dict:
        return asdict(self)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    y, m = divmod(day.month - 1 + months, 12)
    first = datetime.date(day.year + y, m + 1, 1)
    return min(first + datetime.timedelta(days=day.day - 1), _month_end(first))


def _month_end(first: datetime.date) -> datetime.date:
    nxt = first.replace(day=28) + datetime.timedelta(days=4)
    return nxt - datetime.timedelta(days=nxt.day)


def replay(order: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """The day each inspection would have had: the k-th in `order` takes the k-th actual day (sorted)."""
    days = np.empty(len(order), dtype=np.int64)
    days[order] = np.sort(slots)
    return days


def run_backtest(*, cutoff: datetime.date, region_code: str = "", compare_boosting: bool = True) -> Backtest:
    """Back-test the method at `cutoff`; refuses a cut-off with no later inspections or too few earlier failures."""
    months = rules.value(BACKTEST_MONTHS.code, region_code, cutoff)
    until = _add_months(cutoff, months)
    h = history.load(region_code)
    ins = h.inspections
    after = (ins.day >= cutoff.toordinal()) & (ins.day < until.toordinal())
    if not after.any():
        raise ValidationError(f"截止日期 {cutoff} 之后（至 {until}）没有检查记录，无法回测。")
    conf = Settings.of(region_code, cutoff)
    params, metrics = fit_before(h, cutoff, region_code, conf)
    # each entity's first inspection after the cut-off: the "next inspection" both orders compete for
    ent, day, key = ins.entity[after], ins.day[after], ins.value[after]
    first = np.lexsort((day, ent))
    ent, day, key = ent[first], day[first], key[first]
    keep = np.r_[True, ent[1:] != ent[:-1]]
    ent, day, y = ent[keep], day[keep], (key[keep] > 0).astype(np.int64)
    X = conf.matrix(h, ent, np.full(len(ent), cutoff.toordinal()))
    model_score, plan_score = fitting.probability(params, X), fitting.baseline_score(X)
    tie = np.argsort(ent)  # ties broken by entity id, alike for both orders
    model_days = replay(np.lexsort((tie, -model_score)), day)
    plan_days = replay(np.lexsort((tie, -plan_score)), day)
    failed = y == 1
    first_month = _add_months(cutoff, 1).toordinal()
    n = int(failed.sum())
    boosted = None
    if compare_boosting and n and len(set(y)) == 2:
        ent_tr, day_tr, y_tr = labelled_rows(h, cutoff.toordinal())
        boosted = round(fitting.gradient_boosting_auc(conf.matrix(h, ent_tr, day_tr), y_tr, X, y), 4)
    two = len(set(y)) == 2
    return Backtest(
        cutoff=cutoff.isoformat(), until=until.isoformat(), inspections=len(y), failures=n,
        days_earlier_mean=round(float((plan_days[failed] - model_days[failed]).mean()), 1) if n else 0.0,
        first_month_share_model=round(float((model_days[failed] < first_month).mean()), 4) if n else 0.0,
        first_month_share_baseline=round(float((plan_days[failed] < first_month).mean()), 4) if n else 0.0,
        auc=round(fitting.auc(y, model_score), 4) if two else metrics["auc"],
        baseline_auc=round(fitting.auc(y, plan_score), 4) if two else metrics["baseline_auc"],
        gradient_boosting_auc=boosted,
    )  # fmt: skip
