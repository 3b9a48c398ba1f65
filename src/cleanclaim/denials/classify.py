"""Classify the adjustments of one claim's adjudications by one payer (pure functions).

An *adjudication group* is every CLP loop of one payer for one claim version (or, when the
835 matched no claim, for one CLP01): split claims, reversals and corrections included.
:func:`classify_group` returns one :class:`Classified` per CAS triple:

* ``denial``: the table says the group/CARC denies and the amount is positive (reversals,
  voids, predeterminations and forwarded claims never deny). Unknown and unmapped CARCs
  are denials of root cause ``unclassified``, so that they are counted and shown.
* ``line_denied``: the SVC line is paid 0 with a denial-type adjustment on it (or on the
  claim, when the claim is paid 0 too).
* ``claim_denied``: CLP02 = 4, or every line denied; for a split claim, every current part
  of the claim must be denied.
* ``partial``: a denial on a claim that is not wholly denied.
* ``counted``: the row counts in KPIs. Reversal rows never count. An adjudication that was
  reversed or corrected counts only for the denials its successor does not repeat on the
  same line (each denied line and claim is counted once).
* a denial reversed or corrected into a payment of the *same* claim version (no change by
  the practice) becomes ``payer-error``, unless its cause was documentation, eligibility
  or authorization; the original root cause is kept in ``original_root_cause``. A payment
  is a processed CLP (:data:`PROCESSED`) that no longer denies the line (or, for a
  claim-level denial, the claim), even when all of it went to the patient's deductible.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from cleanclaim.denials.carc_table import DenialTable, Verdict, refine
from cleanclaim.denials.links import NO_LINK, FindingIn, ScrubLink, scrub_link

CLASSIFIER = "denials-1"
"""Version of the classification logic (joined with the table version)."""

NOT_PAYER_ERROR = frozenset({"documentation", "eligibility", "authorization"})
SECONDARY = frozenset({"2", "3", "20", "21"})
PROCESSED = frozenset({"1", "2", "3", "19", "20", "21"})
"""CLP02 values of a processed claim (paid, or applied to the patient's share)."""
DUPLICATE_CARCS = frozenset({"18", "B13"})
AUTH_CARCS = frozenset({"197", "15"})
_ZERO = Decimal(0)


@dataclass(frozen=True)
class AdjIn:
    """One CAS triple."""

    adjustment_id: int
    remit_line_id: int | None
    group: str
    carc: str
    amount: Decimal
    rarcs: tuple[str, ...]


@dataclass(frozen=True)
class LineIn:
    """One SVC line: its 1-based position, what it paid, its adjustments."""

    remit_line_id: int
    position: int
    paid: Decimal
    adjustments: tuple[AdjIn, ...] = ()


@dataclass(frozen=True)
class ClpIn:
    """One CLP loop."""

    remit_claim_id: int
    status: str
    paid: Decimal
    chain_role: str
    previous_id: int | None
    claim_id: int | None
    remarks: tuple[str, ...] = ()
    adjustments: tuple[AdjIn, ...] = ()
    lines: tuple[LineIn, ...] = ()


@dataclass(frozen=True)
class ClaimInfo:
    """What the classifier needs to know of the matched claim version."""

    version_kind: str = "original"
    has_earlier_submission: bool = False
    has_prior_auth: bool = False
    findings: tuple[FindingIn, ...] | None = None
    """Findings of the submitted version (``None``: never scrubbed)."""


@dataclass
class Classified:
    """The classification of one adjustment (the computed columns of a denial row)."""

    adjustment_id: int
    remit_claim_id: int
    remit_line_id: int | None
    line: int | None
    denial: bool
    line_denied: bool
    claim_denied: bool
    partial: bool
    verdict: Verdict
    link: ScrubLink = NO_LINK
    counted: bool = True
    original_root_cause: str | None = None
    rarcs: tuple[str, ...] = field(default_factory=tuple)


def verdict_for(
    table: DenialTable, known_carcs: frozenset[str], adj: AdjIn, rarcs: set[str],
    categories: set[str],
) -> tuple[bool, Verdict]:  # fmt: skip
    """(denial-type?, verdict) of one group/CARC with its remark codes and finding categories."""
    entry = table.lookup(adj.group, adj.carc)
    if entry is None:
        code = f"{adj.group}-{adj.carc}"
        if adj.carc.upper() in known_carcs:
            text = (
                f"{code} is a known adjustment code that the denial table does not map; "
                "it is left unclassified (add it to the table's override to classify it)."
            )
            reason = "unmapped-code"
        else:
            text = (
                f"{code} is not a code we know (not in the CARC list); it is left "
                "unclassified and shown so someone reads the remittance."
            )
            reason = "unknown-code"
        return True, Verdict("unclassified", reason, "none", False, "ambiguous", text)
    verdict, matched = refine(entry, rarcs, categories)
    if matched.startswith("finding"):
        verdict = replace(verdict, explanation=verdict.explanation + f" (inferred from a scrub "
                          f"{matched}; the payer's codes alone do not say.)")  # fmt: skip
    return entry.denial, verdict


def _not_a_denial(reason: str, text: str) -> Verdict:
    return Verdict("not-a-denial", reason, "none", False, "certain", text)


def _special(clp: ClpIn, info: ClaimInfo | None) -> Verdict | None:
    """A verdict shared by every adjustment of a CLP that cannot deny anything."""
    if clp.status == "22":
        return _not_a_denial(
            "reversal",
            "Reversal of an earlier adjudication (amounts negated): "
            "not a denial, and not counted; the earlier one is undone.",
        )
    if info is not None and info.version_kind == "void":
        return _not_a_denial(
            "void", "Adjudication of a void (frequency 8) that closes the claim: not a denial."
        )
    if clp.status == "25":
        return _not_a_denial(
            "predetermination",
            "Predetermination pricing only; nothing was billed for payment, so nothing was denied.",
        )
    if clp.status == "23":
        return _not_a_denial(
            "forwarded",
            "The payer says the claim is not theirs and forwarded "
            "it to another payer: not a denial by this payer.",
        )
    return None


def _adjust(verdict: Verdict, adj: AdjIn, clp: ClpIn, info: ClaimInfo | None) -> Verdict:
    """Context the table cannot see: earlier submissions, authorization numbers, secondary."""
    carc = adj.carc.upper()
    if carc in DUPLICATE_CARCS and info is not None and not info.has_earlier_submission:
        verdict = replace(verdict, confidence="ambiguous", explanation=verdict.explanation
                          + " No earlier submission of this claim is stored: check whether the "
                          "payer is wrong before treating it as a duplicate.")  # fmt: skip
    if carc == "197" and info is not None and info.has_prior_auth:
        verdict = replace(verdict, confidence="likely", explanation=verdict.explanation
                          + " The claim did carry an authorization number: the payer did not "
                          "accept it for this service (wrong number, expired, or another "
                          "service).")  # fmt: skip
    if clp.status in SECONDARY:
        verdict = replace(verdict, explanation=verdict.explanation + " (Adjudicated as "
                          "secondary payer.)")  # fmt: skip
    return verdict


def _payer_error(verdict: Verdict) -> Verdict:
    return Verdict("payer-error", "payer-error", "payer", False, "likely",
                   "Denied, then reversed or corrected and paid on the same claim version "
                   "with nothing changed by the practice: the payer's error. Originally: "
                   + verdict.explanation)  # fmt: skip


def _line_of(clp: ClpIn) -> dict[int, LineIn]:
    return {ln.remit_line_id: ln for ln in clp.lines}


def _clp_rows(
    clp: ClpIn, table: DenialTable, known: frozenset[str], info: ClaimInfo | None
) -> tuple[list[Classified], bool]:
    """Rows of one CLP and whether it denies the claim (before split and chain handling)."""
    categories = {f.category for f in (info.findings or ())} if info else set()
    special = _special(clp, info)
    claim_rarcs = {r.upper() for r in clp.remarks}
    rows: list[Classified] = []
    items = [(None, a) for a in clp.adjustments] + [
        (ln, a) for ln in clp.lines for a in ln.adjustments
    ]
    for line, adj in items:
        rarcs = {r.upper() for r in adj.rarcs} | claim_rarcs
        if special is not None:
            denial, verdict = False, special
        else:
            denial, verdict = verdict_for(table, known, adj, rarcs, categories)
            denial = denial and adj.amount > _ZERO
            verdict = _adjust(verdict, adj, clp, info)
        rows.append(Classified(
            adj.adjustment_id, clp.remit_claim_id, adj.remit_line_id,
            line.position if line else None, denial, False, False, False, verdict,
            rarcs=tuple(sorted(rarcs)),
        ))  # fmt: skip
    if special is not None:
        return rows, False
    claim_level_denial = any(r.denial for r in rows if r.line is None)
    denied_lines: set[int] = set()
    for ln in clp.lines:
        own = any(r.denial for r in rows if r.remit_line_id == ln.remit_line_id)
        if ln.paid == _ZERO and (own or (claim_level_denial and clp.paid == _ZERO)):
            denied_lines.add(ln.position)
    if clp.status == "4":
        claim_denied = True
    elif clp.lines:
        claim_denied = len(denied_lines) == len(clp.lines)
    else:
        claim_denied = clp.paid == _ZERO and claim_level_denial
    for r in rows:
        r.line_denied = r.line in denied_lines
        r.claim_denied = claim_denied
        if r.denial and info is not None:
            r.link = scrub_link(table.categories(r.verdict.reason), r.line, _found(info))
    return rows, claim_denied


def _found(info: ClaimInfo) -> list[FindingIn] | None:
    return None if info.findings is None else list(info.findings)


def classify_group(
    clps: list[ClpIn], table: DenialTable, known_carcs: frozenset[str],
    infos: dict[int, ClaimInfo],
) -> list[Classified]:  # fmt: skip
    """Classify every adjustment of one adjudication group (see the module docstring).

    ``infos`` holds the matched claim versions by ``claim.id``.
    """
    by_id = {c.remit_claim_id: c for c in clps}
    reversal_of = {c.remit_claim_id: c.previous_id for c in clps if c.status == "22"}
    successor: dict[int, int] = {}
    for c in sorted(clps, key=lambda c: c.remit_claim_id):
        if c.previous_id is None or c.status == "22":
            continue
        # a correction chained to a reversal succeeds what the reversal undid
        before = reversal_of.get(c.previous_id, c.previous_id)
        if before in by_id:
            successor[before] = c.remit_claim_id
    reversed_ids = {p for p in reversal_of.values() if p is not None}
    superseded = reversed_ids | set(successor)
    rows_of: dict[int, list[Classified]] = {}
    denied: dict[int, bool] = {}
    for c in clps:
        info = infos.get(c.claim_id) if c.claim_id is not None else None
        rows_of[c.remit_claim_id], denied[c.remit_claim_id] = _clp_rows(c, table, known_carcs, info)
    current = [c for c in clps if c.status != "22" and c.remit_claim_id not in superseded]
    all_current_denied = bool(current) and all(denied[c.remit_claim_id] for c in current)
    out: list[Classified] = []
    for c in clps:
        rows = rows_of[c.remit_claim_id]
        if c.status == "22":
            for r in rows:
                r.counted = False
            out += rows
            continue
        if c.remit_claim_id not in superseded and len(current) > 1:
            for r in rows:
                r.claim_denied = all_current_denied
        if c.remit_claim_id in superseded:
            _resolve_superseded(rows, c, by_id, successor, rows_of)
        for r in rows:
            r.partial = r.denial and not r.claim_denied
        out += rows
    return out


def _final(clp_id: int, successor: dict[int, int]) -> int | None:
    seen = set()
    nxt = successor.get(clp_id)
    while nxt is not None and nxt in successor and nxt not in seen:
        seen.add(nxt)
        nxt = successor[nxt]
    return nxt


def _resolve_superseded(
    rows: list[Classified], clp: ClpIn, by_id: dict[int, ClpIn], successor: dict[int, int],
    rows_of: dict[int, list[Classified]],
) -> None:  # fmt: skip
    """Count a reversed/corrected adjudication's denials once; detect payer errors."""
    final_id = _final(clp.remit_claim_id, successor)
    final = by_id.get(final_id) if final_id is not None else None
    final_rows = rows_of.get(final_id, []) if final_id is not None else []
    same_version = (
        final is not None and final.claim_id is not None and (final.claim_id == clp.claim_id)
    )
    for r in rows:
        if not r.denial:
            r.counted = False
            continue
        repeated = any(
            f.denial and (f.line == r.line or r.line is None or f.line is None) for f in final_rows
        )
        r.counted = not repeated
        lifted = (
            final is not None
            and not repeated
            and final.status in PROCESSED
            and (r.line is None or any(ln.position == r.line for ln in final.lines))
        )
        if same_version and lifted and r.verdict.root_cause not in NOT_PAYER_ERROR:
            r.original_root_cause = r.verdict.root_cause
            r.verdict = _payer_error(r.verdict)
            r.link = NO_LINK
