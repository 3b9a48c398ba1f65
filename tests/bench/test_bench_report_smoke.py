"""Keep bench/bench_report.py alive: build, replicate and measure a tiny practice on SQLite.

No timing is asserted; the run has to finish, write its section (keeping the others), find
twice the rows in the replicated database with every foreign key intact, and reuse the
databases on a second run.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SECTION = "Monthly report"
ARGS = ["--months", "2", "--claims-per-month", "20", "--scale", "2", "--repeats", "1",
        "--backends", "sqlite"]  # fmt: skip


def _run(work: Path, env: dict[str, str], *extra: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_report.py"), *ARGS, "--workdir", str(work), *extra],
        capture_output=True, text=True, timeout=900, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _rows(section: str, size: str) -> list[int]:
    found = re.search(rf"\| sqlite \| {size}: rows \(claim lines / claims / denials\) \| ([^|]+)\|",
                      section)  # fmt: skip
    assert found, size
    return [int(n.replace(",", "")) for n in found.group(1).split("/")]


@pytest.mark.slow
def test_bench_report_runs_at_tiny_size_on_sqlite(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\n<!-- bench:Other -->\n## Other\n\nkept\n<!-- /bench:Other -->\n"
    )
    env = {**os.environ, "CLEANCLAIM_BENCH_DOCS": str(docs)}
    work = tmp_path / "work"
    _run(work, env)
    text = docs.read_text()
    assert "kept" in text
    section = text[text.index(f"<!-- bench:{SECTION} -->") :]
    assert section.rstrip().endswith(f"<!-- /bench:{SECTION} -->")
    for row in ("| sqlite | 1x: report / baseline (CPU) |",
                "| sqlite | 2x: report / baseline (CPU) |",
                "| sqlite | report time 2x / 1x (CPU; data 2.0x) |",
                "| sqlite | 2x build: SQL replication |"):  # fmt: skip
        assert row in section, row
    one, two = _rows(section, "1x"), _rows(section, "2x")
    assert one[0] > 0 and two == [2 * n for n in one]
    assert "failed:" not in section and "| postgresql |" not in section
    with sqlite3.connect(work / "sqlite-2x.db") as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()

    again = _run(work, env, "--reuse", "--no-docs")
    assert "(reused)" in again
    assert _rows(again, "2x") == two
