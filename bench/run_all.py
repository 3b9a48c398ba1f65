"""Run every benchmark script in ``bench/`` (each writes its own section of
docs/benchmarks.md). Not part of the test suite: ``make bench``.

Usage: ``python bench/run_all.py [--only NAME ...]`` where NAME is a script stem such as
``bench_ptp``.

The scripts: ``bench_ptp`` (NCCI PTP lookups), ``bench_x12`` (X12 parsing), ``bench_scrub``
(scrubber), ``bench_denials`` (denial classification) and ``bench_report`` (monthly report;
it builds its databases through the demo pipeline first, which takes tens of minutes: run it
alone with ``--workdir DIR --reuse`` to keep and reuse them).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    """Every ``bench_*.py`` script, in name order."""
    return sorted(HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="script stems to run")
    args = parser.parse_args(argv)
    failed = []
    for script in scripts():
        if args.only and script.stem not in args.only:
            continue
        print(f"== {script.name}", flush=True)
        done = subprocess.run([sys.executable, str(script)], check=False)
        if done.returncode != 0:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
