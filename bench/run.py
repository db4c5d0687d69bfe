#!/usr/bin/env python3
"""Run every bench/bench_*.py in its own process; each prints one JSON object. `make bench` calls this."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    failed = 0
    for name in names:
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py")], cwd=HERE.parent)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
