"""MD103: 57 for major procedures, 25 for minor ones, on invented FULL relative values."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.edits._modkit import flagged, install_pfs, pfs, scrub

from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.payers.registry import PayerTerms

CODE = "MD103"
ROWS = [pfs("17110", "010"), pfs("20610", "000"), pfs("27447", "090"), pfs("29881", "090")]
DOS = "2026-03-31"
NEXT = "2026-04-01"


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    return install_pfs(empty_store, ROWS)


CASES = [
    pytest.param((), "27447", DOS, [1], id="same-day-major-no-modifier"),
    pytest.param(("25",), "27447", DOS, [1], id="same-day-major-25"),
    pytest.param(("57",), "27447", DOS, [], id="same-day-major-57"),
    pytest.param((), "29881", NEXT, [1], id="next-day-major-across-a-month"),
    pytest.param(("57",), "29881", NEXT, [], id="next-day-major-57"),
    pytest.param((), "29881", "2026-04-02", [], id="two-days-later"),
    pytest.param((), "29881", "2026-03-30", [], id="major-the-day-before-the-visit"),
    pytest.param(("57",), "17110", DOS, [1], id="57-same-day-minor"),
    pytest.param(("57",), "20610", NEXT, [1], id="57-day-before-minor"),
    pytest.param(("57",), "20610", "2026-04-02", [], id="57-minor-two-days-later"),
    pytest.param(("25",), "17110", DOS, [], id="25-minor-is-fine"),
]


@pytest.mark.parametrize(("mods", "procedure", "when", "expected"), CASES)
def test_cases(
    store: CodesetStore,
    medicare: PayerTerms,
    mods: tuple[str, ...],
    procedure: str,
    when: str,
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine("99214", mods), ExLine(procedure, dos=when)), dos=DOS))
    result = scrub(store, CODE, claim, medicare)
    assert flagged(result, CODE) == expected
    assert result.coverage == []


def test_texts(store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(ExClaim(lines=(ExLine("99214", ("25",)), ExLine("27447")), dos=DOS))
    (finding,) = scrub(store, CODE, claim, medicare).findings
    assert finding.message == (
        "99214-25 on 2026-03-31 is billed with major procedure 27447 (090-day global, same "
        "day, line 2): 25 does not take a visit out of a major procedure's global package"
    )
    assert finding.severity.value == "warning"
    claim = build(ExClaim(lines=(ExLine("99214", ("57",)), ExLine("20610", dos=NEXT)), dos=DOS))
    (finding,) = scrub(store, CODE, claim, medicare).findings
    assert finding.message == (
        "99214-57 on 2026-03-31 is billed with minor procedure 20610 (000-day global, next "
        "day, line 2); 57 applies only to procedures with a 90-day global period"
    )
    assert finding.fix == (
        "Remove 57 from 99214: a visit the day before a minor procedure is not part of its "
        "global package and needs no modifier."
    )


def test_next_day_outside_sample_window_is_reported(
    empty_store: CodesetStore, medicare: PayerTerms
) -> None:
    """The next day's relative values come from the release in force on that day."""
    install_pfs(empty_store, ROWS, end=dt.date(2026, 3, 31))
    install_pfs(empty_store, ROWS[:1], start=dt.date(2026, 4, 1), completeness=Completeness.FIXTURE)
    claim = build(ExClaim(lines=(ExLine("99214"),), dos=DOS, claim_id="EX2"))
    earlier = build(ExClaim(lines=(ExLine("29881"),), dos=NEXT, claim_id="EX1"))
    result = scrub(empty_store, CODE, claim, medicare, history=(earlier,))
    assert flagged(result, CODE) == []
    assert [c.reason for c in result.coverage] == [
        "pfs-rvu: global period of 29881 on 2026-04-01 is unknown (PFS test rows (fixture))"
    ]
