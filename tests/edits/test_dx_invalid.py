"""DX101 dx-invalid: messages, dates, completeness, and ICD-9-CM claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build, parse_x12, to_x12
from cleanclaim.edits.model import ClaimResult

CODE = "DX101"
D = dt.date.fromisoformat


def _scrub(store: CodesetStore, claim: Claim, code: str = CODE) -> ClaimResult:
    return Scrubber(store, selection=Selection(select=frozenset({code}))).scrub(claim)


def _claim(*dx: str, dos: str = "2026-05-04", **kw: object) -> Claim:
    return build(
        ExClaim(lines=(ExLine("99213", dx=tuple(range(1, len(dx) + 1))[:4]),), dx=dx, dos=dos, **kw)
    )  # type: ignore[arg-type]


MESSAGES = [
    pytest.param(
        ("M54.5",),
        "M54.5 is a subcategory header, not billable on 2026-05-04; use M54.50, M54.51 or M54.59",
        id="subcategory-header",
    ),
    pytest.param(
        ("R10",),
        "R10 is a category header, not billable on 2026-05-04; use R10.0, R10.10, "
        "R10.11, R10.12, R10.13, R10.20 or 36 more",
        id="category-header-many-children",
    ),
    pytest.param(
        ("S72.001",),
        "S72.001 needs a 7th character on 2026-05-04 (e.g. S72.001A, S72.001B, "
        "S72.001C or 13 more)",
        id="seventh-missing",
    ),
    pytest.param(
        ("S01.01",),
        "S01.01 needs a 7th character after placeholder X on 2026-05-04 (e.g. "
        "S01.01XA, S01.01XD or S01.01XS)",
        id="seventh-and-placeholder-missing",
    ),
    pytest.param(
        ("S72.001Z",),
        "7th character Z is not valid for S72.001 (A, B, C, D, E, F, G, H, J, K, M, "
        "N, P, Q, R, S) on 2026-05-04",
        id="seventh-invalid",
    ),
    pytest.param(
        ("E11",),
        "E11 is a category header, not billable on 2026-05-04; use E11.00, E11.01, "
        "E11.10, E11.11, E11.21, E11.22 or at least 44 more",
        id="suggestions-capped",
    ),
    pytest.param(
        ("S01.01A",),
        "S01.01A lacks placeholder X: use S01.01XA (2026-05-04)",
        id="placeholder-missing",
    ),
    pytest.param(
        ("G35",),
        "G35 is a category header, not billable on 2026-05-04; use G35.A, G35.B0, "
        "G35.B1, G35.B2, G35.C0, G35.C1 or 2 more",
        id="G35-header-since-FY2026",
    ),
]


@pytest.mark.parametrize(("dx", "message"), MESSAGES)
def test_messages(dx: tuple[str, ...], message: str, bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _claim(*dx))
    assert [(f.line, f.message) for f in result.findings] == [(None, message)]
    assert result.coverage == []


def test_valid_codes_pass(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _claim("E11.A", "M54.50", "S01.01XA", "Z3A.20"))
    assert result.findings == [] and result.coverage == []


def test_each_invalid_diagnosis_is_reported_once(bundled_store: CodesetStore) -> None:
    claim = build(
        ExClaim(
            lines=(ExLine("99213", dx=(1, 2)), ExLine("99214", dx=(2,), dos="2026-05-05")),
            dx=("I10", "M54.5", "E11"),
        )
    )
    messages = [f.message for f in _scrub(bundled_store, claim).findings]
    assert len(messages) == 2
    assert messages[0].startswith("M54.5 is a subcategory header, not billable on 2026-05-04")
    assert messages[1].startswith("E11 is a category header, not billable on 2026-05-04")


def test_absent_from_partial_release_is_not_an_error(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _claim("T78.1XXA", dos="2026-01-15"))
    assert result.findings == []
    reasons = [c.reason for c in result.coverage]
    assert reasons[0].startswith("icd10cm: only partial data")
    assert reasons[1] == (
        "T78.1XXA is not in ICD-10-CM FY2026: April 2026 data standing in for the October 2025 "
        "release (simple-icd-10-cm 1.5.0) (partial data); its validity on 2026-01-15 is not "
        "confirmed"
    )


def test_absent_from_full_release_is_an_error(bundled_store: CodesetStore) -> None:
    (finding,) = _scrub(bundled_store, _claim("T78.1XXA")).findings
    assert finding.message.startswith(
        "T78.1XXA is not a valid ICD-10-CM code on 2026-05-04 (deleted, not yet effective, or "
        "never a code; ICD-10-CM FY2026 April 2026 release (simple-icd-10-cm 1.5.0)); nearest "
        "codes: T78.110A"
    )


def test_dates_before_any_release_are_a_coverage_gap(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _claim("M54.5", dos="2025-09-30"))
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "icd10cm: no release covers 2025-09-30; import it to run this check"
    ]


# -- ICD-9-CM claims (the public X222 examples are dated 2005 and carry ICD-9 codes) -------


def _icd9_claim(dos: str) -> Claim:
    text = to_x12(
        ExClaim(lines=(ExLine("99213", dx=(1, 2)),), dx=("4019", "25000"), dos=dos, submitted=dos)
    )
    text = text.replace("HI*ABK:", "HI*BK:").replace("*ABF:", "*BF:")
    (claim,) = parse_x12(text)
    assert [d.qualifier for d in claim.diagnoses] == ["BK", "BF"]
    return claim


@pytest.mark.parametrize("code", ["DX101", "DX102"])
def test_icd9_claim_from_2005_is_a_coverage_entry(code: str, bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _icd9_claim("2005-03-01"), code)
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "ICD-9-CM codes on a claim dated 2005-03-01: no ICD-9 code set; 4019, 25000 not checked"
    ]
    assert result.status.value == "incomplete"


def test_icd9_codes_after_the_icd10_date_are_an_error(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _icd9_claim("2015-10-01"))
    assert [(f.line, f.message) for f in result.findings] == [
        (
            None,
            "ICD-9-CM diagnosis codes (BF/BK: 4019, 25000) on a claim dated 2015-10-01: ICD-10-CM "
            "is required for services on or after 2015-10-01",
        )
    ]


def test_icd9_codes_the_day_before_are_not_checked(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _icd9_claim("2015-09-30"))
    assert result.findings == []
    assert len(result.coverage) == 1


# -- deleted or not yet effective, told apart with two full releases -----------------------


def _order(path: Path, codes: list[tuple[str, str, str]]) -> Path:
    lines = [
        f"{n:05d} {code:<7} {flag} {title[:60]:<60} {title}"
        for n, (code, flag, title) in enumerate(codes, start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


@pytest.fixture
def two_years(empty_store: CodesetStore, tmp_path: Path) -> CodesetStore:
    common = [
        ("E11", "0", "Type 2 diabetes mellitus"),
        ("E119", "1", "Type 2 diabetes mellitus without complications"),
        ("T78", "0", "Adverse effects, not elsewhere classified"),
        ("T781", "0", "Other adverse food reactions, not elsewhere classified"),
    ]
    fy25 = _order(
        tmp_path / "fy25.txt",
        [*common, ("T781XXA", "1", "Other adverse food reactions, initial encounter")],
    )
    fy26 = _order(
        tmp_path / "fy26.txt",
        [*common, ("E11A", "1", "Type 2 diabetes mellitus without complications in remission")],
    )
    for path, start, end in (
        (fy25, "2024-10-01", "2025-09-30"),
        (fy26, "2025-10-01", "2026-09-30"),
    ):
        empty_store.import_file(
            "icd10cm",
            path,
            ImportOptions(effective_from=D(start), effective_to=D(end), completeness="full"),
        )
    return empty_store


def test_deleted_code_says_when(two_years: CodesetStore) -> None:
    (finding,) = _scrub(two_years, _claim("T78.1XXA", dos="2025-10-01")).findings
    assert "(deleted effective 2025-10-01;" in finding.message


def test_new_code_says_when_it_starts(two_years: CodesetStore) -> None:
    (finding,) = _scrub(two_years, _claim("E11.A", dos="2025-09-30")).findings
    assert finding.message.startswith(
        "E11.A is not a valid ICD-10-CM code on 2025-09-30 (not effective until 2025-10-01;"
    )


@pytest.mark.parametrize(("dx", "dos"), [("E11.A", "2025-10-01"), ("T78.1XXA", "2025-09-30")])
def test_each_code_valid_inside_its_own_window(two_years: CodesetStore, dx: str, dos: str) -> None:
    assert _scrub(two_years, _claim(dx, dos=dos)).findings == []


def test_institutional_diagnoses_use_the_through_date(two_years: CodesetStore) -> None:
    claim = build(
        ExClaim(
            lines=(ExLine("", revenue_code="0450", dx=()),),
            dx=("E11.A",),
            claim_type="institutional",
            pos="13",
            dos="2025-09-29",
            statement_to="2025-10-02",
        )
    )
    claim = dataclasses.replace(
        claim,
        lines=tuple(
            dataclasses.replace(ln, service_date_from=D("2025-09-29")) for ln in claim.lines
        ),
    )
    assert _scrub(two_years, claim).findings == []
