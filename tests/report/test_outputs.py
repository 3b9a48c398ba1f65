"""Rendering by format name, writing files, and the JSON format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cleanclaim.analytics.report import FORMATS, default_name, render, write_report
from cleanclaim.analytics.report.jsonfmt import report_json
from cleanclaim.analytics.report.sample import sample_report
from cleanclaim.errors import UsageError

MAGIC = {"html": b"<!DOCTYPE html>", "xlsx": b"PK\x03\x04", "pdf": b"%PDF-", "json": b"{"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_into_a_directory_uses_the_default_name(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = write_report(sample_report(), fmt, out)
    assert path == out / f"denial-report-2026-09.{fmt}"
    assert path.read_bytes().startswith(MAGIC[fmt])
    assert [p.name for p in out.iterdir()] == [path.name]


def test_write_to_a_file_path(tmp_path: Path) -> None:
    out = tmp_path / "september.json"
    assert write_report(sample_report(), "json", out) == out
    assert json.loads(out.read_text())["month"] == "2026-09"


ERRORS = {
    "format": (lambda tmp: render(sample_report(), "docx"),
               "unknown report format 'docx'; use one of: html, xlsx, pdf, json"),
    "name": (lambda tmp: default_name(sample_report(), "csv"),
             "unknown report format 'csv'; use one of: html, xlsx, pdf, json"),
    "directory": (lambda tmp: write_report(sample_report(), "json", tmp / "no" / "r.json"),
                  "{tmp}/no: no such directory"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_usage_errors(case: str, tmp_path: Path) -> None:
    call, message = ERRORS[case]
    with pytest.raises(UsageError) as info:
        call(tmp_path)
    assert str(info.value) == message.format(tmp=tmp_path)


def test_json_keeps_numbers_exact() -> None:
    data = report_json(sample_report())
    assert data["schema_version"] == 1
    clean = data["headline"][0]
    assert clean["key"] == "clean_claim_rate"
    assert clean["source"] == "HFMA MAP Key CL-1"
    assert clean["current"] == {"numerator": 1399, "denominator": 1493, "value": "0.937040"}
    assert len(clean["trend"]) == 12 and clean["trend"][0]["month"] == "2025-10"
    coder = data["coders"][0]
    assert coder["dollars_caused"] == "4210.35"
    assert coder["coding_denial_rate"] == str(round(Decimal(14) / 512, 6))
    assert data["root_causes"]["payer_error"]["cause"] == "payer-error"
    assert data["work_queue"][-1]["appeal_deadline"] is None
    assert data["coverage"][2]["completeness"] == "fixture"
    json.dumps(data)
