"""`make bench` ends with issue 25's table (bench/summary.py): each row's figure read from its benchmark's JSON
line, beside its baseline and target, and a row left empty when its benchmark did not run."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import summary  # noqa: E402


def _row(rows, start):
    return next(r for r in rows if r["path"].startswith(start))


def test_rows_read_nested_figures_and_compute_the_ratio_either_way():
    lines = [
        '{"bench": "ledgers", "validate_commit_s": 4.0, "peak_memory_gib": 0.6, "speedup_vs_django_import_export": 11.8}\n',
        "a progress line that is not JSON\n",
        '{"bench": "load", "users": 100, "groups": {"county_dashboard": {"p95_ms": 140.0}}}\n',
        '{"bench": "load_50_users", "users": 50, "groups": {"county_dashboard": {"p95_ms": 412.0}}}\n',
    ]
    rows = summary.table(summary.parse(lines))
    ledger = _row(rows, "100k-row entity ledger")
    assert ledger["now"] == 4.0 and ledger["ratio"] == round(14.8 / 4.0, 2) and ledger["met"] is True
    speedup = _row(rows, "vs django-import-export")  # higher is better: now ÷ baseline, met at or above 20
    assert speedup["ratio"] == round(11.8 / 5.9, 2) and speedup["met"] is False
    memory = _row(rows, "same, peak memory")  # no recorded baseline: no ratio, but the target still judges it
    assert memory["ratio"] is None and memory["met"] is False
    loaded = _row(rows, "county dashboard p95, 50 bench_load users")  # the 50-user run's, not the 100-user one's
    assert loaded["now"] == 412.0 and loaded["met"] is False
    grading = _row(rows, "province 包保 grading")  # its benchmark did not run
    assert grading["now"] is None and grading["met"] is None and grading["ratio"] is None
    assert "NO" in summary.render(rows) and len(rows) == len(summary.ROWS)
