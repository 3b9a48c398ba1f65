"""Running the scrubber on an 837 file (a preview that stores nothing) or on stored claims.

The payer terms a claim is judged against come from the payer registry, by the 837 payer
id (NM1*PR NM109) in force on the claim's date. Without a registry entry the claim filing
indicator (SBR09) gives a guess: ``MA``/``MB`` use the shipped Medicare fee-for-service
defaults; any other indicator gives a payer type but no terms, so the checks that need
terms (timely filing) report themselves as not checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import claim_date
from cleanclaim.edits.engine import Scrubber, Selection, summarize
from cleanclaim.edits.model import Category, ClaimResult, Severity
from cleanclaim.edits.registry import all_rules
from cleanclaim.edits.suppressions import ActiveSuppression, unused
from cleanclaim.errors import UsageError, X12Error
from cleanclaim.payers.registry import BUNDLED, PayerTerms, read_toml
from cleanclaim.x12.envelope import InterchangeSummary, TransactionKind, iter_envelope
from cleanclaim.x12.parse837 import parse_837

PayerLookup = Callable[[str, dt.date], PayerTerms | None]
"""``lookup(payer_id, on)``: the registry entry for an 837 payer id in force on a date."""

#: Payer type guessed from the claim filing indicator (SBR09) when the registry has no entry.
FILING_INDICATOR_TYPES: dict[str, str] = {
    "MA": "medicare-ffs",
    "MB": "medicare-ffs",
    "16": "medicare-advantage",
    "MC": "medicaid-ffs",
    **dict.fromkeys(("CI", "BL", "HM", "12", "13", "14", "15", "17", "DS", "LM"), "commercial"),
    **dict.fromkeys(("AM", "CH", "OF", "TV", "VA", "WC", "ZZ", "09", "10", "11"), "other"),
}


@dataclass(frozen=True)
class PayerMatch:
    """How a claim's payer was identified: the terms used (if any), the type, and how."""

    terms: PayerTerms | None
    type: str
    how: str
    """``registry`` (by payer id), ``filing-indicator`` (SBR09 guess) or ``none``."""

    def describe(self) -> str:
        if self.how == "registry" and self.terms is not None:
            return f"{self.terms.key} ({self.type})"
        if self.how == "filing-indicator":
            terms = f", terms: {self.terms.key}" if self.terms else ", no terms"
            return f"{self.type} guessed from the claim filing indicator{terms}"
        return "unknown payer (no registry entry, no filing indicator)"


@cache
def _medicare_defaults() -> tuple[PayerTerms, ...]:
    return tuple(t for t in read_toml(BUNDLED) if t.type == "medicare-ffs")


class PayerResolver:
    """Finds each claim's payer terms; registry look-ups are cached per (payer id, date)."""

    def __init__(self, lookup: PayerLookup | None = None) -> None:
        self._lookup = lookup
        self._cache: dict[tuple[str, dt.date], PayerTerms | None] = {}

    def resolve(self, claim: Claim) -> PayerMatch:
        day = claim_date(claim)
        payer_id = (claim.payer.payer_id or "").strip()
        if self._lookup is not None and payer_id and day is not None:
            key = (payer_id, day)
            if key not in self._cache:
                self._cache[key] = self._lookup(payer_id, day)
            found = self._cache[key]
            if found is not None:
                return PayerMatch(found, found.type, "registry")
        indicator = (claim.payer.filing_indicator or "").strip().upper()
        guess = FILING_INDICATOR_TYPES.get(indicator)
        if guess is None:
            return PayerMatch(None, "unknown", "none")
        terms = None
        if guess == "medicare-ffs" and day is not None:
            terms = next((t for t in _medicare_defaults() if t.covers(day)), None)
        return PayerMatch(terms, guess, "filing-indicator")


def selection_from(select: Sequence[str], ignore: Sequence[str]) -> Selection:
    """A :class:`Selection` from ``--select``/``--ignore`` values (comma lists allowed).

    Each name must be a rule code, a code prefix (``DX``), a category or a rule slug.
    """

    def names(values: Sequence[str], option: str) -> frozenset[str]:
        out: set[str] = set()
        for value in values:
            for name in (n.strip() for n in value.split(",")):
                if name:
                    _check_name(name, option)
                    out.add(name)
        return frozenset(out)

    chosen = names(select, "--select")
    return Selection(select=chosen or None, ignore=names(ignore, "--ignore"))


def _check_name(name: str, option: str) -> None:
    rules = all_rules()
    upper, lower = name.upper(), name.lower()
    if any(upper == r.code or lower == r.slug for r in rules):
        return
    if name.isalpha() and any(r.code.startswith(upper) for r in rules):
        return
    if lower in {c.value for c in Category}:
        return
    raise UsageError(
        f"{option} {name}: matches no rule (give a code like TF101, a prefix like TF, "
        "a category like timely-filing, or a slug)"
    )


