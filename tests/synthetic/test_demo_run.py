"""The main job end to end on a small synthetic practice: what ``make demo`` runs."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from cleanclaim.analytics.demo_run import DemoOptions, run_demo

SMALL = DemoOptions(seed=3, months=3, claims_per_month=60)


def _without_time(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text("utf-8"))
    data.pop("generated_at", None)
    return data


def test_demo_writes_every_format_and_a_second_run_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    steps: list[str] = []
    first = run_demo(
        tmp_path / "demo", SMALL, progress=lambda step, done, total: steps.append(step)
    )
    assert first.files_ingested > 10 and first.quarantined == 0
    assert [p.suffix for p in first.paths] == [".html", ".xlsx", ".pdf", ".json"]
    assert all(p.stat().st_size > 1000 for p in first.paths)
    assert "Ingesting X12 files" in steps and "Classifying denials" in steps
    report = first.report
    assert report is not None and report.synthetic and str(report.month) == "2026-09"
    assert report.root_causes.denials > 0
    assert first.recovery is not None and first.recovery.scored > 0
    assert "Root causes" in " ".join(load_workbook(first.paths[1]).sheetnames)
    assert b"SYNTHETIC" in first.paths[0].read_bytes().upper()
    before = _without_time(first.paths[3])

    second = run_demo(tmp_path / "demo", SMALL)
    assert second.reused
    assert second.files_ingested == 0
    assert second.files_already_known == first.files_ingested
    assert _without_time(second.paths[3]) == before
