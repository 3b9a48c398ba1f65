"""Keep the benchmark scripts alive: run them at a tiny size. No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "benchmarks.md"
    monkeypatch.setenv("CLEANCLAIM_BENCH_DOCS", str(path))
    return path


def test_write_section_replaces_only_its_own_section(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    from _report import write_section

    write_section("Other", "other body")
    write_section("NCCI PTP lookups", "first body")
    write_section("NCCI PTP lookups", "second body")
    text = docs.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "other body" in text and "second body" in text and "first body" not in text
    assert text.count("## NCCI PTP lookups") == 1
    assert text.index("## Other") < text.index("## NCCI PTP lookups")
    assert "Python " in text and "_Commit `" in text


@pytest.mark.slow
def test_bench_ptp_runs_at_tiny_size(docs: Path) -> None:
    docs.write_text(
        "# Benchmarks\n\n<!-- bench:Other -->\n## Other\n\nkept\n<!-- /bench:Other -->\n"
    )
    proc = subprocess.run(
        [sys.executable, str(BENCH / "bench_ptp.py"), "--pairs", "20000", "--lookups", "5000"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    text = docs.read_text()
    assert "kept" in text
    section = text[text.index("<!-- bench:NCCI PTP lookups -->") :]
    assert "| ratio table / dict (warm) |" in section
    assert "| warm start: new process" in section
    assert section.rstrip().endswith("<!-- /bench:NCCI PTP lookups -->")