@dataclass(frozen=True)
class Problem:
    """A transaction set or interchange of the file that could not be scrubbed."""

    set: str | None
    segment: int | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"set": self.set, "segment": self.segment, "reason": self.reason}


@dataclass
class ScrubReport:
    """Results of one scrub run, in claim order, with what the JSON contract needs."""

    results: list[ClaimResult] = field(default_factory=list)
    payers: list[PayerMatch] = field(default_factory=list)
    """The payer match of each result (same order)."""
    problems: list[Problem] = field(default_factory=list)
    unused: list[ActiveSuppression] = field(default_factory=list)
    skipped_sets: int = 0

    def to_json(self) -> dict[str, Any]:
        """The scrub JSON: ``claims``, ``coverage``, ``summary`` (plus problems and unused
        suppressions)."""
        return {
            "claims": [r.to_json() for r in self.results],
            "coverage": [c.to_json() for r in self.results for c in r.coverage],
            "summary": summarize(self.results),
            "problems": [p.to_json() for p in self.problems],
            "unused_suppressions": [u.to_json() for u in self.unused],
        }

    def fails(self, level: Severity) -> bool:
        """Whether any finding reaches ``level``; a set that could not be read always does."""
        if self.problems:
            return True
        return any(f.severity.rank >= level.rank for r in self.results for f in r.findings)


def make_scrubber(
    store: Any,
    selection: Selection,
    active: Sequence[ActiveSuppression] = (),
    *,
    today: dt.date | None = None,
    stored_history: Any = None,
    options: dict[str, Any] | None = None,
) -> Scrubber:
    """A :class:`Scrubber` for one run, with the practice's active suppressions and the
    rule options of :func:`cleanclaim.edits.options.practice_options`."""
    return Scrubber(
        store,
        selection=selection,
        suppressions=[a.suppression for a in active],
        stored_history=stored_history,
        today=today or dt.date.today(),
        options=dict(options or {}),
    )


def scrub_file(
    path: Path,
    scrubber: Scrubber,
    resolver: PayerResolver,
    active: Sequence[ActiveSuppression] = (),
    *,
    before: Callable[[Claim], None] | None = None,
    max_segment_bytes: int | None = None,
) -> ScrubReport:
    """Scrub every claim of the 837 sets of ``path``; stores nothing.

    ``before(claim)`` is called before each claim is scrubbed (the CLI uses it to point the
    stored history at the claim's patient).

    A damaged set or interchange becomes a :class:`Problem`; a file with no 837 set at all
    is a usage error; a file that is not X12 raises :class:`~cleanclaim.errors.X12Error`.
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    report = ScrubReport()
    found_837 = False
    options: dict[str, Any] = {"path_name": str(path)}
    if max_segment_bytes is not None:
        options["max_segment_bytes"] = max_segment_bytes
    for item in iter_envelope(path, **options):
        if isinstance(item, InterchangeSummary):
            report.problems.extend(_envelope_problems(item))
            continue
        if item.kind not in (TransactionKind.PROFESSIONAL_837, TransactionKind.INSTITUTIONAL_837):
            report.skipped_sets += 1
            continue
        found_837 = True
        if not item.ok:
            report.problems.append(
                Problem(item.control_number, item.error_segment, item.error or "")
            )
            continue
        try:
            claims = parse_837(item, item.delimiters, str(path))
        except X12Error as exc:
            report.problems.append(Problem(item.control_number, exc.segment, exc.reason))
            continue
        for claim in claims:
            if before is not None:
                before(claim)
            match = resolver.resolve(claim)
            report.results.append(scrubber.scrub(claim, payer=match.terms, payer_type=match.type))
            report.payers.append(match)
    if not found_837 and not report.problems:
        raise UsageError(f"{path}: no 837P/837I transaction set to scrub")
    report.unused = unused(active, scrubber.unused_suppressions(), report.results)
    return report


def _envelope_problems(summary: InterchangeSummary) -> list[Problem]:
    where = f"interchange {summary.control_number}"
    if summary.error is not None:
        return [Problem(None, summary.error_segment, f"{where}: {summary.error}")]
    return [
        Problem(None, g.error_segment, f"{where}: functional group {g.control_number}: {g.error}")
        for g in summary.groups
        if g.error is not None
    ]


def fail_level(name: str) -> Severity:
    """``--fail-on`` value to a severity (``error`` or ``warning``)."""
    try:
        level = Severity(name)
    except ValueError:
        level = Severity.INFO
    if level is Severity.INFO:
        raise UsageError(f"--fail-on {name!r}: use error or warning")
    return level


def coverage_lines(results: Iterable[ClaimResult]) -> list[tuple[str, str, str]]:
    """``(claim_id, check, reason)`` of every coverage entry."""
    return [(c.claim_id, c.check, c.reason) for r in results for c in r.coverage]
