"""Features (docs/riskmodel.md §1) on plain columns: nothing dated on or after an inspection's day is read (the
leakage test), each count means what it says, and a planted signal is found by the fitted model."""

import dataclasses
import datetime

import numpy as np

from shian.riskmodel import features, fitting
from shian.riskmodel.features import CODES, Events, History

DAY = datetime.date(2026, 6, 15).toordinal()
KW = {"window": 365, "duty_window": 28, "days_cap": 1095}
DATED = ("inspections", "failed_samples", "complaints", "problems_found", "problems_closed", "problems_due",
         "problems_due_closed", "daily_checks", "licences", "grades", "credit")  # fmt: skip


def _history() -> History:
    """Entity 1 with a little of everything before DAY; entity 2 with nothing."""
    ev = lambda rows, v=False: Events.of(rows, with_value=v)  # noqa: E731
    return History(
        entities={1: ("catering", 120, ""), 2: ("sales", None, "1m_10m")},
        inspections=ev([(1, DAY - 400, 1), (1, DAY - 100, 0)], True),
        failed_samples=ev([(1, DAY - 30), (1, DAY - 500)]),
        complaints=ev([(1, DAY - 10)]),
        problems_found=ev([(1, DAY - 60), (1, DAY - 50)]),
        problems_closed=ev([(1, DAY - 40)]),
        problems_due=ev([(1, DAY - 45), (1, DAY - 20)]),
        problems_due_closed=ev([(1, DAY - 40)]),
        daily_checks=ev([(1, DAY - d) for d in range(1, 15)]),
        licences=ev([(1, DAY - 730)]),
        grades=ev([(1, DAY - 200, 3)], True),
        credit=ev([(1, DAY - 5, 2)], True),
    )


def _row(h, entity=1, day=DAY) -> dict:
    return dict(zip(CODES, features.compute(h, [entity], [day], **KW)[0], strict=True))


def test_each_feature_counts_what_it_says():
    f = _row(_history())
    assert f["format_catering"] == 1 and f["format_small"] == 0 and f["scale_diners"] == np.log1p(120)
    assert f["days_since_last"] == 100 and f["past_key_failures"] == 1 and f["last_key_failed"] == 0
    assert f["failed_samples"] == 1  # the one 500 days back is outside the window
    assert f["complaints"] == 1 and f["problems_open"] == 1 and f["problems_overdue"] == 1
    assert f["duty_rate"] == 14 / 28 and f["risk_band"] == 3 and f["credit_band"] == 2
    assert round(f["licence_years"], 2) == 2.0 and f["summer"] == 1
    other = _row(_history(), entity=2)
    assert other["days_since_last"] == 1095 and other["risk_band"] == features.UNGRADED_BAND
    assert other["scale_sales"] == 2 and other["past_key_failures"] == 0


def test_no_record_on_or_after_the_inspection_day_is_read():
    """Adding, to every kind of record, events dated on the day and after it changes no feature of that day;
    the same events a day earlier do change them (so the test could fail)."""
    base = _history()
    before = features.compute(base, [1], [DAY], **KW)
    for name in DATED:
        for offset, should_change in ((0, False), (7, False), (-1, True)):
            h = dataclasses.replace(base)
            old = getattr(base, name)
            extra = Events(np.array([1, 1]), np.array([DAY + offset, DAY + offset]),
                           None if old.value is None else np.array([4.0, 4.0]))  # fmt: skip
            value = None if old.value is None else np.r_[old.value, extra.value]
            setattr(h, name, Events(np.r_[old.entity, extra.entity], np.r_[old.day, extra.day], value))
            after = features.compute(h, [1], [DAY], **KW)
            if should_change:
                assert not np.array_equal(before, after), f"{name}: an event the day before should count"
            else:
                assert np.array_equal(before, after), f"{name} read an event dated {offset} days after the day"


def test_a_planted_signal_is_found_and_beats_the_plan_order():
    """Outcomes depend only on the last inspection's failure and the format; the model must rank by them."""
    rng = np.random.default_rng(3)
    rows, ents = [], {}
    for e in range(1, 301):
        catering = e % 2 == 0
        ents[e] = ("catering" if catering else "sales", 50, "")
        failed = False
        for k in range(6):
            p = (0.7 if failed else 0.1) if catering else 0.03
            failed = bool(rng.random() < p)
            rows.append((e, DAY - 2000 + k * 300 + int(rng.integers(0, 30)), int(failed)))
    h = History(entities=ents, inspections=Events.of(rows, with_value=True))
    ent, day, y = h.inspections.entity, h.inspections.day, (h.inspections.value > 0).astype(int)
    X = features.compute(h, ent, day, **KW)
    p = fitting.fit(X, y)
    weights = dict(zip(p.features, p.coefficients, strict=True))
    assert weights["last_key_failed"] > 0.5 and weights["format_catering"] > 0.3
    assert max(weights, key=weights.get) in ("last_key_failed", "format_catering")
    assert fitting.auc(y, fitting.probability(p, X)) > fitting.auc(y, fitting.baseline_score(X)) + 0.1
