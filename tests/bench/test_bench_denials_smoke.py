"""Keep bench/bench_denials.py alive: run it on SQLite at a tiny size into a temporary docs file.

No timing is asserted; the run only has to finish and write its section, keeping the others.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SECTION = "Denial classification"


@pytest.mark.slow
def test_bench_denials_runs_at_tiny_size_on_sqlite(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\n<!-- bench:Other -->\n## Other\n\nkept\n<!-- /bench:Other -->\n"
    )
    env = {**os.environ, "CLEANCLAIM_BENCH_DOCS": str(docs)}
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_denials.py"), "--adjustments", "120",
         "--backends", "sqlite"],
        capture_output=True, text=True, timeout=600, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = docs.read_text()
    assert "kept" in text
    section = text[text.index(f"<!-- bench:{SECTION} -->") :]
    assert section.rstrip().endswith(f"<!-- /bench:{SECTION} -->")
    assert "(asked for 120;" in section
    for row in ("| sqlite | 835 ingest, wall / CPU of this process |",
                "| sqlite | classification, wall / CPU of this process |",
                "| sqlite | classify / ingest time (wall) |",
                "| sqlite | peak RSS: ingest / classification |"):  # fmt: skip
        assert row in section, row
    assert "failed:" not in section
    assert "| postgresql |" not in section
