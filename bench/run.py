#!/usr/bin/env python3
"""Run every bench/bench_*.py in its own process; each prints one JSON object. `make bench` calls this. At the end
the heavy paths of issue 25 are printed as one table with baseline, target and ratio (bench/summary.py), and as
a last JSON line {"bench": "summary", "rows": [...]}."""

import json
import subprocess
import sys
from pathlib import Path

import summary

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    failed = 0
    lines: list[str] = []
    for name in names:
        with subprocess.Popen(
            [sys.executable, str(HERE / f"{name}.py")], cwd=HERE.parent, stdout=subprocess.PIPE, text=True
        ) as proc:
            for line in proc.stdout:  # passed through as it comes; kept for the summary
                print(line, end="", flush=True)
                lines.append(line)
        failed += proc.returncode != 0
    rows = summary.table(summary.parse(lines))
    print(summary.render(rows))
    print(json.dumps({"bench": "summary", "rows": rows}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
