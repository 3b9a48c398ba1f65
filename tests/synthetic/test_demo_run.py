"""The main job end to end on a small synthetic practice: what ``make demo`` runs."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from tests.cli.conftest import Result

from cleanclaim.analytics.demo_run import DemoOptions, run_demo
from cleanclaim.analytics.monthly import build_monthly_report
from cleanclaim.analytics.recovery import excluded_because, read_ledger, replacements_processed
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import default_store
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.models import Practice

SMALL = DemoOptions(seed=3, months=3, claims_per_month=60)
TRUTH = DemoOptions(seed=5, months=3, claims_per_month=400)


def _without_time(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text("utf-8"))
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


def _ledger_month(path: Path, month: str, processed: frozenset[tuple[str, str, str]]
                  ) -> tuple[Counter[str], int]:  # fmt: skip
    """The ledger's denials dated in ``month`` by true cause, and how many of them the data
    cannot reveal (the recovery test's exclusions: payer errors nobody acted on)."""
    dates = {n: r["date"] for n, r in enumerate(csv.DictReader(path.open()), start=2)}
    rows = [t for t in read_ledger(path)
            if t.kind == "denial" and dates[t.number].startswith(month)]  # fmt: skip
    hidden = sum(1 for t in rows if excluded_because(t, processed) is not None)
    return Counter(t.root_cause for t in rows), hidden


def test_report_root_causes_agree_with_the_truth_ledger(db_url: str, tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", TRUTH)
    august = Month(2026, 8)  # the last month is mostly not adjudicated yet
    with session_scope() as session:
        practice = session.scalars(select(Practice).where(Practice.key == "demo")).one()
        report = build_monthly_report(session, practice.id, august, store=default_store())
        processed = replacements_processed(session, practice.id)
    truth, hidden = _ledger_month(result.practice_dir / "truth-ledger.csv", str(august),
                                  processed)  # fmt: skip
    shown = {r.cause.value: r.denials for r in report.root_causes.all_rows}
    assert sum(truth.values()) >= 15, "too few denials in the month for a meaningful check"
    assert report.root_causes.denials == sum(truth.values())
    for cause, n in truth.items():
        assert abs(shown.get(cause, 0) - n) <= hidden, (cause, shown, truth, hidden)
    assert truth["payer-error"] - hidden <= shown["payer-error"] <= truth["payer-error"]
    assert shown["unclassified"] == 0


def test_demo_command_prints_the_headline_and_the_report_paths(
    db_url: str, cli: Callable[..., Result]
) -> None:
    result = cli("demo", "--months", "2", "--claims-per-month", "30", "--seed", "4")
    assert result.code == 0, result.err
    assert "Clean claim rate" in result.out and "Scrubber catch rate" in result.out
    reports = [line for line in result.out.splitlines() if line.startswith("report: ")]
    assert [Path(line.split(": ", 1)[1].strip()).suffix for line in reports] == [
        ".html",
        ".xlsx",
        ".pdf",
        ".json",
    ]
    assert "macro precision" in result.out
