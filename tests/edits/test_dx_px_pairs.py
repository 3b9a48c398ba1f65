"""MM102 (preview): the curated procedure-diagnosis pack, its loader and the rule."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.edits._modkit import flagged, scrub

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.data.dx_px_pack import PackError, entries_for, load_pack, parse_pack
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import RuleStatus
from cleanclaim.edits.registry import get_rule
from cleanclaim.payers.registry import PayerTerms

CODE = "MM102"
GOOD = """
[[entry]]
id = "x"
title = "Test"
procedures = ["82306"]
screening_only = ["Z00.0"]
effective_from = 2020-01-01
effective_to = 2020-12-31
citation = { source = "S", section = "s", date = "2020-01-01" }
"""


def test_shipped_pack_loads() -> None:
    pack = load_pack()
    assert {e.id for e in pack} == {
        "cardiac-stress-test",
        "vitamin-d-screening",
        "vitamin-b12-folate-screening",
    }
    assert all(e.citation.source and e.citation.date for e in pack)
    assert [e.id for e in entries_for(" 82306 ")] == ["vitamin-d-screening"]
    assert get_rule(CODE).status is RuleStatus.PREVIEW


def test_entry_logic() -> None:
    (entry,) = parse_pack(GOOD)
    assert entry.screening_only == ("Z000",)
    assert not entry.in_force(dt.date(2019, 12, 31))
    assert entry.in_force(dt.date(2020, 1, 1)) and entry.in_force(dt.date(2020, 12, 31))
    assert not entry.in_force(dt.date(2021, 1, 1))
    assert entry.unsupported(["Z00.00"]) and entry.unsupported(["Z0001", "z000"])
    assert not entry.unsupported(["Z0000", "E559"])
    assert not entry.unsupported([])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            GOOD.replace('screening_only = ["Z00.0"]', ""),
            "dx_px_pack.toml entry 'x': give exactly one of 'allowed' and 'screening_only'",
            id="neither-list",
        ),
        pytest.param(
            GOOD.replace('["82306"]', "[]"),
            "dx_px_pack.toml entry 'x': 'procedures' is empty",
            id="no-procedures",
        ),
        pytest.param(
            GOOD.replace("2020-01-01\neffective_to", '"2020"\neffective_to'),
            "dx_px_pack.toml entry 'x': effective dates must be TOML dates",
            id="text-date",
        ),
        pytest.param(
            GOOD.replace('id = "x"', ""),
            "dx_px_pack.toml entry 1: 'id' must be a non-empty string",
            id="no-id",
        ),
        pytest.param(GOOD + GOOD, "dx_px_pack.toml: duplicate entry ids", id="duplicate"),
    ],
)
def test_pack_errors(text: str, message: str) -> None:
    with pytest.raises(PackError) as info:
        parse_pack(text)
    assert str(info.value) == message


def test_finding_cites_its_entry(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(ExClaim(lines=(ExLine("82306"),), dx=("Z0000",)))
    (finding,) = scrub(bundled_store, CODE, claim, medicare).findings
    assert finding.citation.source.startswith("CMS LCD L34658")
    assert finding.message == (
        "82306 points only to screening or general-examination diagnoses (Z00.00) (pack "
        "entry vitamin-d-screening)"
    )


@pytest.mark.parametrize(
    ("code", "dx", "day", "expected"),
    [
        pytest.param("82652", ("Z1321",), "2026-05-04", [1], id="1-25-vitamin-d-screening"),
        pytest.param("82746", ("Z0000", "D529"), "2026-05-04", [], id="folate-with-deficiency"),
        pytest.param("93017", ("Z0000",), "2026-05-04", [1], id="stress-tracing-exam-only"),
        pytest.param("93016", ("I2510",), "2026-05-04", [], id="stress-supervision-cad"),
        pytest.param("78452", ("Z01810",), "2026-05-04", [], id="mpi-pre-op"),
        pytest.param("82306", ("Z0000",), "2015-10-01", [1], id="first-day-of-pack"),
    ],
)
def test_cases(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    code: str,
    dx: tuple[str, ...],
    day: str,
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine(code, dx=tuple(range(1, len(dx) + 1))),), dx=dx, dos=day))
    assert flagged(scrub(bundled_store, CODE, claim, medicare), CODE) == expected
