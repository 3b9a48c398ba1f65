"""DX102 dx-unspecified: decided from titles and siblings, stronger when the claim shows
the missing detail."""

from __future__ import annotations

import datetime as dt

import pytest

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult, Severity
from cleanclaim.edits.rules.dx_unspecified import specificity

CODE = "DX102"


def _scrub(store: CodesetStore, spec: ExClaim) -> ClaimResult:
    return Scrubber(store, selection=Selection(select=frozenset({CODE}))).scrub(build(spec))


def _one(dx: str, *lines: ExLine, claim_type: str = "professional") -> ExClaim:
    return ExClaim(lines=lines or (ExLine("99213"),), dx=(dx,), claim_type=claim_type)


CASES = [
    pytest.param(
        _one("M54.50"),
        [
            "M54.50 (Low back pain, unspecified) is an unspecified code on 2026-05-04; "
            "more specific codes exist: M54.51 or M54.59"
        ],
        id="M54.50-unspecified",
    ),
    pytest.param(_one("M54.59"), [], id="M54.59-other-is-not-unspecified"),
    pytest.param(_one("I10"), [], id="no-siblings"),
    pytest.param(_one("E11.9"), [], id="E11.9-alone-is-not-unspecified"),
    pytest.param(_one("O80"), [], id="no-unspecified-title"),
    pytest.param(
        _one("J44.9"),
        [
            "J44.9 (Chronic obstructive pulmonary disease, unspecified) is an unspecified "
            "code on 2026-05-04; more specific codes exist: J44.0, J44.1 or J44.8-"
        ],
        id="header-choice-marked-with-dash",
    ),
    pytest.param(
        _one("S52.509A"),
        [
            "S52.509A (Unspecified fracture of the lower end of unspecified radius, "
            "initial encounter for closed fracture) is an unspecified code on 2026-05-04; "
            "more specific codes exist: S52.501A or S52.502A"
        ],
        id="seventh-character-kept-in-choices",
    ),
    pytest.param(
        _one("M25.569", ExLine("20610", ("RT",))),
        [
            "M25.569 (Pain in unspecified knee) leaves the side unspecified, but line 1 "
            "carries RT; use M25.561; likely denial"
        ],
        id="RT-unspecified-knee",
    ),
    pytest.param(
        _one("H65.90", ExLine("69210", ("LT",))),
        [
            "H65.90 (Unspecified nonsuppurative otitis media, unspecified ear) leaves the "
            "side unspecified, but line 1 carries LT; use H65.92; likely denial"
        ],
        id="LT-unspecified-ear",
    ),
    pytest.param(
        _one("H65.90", ExLine("69210", ("50",))),
        [
            "H65.90 (Unspecified nonsuppurative otitis media, unspecified ear) leaves the "
            "side unspecified, but line 1 carries 50; use H65.93; likely denial"
        ],
        id="50-bilateral-code-exists",
    ),
    pytest.param(
        _one("M25.569", ExLine("20610", ("50",))),
        [
            "M25.569 (Pain in unspecified knee) leaves the side unspecified, but line 1 "
            "carries 50; use M25.561 or M25.562; likely denial"
        ],
        id="50-no-bilateral-code",
    ),
    pytest.param(
        _one("S52.509A", ExLine("25600", ("LT",))),
        [
            "S52.509A (Unspecified fracture of the lower end of unspecified radius, "
            "initial encounter for closed fracture) leaves the side unspecified, but "
            "line 1 carries LT; use S52.502A; likely denial"
        ],
        id="LT-seventh-character-code",
    ),
    pytest.param(_one("M25.561", ExLine("20610", ("RT",))), [], id="RT-right-knee"),
    pytest.param(
        ExClaim(
            lines=(ExLine("99213", dx=(2,)), ExLine("20610", ("RT",), dx=(2,))),
            dx=("M25.569", "I10"),
        ),
        [
            "M25.569 (Pain in unspecified knee) is an unspecified code on 2026-05-04; more "
            "specific codes exist: M25.561 or M25.562"
        ],
        id="RT-line-points-elsewhere-plain-warning",
    ),
    pytest.param(
        ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E11.9", "N18.4")),
        [
            "E11.9 (diabetes without complications) is reported with N18.4 (chronic kidney "
            'disease); under the ICD-10-CM "with" convention (Official Guidelines I.A.15) the '
            "two are linked: code E11.22 with N18.4; likely denial"
        ],
        id="E11.9-with-N18.4",
    ),
    pytest.param(
        ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E10.9", "N18.6")),
        [
            "E10.9 (diabetes without complications) is reported with N18.6 (chronic kidney "
            'disease); under the ICD-10-CM "with" convention (Official Guidelines I.A.15) the '
            "two are linked: code E10.22 with N18.6; likely denial"
        ],
        id="E10.9-with-N18.6",
    ),
    pytest.param(
        ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E11.22", "N18.4")),
        [],
        id="E11.22-with-N18.4",
    ),
    pytest.param(
        ExClaim(
            lines=(ExLine("", ("RT",), revenue_code="0450", dx=()),),
            dx=("M25.569",),
            claim_type="institutional",
            pos="13",
        ),
        [
            "M25.569 (Pain in unspecified knee) is an unspecified code on 2026-05-04; more "
            "specific codes exist: M25.561 or M25.562"
        ],
        id="institutional-has-no-pointers-plain-warning",
    ),
]


@pytest.mark.parametrize(("spec", "messages"), CASES)
def test_dx_unspecified(spec: ExClaim, messages: list[str], bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, spec)
    assert [f.message for f in result.findings] == messages
    assert all(f.severity is Severity.WARNING and f.line is None for f in result.findings)


def test_E11_9_with_unspecified_ckd_flags_both(bundled_store: CodesetStore) -> None:
    spec = ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E11.9", "N18.30"))
    messages = [f.message for f in _scrub(bundled_store, spec).findings]
    assert messages[0].startswith("E11.9 (diabetes without complications) is reported with N18.30")
    assert messages[1].startswith(
        "N18.30 (Chronic kidney disease, stage 3 unspecified) is an unspecified code"
    )


def test_invalid_codes_are_left_to_dx101(bundled_store: CodesetStore) -> None:
    result = _scrub(bundled_store, _one("M54.5"))
    assert result.findings == [] and result.coverage == []


@pytest.mark.parametrize(
    ("code", "unspecified"),
    [
        ("M54.50", True),
        ("M54.59", False),
        ("M54.51", False),
        ("N18.30", True),
        ("N18.31", False),
        ("H40.10X0", True),
        ("O30.009", True),
        ("E11.9", False),
    ],
)
def test_decided_from_titles_never_from_digits(
    code: str, unspecified: bool, bundled_store: CodesetStore
) -> None:
    table, _ = CodesetView(bundled_store, dt.date(2026, 5, 4)).table("icd10cm")
    found = specificity(table, code)
    assert found is not None and found.unspecified is unspecified
