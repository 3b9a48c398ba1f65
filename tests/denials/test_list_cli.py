"""``cleanclaim denials list`` (the JSON contract, filters, formats) and ``worklog import``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.denials._denialkit import World, claim, clp, denials_cli, svc, world

from cleanclaim.cli.denials import CSV_COLUMNS
from cleanclaim.denials.attribution import JSON_KEYS
from cleanclaim.x12.generate.model import GenProviderAdjustment

__all__ = ["denials_cli", "world"]

CONTRACT = (
    "claim_id", "claim_key", "line", "payer", "group", "carc", "rarcs", "amount", "denial",
    "root_cause", "reason", "responsible", "avoidable", "explanation", "coder", "biller",
    "registrar", "provider", "practice", "remit_date", "scrub_link",
)  # fmt: skip


@pytest.fixture
def stored(world: World, tmp_path: Path) -> World:
    """C1 partly denied (CO-97 + M15) and C2 denied (CO-27), with a PLB interest row."""
    world.submit(claim("C1", "100.00", "40.00"), claim("C2", "80.00"))
    world.remit(
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00", "PR-2:14.00"),
            svc(1, "40.00", "CO-97:40.00", rarcs=["M15"])),
        clp("C2", "4", svc(0, "80.00", "CO-27:80.00"), pcn="PCN2"),
        plb=[GenProviderAdjustment("L6", Decimal("-2.50"))],
    )  # fmt: skip
    return world


def _json(cli: Any, *args: str) -> list[dict[str, Any]]:
    result = cli("denials", "list", "--format", "json", *args)
    assert (result.code, result.err) == (0, "")
    data: list[dict[str, Any]] = json.loads(result.out)
    return data


def test_json_contract(stored: World, denials_cli: Any) -> None:
    rows = _json(denials_cli)
    assert JSON_KEYS == CONTRACT
    assert all(tuple(r) == CONTRACT for r in rows)
    assert [(r["claim_id"], r["line"], r["group"], r["carc"], r["amount"], r["denial"])
            for r in rows] == [
        ("C1", 1, "CO", "45", "30.00", False),
        ("C1", 1, "PR", "2", "14.00", False),
        ("C1", 2, "CO", "97", "40.00", True),
        ("C2", 1, "CO", "27", "80.00", True),
        (None, None, None, "L6", "-2.50", False),
    ]  # fmt: skip
    co97 = rows[2]
    assert co97 | {"claim_key": "?", "explanation": "?"} == {
        "claim_id": "C1", "claim_key": "?", "line": 2, "payer": "DCOMM", "group": "CO",
        "carc": "97", "rarcs": ["M15"], "amount": "40.00", "denial": True,
        "root_cause": "coding", "reason": "ncci-bundling", "responsible": "coder",
        "avoidable": True, "explanation": "?", "coder": None, "biller": None,
        "registrar": None, "provider": "1234567893", "practice": "default",
        "remit_date": "2026-04-02", "scrub_link": None,
    }  # fmt: skip
    assert co97["claim_key"].startswith("c-") and co97["explanation"]
    plb = rows[4]
    assert (plb["claim_key"], plb["root_cause"], plb["reason"], plb["responsible"]) == (
        None, "not-a-denial", "interest", "payer")  # fmt: skip


def test_listing_classifies_once(stored: World, denials_cli: Any) -> None:
    first = _json(denials_cli)
    assert _json(denials_cli) == first
    assert stored.count() == len(first) == 5


FILTERS = [
    # id, arguments, expected (claim_id, carc) pairs
    ("denials-only", ["--denials-only"], [("C1", "97"), ("C2", "27")]),
    ("remittance-month", ["--month", "2026-04", "--denials-only"], [("C1", "97"), ("C2", "27")]),
    ("other-month", ["--month", "2026-05"], []),
    ("payer", ["--payer", "DCOMM", "--denials-only"], [("C1", "97"), ("C2", "27")]),
    ("other-payer", ["--payer", "NOBODY"], []),
    ("coder", ["--coder", "ann"], [("C1", "45"), ("C1", "2"), ("C1", "97")]),
]  # fmt: skip


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in FILTERS],
                         ids=[c[0] for c in FILTERS])  # fmt: skip
def test_filters(stored: World, denials_cli: Any, tmp_path: Path, args: list[str],
                 expected: list[tuple[str, str]]) -> None:  # fmt: skip
    work = tmp_path / "work.csv"
    work.write_text("claim_id,registrar,coder,biller,coded_at,billed_at\n"
                    "C1,rita,ann,bill,2026-03-03,2026-03-09\n"
                    "C2,rita,bob,bill,2026-03-03,2026-03-09\n")  # fmt: skip
    assert denials_cli("worklog", "import", str(work)).code == 0
    assert [(r["claim_id"], r["carc"]) for r in _json(denials_cli, *args)] == expected


USAGE = [
    ("bad-month", ["--month", "2026-13"],
     "error: --month: '2026-13' is not a month (expected YYYY-MM)\n"),
    ("month-not-iso", ["--month", "April"],
     "error: --month: 'April' is not a month (expected YYYY-MM)\n"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "err"), [c[1:] for c in USAGE], ids=[c[0] for c in USAGE])
def test_usage_errors_exit_2(stored: World, denials_cli: Any, args: list[str], err: str) -> None:
    result = denials_cli("denials", "list", *args)
    assert (result.code, result.out, result.err) == (2, "", err)


def test_bad_format_is_a_usage_error(stored: World, denials_cli: Any) -> None:
    result = denials_cli("denials", "list", "--format", "xml")
    assert result.code == 2 and "xml" in result.err


def test_csv_and_table(stored: World, denials_cli: Any) -> None:
    result = denials_cli("denials", "list", "--format", "csv", "--denials-only")
    lines = result.out.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS) == ",".join(CONTRACT)
    assert lines[1].startswith("C1,c-") and ",2,DCOMM,CO,97,M15,40.00,true,coding," in lines[1]
    table = denials_cli("denials", "list")
    assert table.code == 0
    assert "5 adjustments, 2 denial-type; 0 unclassified" in table.out
    assert "denied claims 1, partially denied claims 1, denied lines 2" in table.out


def test_worklog_import_cli(stored: World, denials_cli: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "claim_id,registrar,coder,biller,coded_at,billed_at\n"
        "C1,rita,ann,bill,2026-03-03,2026-03-09\nC7,rita,ann,bill,2026-03-03,\n"
    )
    result = denials_cli("worklog", "import", str(good))
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"{good}: 2 rows, 2 stored, 0 already known, 1 for unknown claims",
        f"{good}:3: claim 'C7' is not a stored claim (kept; attributed when the claim arrives)",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("claim_id,registrar,coder,biller,coded_at,billed_at\n"
                   "C2,rita,ann,bill,2026-03-03,\nC2,rita,bob,bill,2026-03-03,\n"
                   "C3,rita,ann,bill,tomorrow,\n")  # fmt: skip
    result = denials_cli("worklog", "import", str(bad))
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        f"error: {bad}:3: duplicate of line 2 (claim 'C2' coded at 2026-03-03)",
        f"error: {bad}:4: coded_at 'tomorrow' is not a date (expected YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM)",
        f"error: {bad}: nothing imported",
    ]
    header = tmp_path / "header.csv"
    header.write_text("clm01,coder\nC1,ann\n")
    result = denials_cli("worklog", "import", str(header))
    assert result.code == 1
    assert result.err == (
        f"error: {header}:1: wrong headers (missing claim_id, registrar, "
        "biller, coded_at, billed_at; unexpected 'clm01'); expected: "
        "claim_id, registrar, coder, biller, coded_at, billed_at\n"
    )
    missing = denials_cli("worklog", "import", str(tmp_path / "nope.csv"))
    assert (missing.code, missing.err) == (2, f"error: {tmp_path / 'nope.csv'}: no such file\n")
