"""Helpers of the modifier, POS and dx-px rule tests: a FULL PFS release written from
invented rows (so the tests do not depend on the bundled sample), payers, and a runner."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence

from cleanclaim.claims.model import Claim, Provider
from cleanclaim.codesets.loaders.pfs import PfsEntry
from cleanclaim.codesets.model import Completeness, ParsedRelease
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.model import ClaimResult
from cleanclaim.payers.registry import PayerTerms

COMMERCIAL = PayerTerms(
    key="acme-health",
    name="Acme Health (test)",
    type="commercial",
    timely_filing="180d",
    appeal_window_days=60,
    ncci_applies=False,
    mue_applies=False,
    effective_from=dt.date(2010, 1, 1),
)


def pfs(code: str, global_days: str = "XXX", bilateral: str = "0") -> PfsEntry:
    """A relative-value row with the fields the rules read (values invented for tests)."""
    return PfsEntry(code, "", "A", 1.0, "0", global_days, "2", bilateral, "0", "0", "0")


def install_pfs(
    store: CodesetStore,
    rows: Sequence[PfsEntry],
    *,
    start: dt.date = dt.date(2020, 1, 1),
    end: dt.date | None = None,
    completeness: Completeness = Completeness.FULL,
) -> CodesetStore:
    """Install ``rows`` as a PFS release covering ``start``..``end``."""
    digest = hashlib.sha256(repr((rows, start, end, completeness)).encode()).hexdigest()
    parsed = ParsedRelease(
        kind="pfs-rvu",
        name="PFS test rows",
        version=f"test-{digest[:8]}",
        effective_from=start,
        effective_to=end,
        source="test",
        sha256=digest,
        row_count=len(rows),
        completeness=completeness,
        payload=list(rows),
    )
    store.install(parsed, origin="imported")
    return store


def scrub(
    store: CodesetStore,
    code: str,
    claim: Claim,
    payer: PayerTerms | None,
    history: Sequence[Claim] = (),
) -> ClaimResult:
    """Scrub ``claim`` (after ``history``) with only rule ``code`` selected."""
    scrubber = Scrubber(store, selection=Selection(select=frozenset({code})))
    for earlier in history:
        scrubber.scrub(earlier, payer=payer)
    return scrubber.scrub(claim, payer=payer)


def flagged(result: ClaimResult, code: str) -> list[int | None]:
    """Lines the rule flagged, in order (``None`` sorts first)."""
    lines = [f.line for f in result.findings if f.rule == code]
    return sorted(lines, key=lambda x: -1 if x is None else x)


def with_line(claim: Claim, number: int, **changes: object) -> Claim:
    """``claim`` with line ``number`` changed (fields the 837 examples cannot express)."""
    lines = tuple(
        dataclasses.replace(ln, **changes) if ln.number == number else ln  # type: ignore[arg-type]
        for ln in claim.lines
    )
    return dataclasses.replace(claim, lines=lines)


def rendering(npi: str) -> Provider:
    """A line-level rendering provider."""
    return Provider(role="rendering", entity_code="82", entity_type="1", name="OTHERDOC", npi=npi)
