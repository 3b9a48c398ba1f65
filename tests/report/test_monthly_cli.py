"""``cleanclaim report monthly`` on the hand-computed fixture month."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.cli.conftest import Result
from tests.report._monthkit import fixture_world


@pytest.fixture
def run(db_url: str, tmp_path: Path, cli: Callable[..., Result]) -> Callable[..., Result]:
    fixture_world(db_url, tmp_path)
    return cli


def test_json_to_stdout_carries_the_headline(run: Callable[..., Result]) -> None:
    result = run("report", "monthly", "--month", "2026-04", "--format", "json", "--out", "-")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["month"] == "2026-04"
    keys = {h["key"] for h in data["headline"]}
    assert "clean_claim_rate" in keys and "scrubber_catch_rate" in keys


def test_xlsx_into_a_directory_gets_the_default_name(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    result = run("report", "monthly", "--month", "2026-04", "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.err
    path = out / "denial-report-2026-04.xlsx"
    assert str(path) in result.out.replace("\n", "")
    assert "Clean claim rate" in result.out
    assert len(load_workbook(path).sheetnames) >= 5


BAD = [
    pytest.param(["--month", "2026-13"], "not a month", id="bad-month"),
    pytest.param(["--month", "2026-04", "--format", "docx"], "is not one of", id="bad-format"),
    pytest.param(["--month", "2026-04", "--format", "pdf", "--out", "-"], "binary",
                 id="binary-to-stdout"),
    pytest.param(["--month", "2026-04", "--expected-collection-rate", "1.5"], "at most 1",
                 id="rate-above-one"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD)
def test_usage_errors_exit_2_with_a_reason(
    run: Callable[..., Result], args: list[str], message: str
) -> None:
    result = run("report", "monthly", *args)
    assert result.code == 2
    assert message in result.err + result.out
    assert "Traceback" not in result.err + result.out
