"""MD107 (preview): modifiers valid on the date, from the curated list and the HCPCS file."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.edits._modkit import flagged, scrub, with_line

from cleanclaim.codesets.loaders.hcpcs import HcpcsCode
from cleanclaim.codesets.model import Completeness, ParsedRelease
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.data.modifiers import LEVEL_I, MODIFIERS, is_level_one, lookup
from cleanclaim.edits.examples import ExClaim, ExLine, build

CODE = "MD107"
D = dt.date


def _hcpcs(store: CodesetStore, rows: list[HcpcsCode], completeness: Completeness) -> None:
    store.install(
        ParsedRelease(
            kind="hcpcs",
            name="HCPCS test rows",
            version=f"test-{completeness.value}",
            effective_from=D(2026, 1, 1),
            effective_to=D(2026, 3, 31),
            source="test",
            sha256=f"hcpcs-test-{completeness.value}",
            row_count=len(rows),
            completeness=completeness,
            payload=rows,
        ),
        origin="imported",
    )


def _mod(code: str, added: dt.date, terminated: dt.date | None = None) -> HcpcsCode:
    return HcpcsCode(code, True, "test modifier", "C", added, added, terminated, "N")


@pytest.fixture
def full_hcpcs(empty_store: CodesetStore) -> CodesetStore:
    rows = [
        _mod("KX", D(2000, 1, 1)),
        _mod("QJ", D(2000, 1, 1), D(2026, 2, 27)),
        _mod("ZY", D(2026, 3, 1)),
    ]
    _hcpcs(empty_store, rows, Completeness.FULL)
    return empty_store


def test_curated_list_shape() -> None:
    assert all(len(m.code) == 2 for m in MODIFIERS.values())
    assert len({m.code for m in LEVEL_I}) == len(LEVEL_I)
    assert is_level_one("25") and is_level_one("P3") and is_level_one("1P")
    assert not is_level_one("XS") and not is_level_one("E1")
    spec = lookup(" xe ")
    assert spec is not None and spec.effective_from == D(2015, 1, 1) and spec.dates_confirmed


@pytest.mark.parametrize(
    ("mod", "day", "expected"),
    [
        pytest.param("KX", "2026-02-02", [], id="in-full-file"),
        pytest.param("QJ", "2026-02-27", [], id="last-day-before-termination"),
        pytest.param("QJ", "2026-02-28", [1], id="terminated"),
        pytest.param("ZY", "2026-02-28", [1], id="not-yet-added"),
        pytest.param("ZY", "2026-03-01", [], id="added-that-day"),
        pytest.param("KQ", "2026-02-02", [1], id="absent-from-full-file"),
        pytest.param("25", "2026-02-02", [], id="cpt-modifier-not-looked-up-in-hcpcs"),
        pytest.param("45", "2026-02-02", [1], id="unknown-cpt-modifier"),
    ],
)
def test_against_a_full_hcpcs_release(
    full_hcpcs: CodesetStore, mod: str, day: str, expected: list[int]
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", (mod,)),), dos=day))
    result = scrub(full_hcpcs, CODE, claim, None)
    assert flagged(result, CODE) == expected
    assert result.coverage == []


def test_texts(full_hcpcs: CodesetStore) -> None:
    claim = build(
        ExClaim(lines=(ExLine("99213", ("QJ",)), ExLine("20610", ("KQ",))), dos="2026-03-02")
    )
    first, second = scrub(full_hcpcs, CODE, claim, None).findings
    assert first.message == (
        "modifier QJ on 99213 is not valid on 2026-03-02 (valid 2000-01-01 to 2026-02-27 in "
        "HCPCS test rows (full))"
    )
    assert second.message == (
        "modifier KQ on 20610 is not in the HCPCS release in force on 2026-03-02 (HCPCS test "
        "rows (full))"
    )


def test_sample_release_record_wins_over_the_curated_list(empty_store: CodesetStore) -> None:
    """A sample (fixture) release proves a modifier exists, never that one does not."""
    _hcpcs(empty_store, [_mod("XS", D(2026, 2, 1))], Completeness.FIXTURE)
    early = build(ExClaim(lines=(ExLine("11102", ("XS",)),), dos="2026-01-31"))
    assert flagged(scrub(empty_store, CODE, early, None), CODE) == [1]
    unknown = build(ExClaim(lines=(ExLine("E0601", ("KQ",)),), dos="2026-01-31"))
    result = scrub(empty_store, CODE, unknown, None)
    assert flagged(result, CODE) == []
    assert [c.reason for c in result.coverage] == [
        "modifier KQ is not in cleanclaim's list of common modifiers and no full HCPCS "
        "release covers 2026-01-31; import the HCPCS file to check it"
    ]


def test_unconfirmed_curated_date_is_not_a_finding(empty_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", ("FS",)),), dos="2021-12-31"))
    result = scrub(empty_store, CODE, claim, None)
    assert flagged(result, CODE) == []
    assert [c.reason for c in result.coverage] == [
        "modifier FS may not be valid on 2021-12-31 (cleanclaim's list has it valid from "
        "2022-01-01, a date not confirmed from a primary source)"
    ]


def test_malformed_modifier(empty_store: CodesetStore) -> None:
    claim = with_line(build(ExClaim(lines=(ExLine("99213"),))), 1, modifiers=("2",))
    (finding,) = scrub(empty_store, CODE, claim, None).findings
    assert finding.message == "modifier '2' on 99213 is not a modifier code (two letters or digits)"


def test_retired_cpt_modifier_with_unconfirmed_end(empty_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99215", ("21",)),), dos="2026-05-04"))
    result = scrub(empty_store, CODE, claim, None)
    assert flagged(result, CODE) == []
    assert [c.reason for c in result.coverage] == [
        "modifier 21 may not be valid on 2026-05-04 (cleanclaim's list has it retired after "
        "2012-12-31, a date not confirmed from a primary source)"
    ]
