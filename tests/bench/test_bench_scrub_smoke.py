"""Keep bench/bench_scrub.py alive: run it at a tiny size. No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SECTION = "<!-- bench:Scrubber -->"


@pytest.mark.slow
def test_bench_scrub_runs_at_tiny_size(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\n<!-- bench:Other -->\n## Other\n\nkept\n<!-- /bench:Other -->\n"
    )
    env = {**os.environ, "CLEANCLAIM_BENCH_DOCS": str(docs)}
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_scrub.py"), "--claims", "300", "--pairs", "5000"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = docs.read_text()
    assert "kept" in text
    section = text[text.index(SECTION) :]
    assert "300 generated professional claims" in section
    assert "| (parse + scrub) / parse, CPU |" in section
    assert "| peak RSS of the measuring process |" in section
    assert "imported as `full` releases" in section
    assert section.rstrip().endswith("<!-- /bench:Scrubber -->")
