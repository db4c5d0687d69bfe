"""The heavy paths of issue 25 as one table after a `make bench` run (docs/performance.md): each row's figure read
from its benchmark's JSON, beside its baseline and target, with the ratio baseline ÷ now (how many times faster;
for a speed-up figure, now ÷ baseline). A baseline is the same run's figure where the benchmark measures one (the
django-import-export import), otherwise the figure recorded for the code before the issue. A benchmark that did
not run leaves its row empty rather than guessing."""

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    path: str
    bench: str
    key: str  # a key of the benchmark's JSON; "a.b" reads a nested value
    baseline: float | str | None  # a number, the key of a baseline measured in the same run, or none recorded
    target: float
    higher_is_better: bool = False


ROWS = (
    Row("100k-row entity ledger, validate + commit, SQLite (s)", "ledgers", "validate_commit_s", 14.8, 5),
    Row("same, peak memory (GiB)", "ledgers", "peak_memory_gib", None, 500 / 1024),
    Row("vs django-import-export, 10k rows (×)", "ledgers", "speedup_vs_django_import_export", 5.9, 20, True),
    Row("province 包保 grading, 1.06M entities (s)", "baobao", "grade_s", 115, 20),
    Row("province assignment, solve (s)", "baobao", "solve_s", 22.2, 20),
    Row("province assignment, end to end (s)", "baobao", "end_to_end_s", 118.9, 60),
    Row("same, peak memory of the process (GiB)", "baobao", "peak_memory_gib", 1.16, 1),
    Row("same, with the solve's worker processes (GiB)", "baobao", "peak_memory_with_workers_gib", None, 1),
    Row("incremental rematch after 1% change (s)", "baobao", "incremental_s", 8.5, 5),
    Row("county dashboard p95, idle (ms)", "dashboard", "county_dashboard_p95_ms", 241, 150),
    Row(
        "same, a write in one township before each view (ms)",
        "dashboard",
        "county_dashboard_after_write_p95_ms",
        241,
        150,
    ),
    Row("same, counted live with no figures cache (ms)", "dashboard", "county_dashboard_live_p95_ms", 241, 150),
    Row("county dashboard p95, 50 bench_load users (ms)", "load_50_users", "groups.county_dashboard.p95_ms", 309, 300),
    Row("entity search by name p95, 1.06M, PostgreSQL (ms)", "registry", "name_substring_p95_ms", 84, 50),
    Row("province demo build, PostgreSQL (s)", "registry", "province_generation_pg_s", 253, 120),
)


def _read(figures: dict, key: str):
    value = figures
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, int | float) else None


def table(results: dict[str, dict]) -> list[dict]:
    """One dict per row: path, baseline, now, target, ratio, met (None where the benchmark did not run)."""
    out = []
    for row in ROWS:
        figures = results.get(row.bench) or {}
        now = _read(figures, row.key)
        baseline = _read(figures, row.baseline) if isinstance(row.baseline, str) else row.baseline
        ratio = met = None
        if now is not None:
            met = now >= row.target if row.higher_is_better else now < row.target
            if baseline and now:
                ratio = round(now / baseline if row.higher_is_better else baseline / now, 2)
        out.append({"path": row.path, "baseline": baseline, "now": now, "target": round(row.target, 3),
                    "ratio": ratio, "met": met})  # fmt: skip
    return out


def parse(lines: list[str]) -> dict[str, dict]:
    """The benchmarks' JSON objects by their "bench" name (the last one of a name wins)."""
    results = {}
    for line in lines:
        line = line.strip()
        if line.startswith("{"):
            try:
                figures = json.loads(line)
            except ValueError:
                continue
            if isinstance(figures, dict) and "bench" in figures:
                results[figures["bench"]] = figures
    return results


def render(rows: list[dict]) -> str:
    """The table as text for the terminal (the JSON line follows it)."""
    lines = [f"{'path':<52} {'baseline':>9} {'now':>9} {'target':>8} {'ratio':>6}  met"]
    for r in rows:
        cells = [r["baseline"], r["now"], r["target"], r["ratio"]]
        text = [("—" if c is None else f"{c:g}") for c in cells]
        met = "—" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append(f"{r['path']:<52} {text[0]:>9} {text[1]:>9} {text[2]:>8} {text[3]:>6}  {met}")
    return "\n".join(lines)
