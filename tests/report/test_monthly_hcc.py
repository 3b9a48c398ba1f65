"""The report's HCC recapture by provider, on stored claims, hand-computed.

Each patient below is one case of the rule in ``cleanclaim.analytics.monthly.hcc``: the
chronic HCCs coded on eligible encounters of the prior year are due; those coded again this
year up to the report month, or outranked by a more severe HCC coded this year, are
recaptured; both go to the provider of the patient's latest eligible encounter this year.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.cli.conftest import Result
from tests.edits._scrubkit import use_fake_catalogue, write_837

from cleanclaim.analytics.monthly.hcc import hcc_recapture
from cleanclaim.analytics.monthly.hcc_store import hcc_current, recapture, refresh_hcc
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import default_store
from cleanclaim.edits.examples import ExClaim, ExLine
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.models import Practice

Run = Callable[..., Result]
pytestmark = pytest.mark.db
NPI = "1234567893"
OTHER = "1245319599"
COMMERCIAL: dict[str, Any] = {"filing_indicator": "CI", "payer_id": "EXCOMM"}


def visit(
    claim_id: str, dos: str, *dx: str, member: str, code: str = "99214", **kw: Any
) -> ExClaim:
    return ExClaim(
        lines=(ExLine(code),), dx=dx, dos=dos, claim_id=claim_id, submitted="2026-07-30",
        member_id=member, **kw,
    )  # fmt: skip


CLAIMS = (
    # P1: diabetes with complications (HCC 37) and heart failure (226) last year; this
    # year only hypertension: 2 due, none recaptured.
    visit("P1A", "2025-06-10", "E11.22", "I50.22", member="EXMEMBER01"),
    visit("P1B", "2026-02-03", "I10", member="EXMEMBER01"),
    # P2: HCC 37 coded both years: 1 due, 1 recaptured.
    visit("P2A", "2025-03-01", "E11.22", member="EXMEMBER02"),
    visit("P2B", "2026-03-01", "E11.22", member="EXMEMBER02"),
    # P3: a commercial patient: never counted.
    visit("P3A", "2025-04-01", "E11.22", member="EXMEMBER03", **COMMERCIAL),
    visit("P3B", "2026-04-01", "I10", member="EXMEMBER03", **COMMERCIAL),
    # P4: last year's only encounter is a lab panel, not a risk-adjustment source.
    visit("P4A", "2025-04-01", "E11.22", member="EXMEMBER04", code="80053"),
    visit("P4B", "2026-04-01", "I10", member="EXMEMBER04"),
    # P5: seen this year only in May, by the other provider: counted from the May report.
    visit("P5A", "2025-09-09", "I50.22", member="EXMEMBER05", rendering_npi=OTHER),
    visit("P5B", "2026-05-05", "I50.22", member="EXMEMBER05", rendering_npi=OTHER),
    # P6: diabetes without complications (38) last year, with complications (37) this
    # year: the more severe HCC outranks the one due, which counts as recaptured.
    visit("P6A", "2025-05-05", "E11.9", member="EXMEMBER06"),
    visit("P6B", "2026-02-02", "E11.22", member="EXMEMBER06"),
    # P7: Medicare last year, a commercial plan on their latest claim this year.
    visit("P7A", "2025-04-04", "E11.22", member="EXMEMBER07"),
    visit("P7B", "2026-04-04", "I10", member="EXMEMBER07", **COMMERCIAL),
    # P8: seen by both providers this year: the latest one (the other) owns the gap.
    visit("P8A", "2025-08-08", "E11.22", member="EXMEMBER08"),
    visit("P8B", "2026-01-10", "I10", member="EXMEMBER08"),
    visit("P8C", "2026-03-10", "I10", member="EXMEMBER08", rendering_npi=OTHER),
)


@pytest.fixture
def practice(
    cli: Run, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, int]:
    use_fake_catalogue(monkeypatch)
    result = cli("ingest", str(write_837(tmp_path / "claims.837", *CLAIMS)))
    assert result.code == 0, result.err
    from cleanclaim.storage.db import get_engine

    engine = get_engine()
    with session_scope(engine) as s:
        return engine, s.query(Practice.id).one()[0]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        pytest.param(
            Month(2026, 3),
            # P1 2/0, P2 1/1, P6 1/1 at NPI; P8 1/0 at the other; P5 not seen yet; P7's
            # only claim this year is after March.
            {NPI: (4, 2), OTHER: (1, 0)},
            id="march",
        ),
        pytest.param(
            Month(2026, 6),
            # P5 1/1 joins the other provider; P7 is now commercial; P4 has nothing due.
            {NPI: (4, 2), OTHER: (2, 1)},
            id="june",
        ),
        pytest.param(Month(2025, 12), {}, id="prior-year-has-no-history"),
    ],
)
@pytest.mark.parametrize("stored", [False, True], ids=["computed", "stored"])
def test_due_and_recaptured_by_provider(
    practice: tuple[Any, int], month: Month, expected: dict[str, tuple[int, int]], stored: bool
) -> None:
    engine, practice_id = practice
    with session_scope(engine) as s:
        if stored:
            assert not refresh_hcc(s, practice_id, default_store(), user="test").current
    with session_scope(engine) as s:
        if stored:
            assert hcc_current(s, practice_id, default_store())
            found, notes = recapture(s, practice_id, default_store(), month)
        else:
            found, notes = hcc_recapture(s, practice_id, default_store(), month)
    assert (found, notes) == (expected, [])


def test_replacement_drops_the_recapture(
    practice: tuple[Any, int], cli: Run, tmp_path: Path
) -> None:
    """A replacement of P2's 2026 claim without the diabetes code: the gap reopens. Figures
    stored before it are no longer read, and storing them again gives the new ones."""
    engine, practice_id = practice
    store, june = default_store(), Month(2026, 6)
    with session_scope(engine) as s:
        refresh_hcc(s, practice_id, store, user="test")
        assert recapture(s, practice_id, store, june)[0] == {NPI: (4, 2), OTHER: (2, 1)}
    fixed = visit("P2B", "2026-03-01", "I10", member="EXMEMBER02", frequency="7")
    result = cli("ingest", str(write_837(tmp_path / "fix.837", fixed)))
    assert result.code == 0, result.err
    with session_scope(engine) as s:
        assert not hcc_current(s, practice_id, store)
        found, _ = hcc_recapture(s, practice_id, store, june)
        assert recapture(s, practice_id, store, june)[0] == found
        refresh_hcc(s, practice_id, store, user="test")
    with session_scope(engine) as s:
        assert hcc_current(s, practice_id, store)
        assert recapture(s, practice_id, store, june)[0] == found
    assert found == {NPI: (4, 1), OTHER: (2, 1)}


def test_other_hcc_code_sets_make_the_stored_figures_stale(practice: tuple[Any, int]) -> None:
    engine, practice_id = practice
    store = default_store()
    with session_scope(engine) as s:
        refresh_hcc(s, practice_id, store, user="test")
    with session_scope(engine) as s:
        assert hcc_current(s, practice_id, store)
        assert not hcc_current(s, practice_id, _FewerReleases(store))


class _FewerReleases:
    """The store without its latest HCC release (as after an update that replaced it)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def releases(self, kind: str | None = None) -> list[Any]:
        return list(self.store.releases(kind))[:-1]
