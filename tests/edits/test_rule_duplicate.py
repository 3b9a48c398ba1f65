"""DU101 duplicate: other claims, other versions, lines of one claim, history coverage."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import HistoryLine, patient_key
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult
from cleanclaim.edits.rules.duplicate import NO_HISTORY
from cleanclaim.payers.registry import PayerTerms

DOS = "2026-07-15"
DAY = dt.date(2026, 7, 15)
NPI = "1234567893"  # the examples' rendering NPI
OTHER_NPI = "1679576722"


@dataclasses.dataclass
class StoredHistory:
    """Stored claim history holding a few lines (the store is somebody else's module)."""

    lines: list[tuple[str, HistoryLine]]

    @property
    def available(self) -> bool:
        return True

    def lines_on(self, patient: str, day: dt.date) -> list[HistoryLine]:
        return [h for p, h in self.lines if p == patient and h.day == day]


def C(*lines: ExLine, **kw: str) -> Claim:
    return build(ExClaim(lines=lines, dos=kw.pop("dos", DOS), **kw))  # type: ignore[arg-type]


def stored(
    claim_key: str, claim_id: str, code: str, mods: tuple[str, ...] = (), npi: str = NPI
) -> HistoryLine:
    return HistoryLine(claim_key, claim_id, 1, DAY, code, mods, 1, npi)


def run(
    store: CodesetStore,
    claim: Claim,
    payer: PayerTerms,
    *,
    history: tuple[Claim, ...] = (),
    stored_lines: list[HistoryLine] | None = None,
    claim_key: str | None = None,
) -> tuple[ClaimResult, list[tuple[int | None, str]]]:
    stored_history = None
    if stored_lines is not None:
        pkey = patient_key(claim)
        stored_history = StoredHistory([(pkey, h) for h in stored_lines])
    scrubber = Scrubber(
        store, selection=Selection(select=frozenset({"DU101"})), stored_history=stored_history
    )
    for earlier in history:
        scrubber.scrub(earlier, payer=payer)
    result = scrubber.scrub(claim, payer=payer, claim_key=claim_key)
    flagged = sorted((f.line, f.severity.value) for f in result.findings if f.rule == "DU101")
    return result, flagged


BATCH_CASES = [
    # earlier claim, this claim (99213 on DOS by NPI unless stated), expected findings
    pytest.param({"claim_id": "EX1"}, {}, [(1, "error")], id="other-claim"),
    pytest.param({}, {}, [(1, "warning")], id="same-clm01-sent-again"),
    pytest.param({}, {"frequency": "7"}, [], id="replacement"),
    pytest.param({}, {"frequency": "8"}, [], id="void"),
    pytest.param({"claim_id": "EX1", "code": "99214"}, {}, [], id="other-code"),
    pytest.param({"claim_id": "EX1", "mods": ("25",)}, {}, [], id="other-modifiers"),
    pytest.param({"claim_id": "EX1", "dos": "2026-07-16"}, {}, [], id="other-day"),
    pytest.param({"claim_id": "EX1", "rendering_npi": OTHER_NPI}, {}, [], id="other-provider"),
    pytest.param({"claim_id": "EX1", "member_id": "SOMEONEELSE"}, {}, [], id="other-patient"),
    pytest.param({"claim_id": "EX1", "units": 2}, {}, [(1, "error")], id="units-differ"),
]


def spec(
    claim_id: str = "EX2",
    code: str = "99213",
    mods: tuple[str, ...] = (),
    units: int = 1,
    **kw: str,
) -> Claim:
    return C(ExLine(code, mods, units=units), claim_id=claim_id, **kw)


@pytest.mark.parametrize(("earlier", "current", "flags"), BATCH_CASES)
def test_against_earlier_claim_in_batch(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    earlier: dict[str, Any],
    current: dict[str, Any],
    flags: list[tuple[int, str]],
) -> None:
    _, flagged = run(bundled_store, spec(**current), medicare, history=(spec(**earlier),))
    assert flagged == flags


def test_replacement_still_catches_other_claims(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    history = (C(ExLine("99213"), claim_id="EX1"), C(ExLine("99213"), claim_id="EX2"))
    claim = C(ExLine("99213"), claim_id="EX2", frequency="7")
    _, flagged = run(bundled_store, claim, medicare, history=history)
    assert flagged == [(1, "error")]


LINE_CASES = [
    pytest.param((ExLine("99213"), ExLine("99213")), [(2, "warning")], id="identical"),
    pytest.param(
        (ExLine("99213"), ExLine("99213"), ExLine("99213")),
        [(2, "warning"), (3, "warning")],
        id="three-identical",
    ),
    pytest.param((ExLine("97110"), ExLine("97110", units=2)), [], id="different-units"),
    pytest.param((ExLine("20610", ("RT",)), ExLine("20610", ("LT",))), [], id="left-and-right"),
    pytest.param((ExLine("20610", ("76",)), ExLine("20610", ("76",))), [], id="both-76"),
    pytest.param((ExLine("20610", ("77",)), ExLine("20610", ("77",))), [], id="both-77"),
    pytest.param((ExLine("85025", ("91",)), ExLine("85025", ("91",))), [], id="both-91"),
    pytest.param((ExLine("99213"), ExLine("99213", dos="2026-07-16")), [], id="two-days"),
]


@pytest.mark.parametrize(("lines", "flags"), LINE_CASES)
def test_lines_of_one_claim(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    lines: tuple[ExLine, ...],
    flags: list[tuple[int, str]],
) -> None:
    _, flagged = run(bundled_store, C(*lines), medicare)
    assert flagged == flags


def test_repeat_modifier_against_other_claim_is_a_warning(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    earlier = C(ExLine("85025", ("91",)), claim_id="EX1")
    result, flagged = run(
        bundled_store, C(ExLine("85025", ("91",)), claim_id="EX2"), medicare, history=(earlier,)
    )
    assert flagged == [(1, "warning")]
    assert "91 marks a repeat" in result.findings[0].message


def test_messages(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    result, _ = run(
        bundled_store,
        C(ExLine("99213"), claim_id="EX2"),
        medicare,
        stored_lines=[stored("c-0123456789abcdef", "EX1", "99213")],
        claim_key="c-fedcba9876543210",
    )
    (finding,) = result.findings
    assert finding.message == (
        "99213 on 2026-07-15 by the same provider is already billed for this patient on "
        "another claim (claim key c-0123456789abcdef), line 1; the payer denies the second as "
        "a duplicate"
    )
    assert finding.fix.startswith("Remove 99213 from this claim if it is the same service.")

    result, _ = run(bundled_store, C(ExLine("99213"), ExLine("99213")), medicare)
    (finding,) = result.findings
    assert finding.message == (
        "line 2 repeats line 1: 99213 on 2026-07-15, same provider and units; the payer pays "
        "it once and denies the repeat as a duplicate"
    )


# -- stored history --------------------------------------------------------------------------


def test_without_stored_history_one_coverage_entry(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = C(ExLine("99213"), ExLine("20610"), ExLine("36415"))
    result, flagged = run(bundled_store, claim, medicare)
    assert flagged == []
    assert [(c.check, c.reason) for c in result.coverage] == [("DU101", NO_HISTORY)]


def test_with_stored_history_no_coverage_entry(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    result, flagged = run(bundled_store, C(ExLine("99213")), medicare, stored_lines=[])
    assert flagged == [] and result.coverage == []


STORED_CASES = [
    pytest.param(stored("c-other", "EX9", "99213"), [(1, "error")], id="stored-other-claim"),
    pytest.param(stored("c-self", "EX1", "99213"), [], id="itself-in-storage"),
    pytest.param(stored("c-v1", "EX1", "99213"), [(1, "warning")], id="stored-earlier-version"),
    pytest.param(
        dataclasses.replace(stored("c-v1", "EX1", "99213"), status="rejected"),
        [],
        id="stored-earlier-version-rejected",
    ),
    pytest.param(
        dataclasses.replace(stored("c-v1", "EX1", "99213"), status="paid"),
        [(1, "warning")],
        id="stored-earlier-version-paid",
    ),
    pytest.param(stored("c-other", "EX9", "99213", npi=OTHER_NPI), [], id="stored-other-npi"),
    pytest.param(stored("c-other", "EX9", "99213", ("59",)), [], id="stored-other-modifier"),
]


@pytest.mark.parametrize(("line", "flags"), STORED_CASES)
def test_against_stored_history(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    line: HistoryLine,
    flags: list[tuple[int, str]],
) -> None:
    _, flagged = run(
        bundled_store,
        C(ExLine("99213"), claim_id="EX1"),
        medicare,
        stored_lines=[line],
        claim_key="c-self",
    )
    assert flagged == flags
