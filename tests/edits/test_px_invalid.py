"""PX101 px-invalid: HCPCS add/termination boundaries, CPT with and without a licensed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.codesets.loaders import hcpcs
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult

CODE = "PX101"
FIXTURE_LINES = package_data("hcpcs", "HCPC2016_CONTR_ANWEB.txt").read_text("latin-1").splitlines()


def _record(code: str, added: str, terminated: str = "") -> str:
    """A real fixture record (J3380's layout) with another code and other dates."""
    base = next(line for line in FIXTURE_LINES if line.startswith("J3380")).ljust(320)
    rec = code + base[5:268] + added + added + terminated.ljust(8) + base[292:]
    assert len(rec) == 320
    return rec


@pytest.fixture
def store(empty_store: CodesetStore, tmp_path: Path) -> CodesetStore:
    """A full (non-fixture) HCPCS release for 2026 Q3 and a licensed CPT file for 2026."""
    rows = [
        _record("J3380", "20260801"),
        _record("C9025", "20150101", "20260731"),
    ]
    anweb = tmp_path / "HCPC2026_JUL_ANWEB.txt"
    anweb.write_text("\r\n".join(rows) + "\r\n", encoding="latin-1")
    empty_store.import_file("hcpcs", anweb)
    cpt = tmp_path / "cpt2026.csv"
    cpt.write_text(
        "code,effective_from,effective_to\n99213,,\n0001U,,2026-06-30\n0002U,2026-07-20,\n",
        encoding="utf-8",
    )
    empty_store.import_file("cpt", cpt)
    return empty_store


def _scrub(store: CodesetStore, *codes: str, dos: str = "2026-07-15") -> ClaimResult:
    claim = build(ExClaim(lines=tuple(ExLine(c) for c in codes), dos=dos))
    return Scrubber(store, selection=Selection(select=frozenset({CODE}))).scrub(claim)


CASES = [
    pytest.param(
        "J3380",
        "2026-07-31",
        [(1, "J3380 is not yet valid on 2026-07-31: added 2026-08-01")],
        id="hcpcs-day-before-added",
    ),
    pytest.param("J3380", "2026-08-01", [], id="hcpcs-added-that-day"),
    pytest.param("C9025", "2026-07-31", [], id="hcpcs-last-valid-day"),
    pytest.param(
        "C9025",
        "2026-08-01",
        [(1, "C9025 was discontinued: its last valid day was 2026-07-31; not valid on 2026-08-01")],
        id="hcpcs-day-after-termination",
    ),
    pytest.param(
        "J9999",
        "2026-07-15",
        [(1, "J9999 is not a HCPCS Level II code on 2026-07-15 (HCPCS Level II 2026 Q3)")],
        id="hcpcs-absent-from-full-release",
    ),
    pytest.param("D0120", "2026-07-15", [], id="dental-code-never-judged-by-absence"),
    pytest.param("99213", "2026-07-15", [], id="cpt-open-row"),
    pytest.param("0001U", "2026-06-30", [], id="cpt-last-valid-day"),
    pytest.param(
        "0001U",
        "2026-07-01",
        [(1, "0001U was deleted: its last valid day was 2026-06-30; not valid on 2026-07-01")],
        id="cpt-day-after-deletion",
    ),
    pytest.param(
        "0002U",
        "2026-07-19",
        [(1, "0002U is not yet valid on 2026-07-19: effective 2026-07-20")],
        id="cpt-day-before-effective",
    ),
    pytest.param(
        "99214",
        "2026-07-15",
        [(1, "99214 is not in the licensed CPT file for 2026-07-15 (CPT (licensed import) 2026)")],
        id="cpt-absent-from-full-file",
    ),
]


@pytest.mark.parametrize(("code", "dos", "expected"), CASES)
def test_dates_and_absence(
    store: CodesetStore, code: str, dos: str, expected: list[tuple[int, str]]
) -> None:
    result = _scrub(store, code, dos=dos)
    assert [(f.line, f.message) for f in result.findings] == expected
    if code == "D0120":
        assert [c.reason for c in result.coverage] == [
            "D0120 is not in HCPCS Level II 2026 Q3 (full data); its validity on 2026-07-15 "
            "is not confirmed"
        ]


def test_cpt_without_licensed_file_is_coverage_not_error(empty_store: CodesetStore) -> None:
    result = _scrub(empty_store, "99213", "99214", dos="2026-05-04")
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "CPT validity not checked: no licensed CPT file loaded for 2026-05-04"
    ]
    assert result.status.value == "incomplete"


def test_missing_cpt_does_not_skip_hcpcs(empty_store: CodesetStore) -> None:
    for source in hcpcs.bundled():
        empty_store.install(source.build(), origin="bundled")
    result = _scrub(empty_store, "99213", "C9025", dos="2016-02-01")
    assert [(f.line, f.message) for f in result.findings] == [
        (2, "C9025 was discontinued: its last valid day was 2015-12-31; not valid on 2016-02-01")
    ]
    assert [c.reason for c in result.coverage] == [
        "hcpcs: only fixture data (HCPCS Level II 2016 Q1 (sample rows))",
        "CPT validity not checked: no licensed CPT file loaded for 2016-02-01",
    ]


def test_absent_from_fixture_is_not_checked(empty_store: CodesetStore) -> None:
    for source in hcpcs.bundled():
        empty_store.install(source.build(), origin="bundled")
    result = _scrub(empty_store, "J9999", dos="2016-02-01")
    assert result.findings == []
    assert (
        "J9999 is not in HCPCS Level II 2016 Q1 (sample rows) (fixture data); its validity "
        "on 2016-02-01 is not confirmed" in [c.reason for c in result.coverage]
    )


def test_hcpcs_gap_skips_the_rule_with_a_coverage_entry(empty_store: CodesetStore) -> None:
    result = _scrub(empty_store, "J3380", dos="2026-05-04")
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "hcpcs: no release covers 2026-05-04; import it to run this check"
    ]


def test_other_qualifiers_are_not_judged(bundled_store: CodesetStore) -> None:
    import dataclasses

    claim = build(ExClaim(lines=(ExLine("ABCDE"),)))
    line = dataclasses.replace(claim.lines[0], procedure_qualifier="ER")
    claim = dataclasses.replace(claim, lines=(line,))
    result = Scrubber(bundled_store, selection=Selection(select=frozenset({CODE}))).scrub(claim)
    assert result.findings == [] and result.coverage == []
