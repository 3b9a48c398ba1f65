"""``cleanclaim hcc gaps``: recapture gaps per provider from stored claims, by patient key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.cli.conftest import Result
from tests.edits._scrubkit import use_fake_catalogue, write_837

from cleanclaim.edits.examples import ExClaim, ExLine

Run = Callable[..., Result]
pytestmark = pytest.mark.db
OTHER_NPI = "1245319599"


def visit(
    claim_id: str, dos: str, *dx: str, member: str = "EXMEMBER01", code: str = "99214", **kw: Any
) -> ExClaim:
    return ExClaim(
        lines=(ExLine(code),),
        dx=dx,
        dos=dos,
        claim_id=claim_id,
        submitted="2026-06-30",
        member_id=member,
        **kw,
    )


CLAIMS = (
    visit("A25", "2025-06-10", "E11.22", "I50.22"),
    visit("A26", "2026-02-03", "I10"),
    visit("B25", "2025-03-01", "E11.22", member="EXMEMBER02"),
    visit("B26", "2026-03-01", "E11.22", member="EXMEMBER02"),
    visit(
        "C25", "2025-04-01", "E11.22", member="EXMEMBER03", filing_indicator="CI", payer_id="EXCOMM"
    ),
    visit("D25", "2025-04-01", "E11.22", member="EXMEMBER04", code="80053"),
    visit("E25", "2025-09-09", "I50.22", member="EXMEMBER05", rendering_npi=OTHER_NPI),
)


@pytest.fixture
def stored(cli: Run, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    use_fake_catalogue(monkeypatch)
    result = cli("ingest", str(write_837(tmp_path / "claims.837", *CLAIMS)))
    assert result.code == 0, result.err
    return cli


def _json(cli: Run, *args: str) -> dict[str, Any]:
    result = cli("hcc", "gaps", "--format", "json", *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_gaps_per_provider(stored: Run) -> None:
    data = _json(stored, "--year", "2026")
    assert (data["year"], data["payment_year"], data["base_rate"]) == (2026, 2027, "12000.00")
    assert data["notes"] == [
        "stored claims start on 2025-03-01: HCCs coded in 2025 before then are not known"
    ]
    summary = [
        (p["provider_npi"], [[g["hcc"] for g in pt["gaps"]] for pt in p["patients"]])
        for p in data["providers"]
    ]
    assert summary == [("1234567893", [["226", "37"]]), (OTHER_NPI, [["226"]])]
    patient = data["providers"][0]["patients"][0]
    assert len(patient["patient_key"]) == 64
    gap = patient["gaps"][1]
    assert gap == {
        "hcc": "37",
        "label": "Diabetes with Chronic Complications",
        "codes": ["E11.22"],
        "last_coded": "2025-06-10",
        "raf": gap["raf"],
        "dollars": gap["dollars"],
    }
    assert patient["raf"] is not None and patient["dollars"] is not None


def test_patient_filter_by_key_prefix(stored: Run) -> None:
    everyone = _json(stored, "--year", "2026")
    key = everyone["providers"][1]["patients"][0]["patient_key"]
    one = _json(stored, "--year", "2026", "--patient", key[:8])
    assert [[pt["patient_key"] for pt in p["patients"]] for p in one["providers"]] == [[key]]


def test_base_rate_changes_dollars(stored: Run) -> None:
    data = _json(stored, "--year", "2026", "--base-rate", "1000")
    gap = data["providers"][1]["patients"][0]["gaps"][0]
    assert data["base_rate"] == "1000.00"
    assert gap["dollars"] == f"{float(gap['raf']) * 1000:.2f}"


def test_table_shows_keys_not_people(stored: Run) -> None:
    result = stored("hcc", "gaps", "--year", "2026")
    assert result.code == 0, result.err
    assert "HCC recapture gaps 2026 (payment year 2027)" in result.out
    assert "Diabetes with Chronic Complications" in result.out
    assert "2 patient(s); RAF values are raw V28 estimates at $12,000.00 per RAF point" in (
        result.out
    )
    for phi in ("TESTPATIENT", "ALEX", "EXMEMBER", "1958", "19580314"):
        assert phi not in result.out


def test_year_without_coefficients(stored: Run) -> None:
    result = stored("hcc", "gaps", "--year", "2027")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "note: no CMS-HCC coefficients for payment year 2028: RAF not shown",
        "No recapture gaps for 2027.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--patient", "Smith"],
            "error: --patient 'Smith': give a patient key as "
            "listed by `cleanclaim hcc gaps` (8 to 64 hexadecimal characters)",
            id="name-instead-of-key",
        ),
        pytest.param(
            ["--patient", "abc"], "error: --patient 'abc': give a patient key", id="key-too-short"
        ),
        pytest.param(
            ["--year", "1999"],
            "error: --year 1999: expected a year between 2000 and 2100",
            id="year-out-of-range",
        ),
        pytest.param(
            ["--base-rate", "lots"], "error: hcc_base_rate 'lots': not a number", id="bad-rate"
        ),
    ],
)
def test_usage_errors(cli: Run, db_url: str, args: list[str], message: str) -> None:
    result = cli("hcc", "gaps", *args)
    assert result.code == 2
    assert result.err.startswith(message)


def test_empty_database(cli: Run, db_url: str) -> None:
    result = cli("hcc", "gaps", "--year", "2026")
    assert result.code == 0, result.err
    assert result.out.strip() == "No recapture gaps for 2026."
