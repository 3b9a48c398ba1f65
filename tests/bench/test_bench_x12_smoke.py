"""Keep bench/bench_x12.py alive: run it at a tiny size into a temporary docs file.

No timing is asserted; the run only has to finish and write its section, keeping the others.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_bench_x12_runs_at_tiny_size(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text(
        "# Benchmarks\n\n<!-- bench:Other -->\n## Other\n\nkept\n<!-- /bench:Other -->\n"
    )
    env = {**os.environ, "CLEANCLAIM_BENCH_DOCS": str(docs)}
    args = ["--claims", "60", "--small", "40", "--pyx12-claims", "10", "--ingest-claims", "10",
            "--repeat", "1"]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_x12.py"), *args],
        capture_output=True, text=True, timeout=600, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = docs.read_text()
    assert "kept" in text
    section = text[text.index("<!-- bench:X12 parsing -->") :]
    assert section.rstrip().endswith("<!-- /bench:X12 parsing -->")
    for row in ("| floor: split + count, 60-claim files", "| time / floor time, 60 claims (",
                "| time / floor time, pure Python, 60 claims |",
                "| this parser / x12sdk, same file |", "| peak RSS, this parser, 60 claims |",
                "| ingest into sqlite, 10 claims"):  # fmt: skip
        assert row in section, row
    assert "failed:" not in section.split("| ingest into postgresql")[0]
