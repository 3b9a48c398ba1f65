"""Recovery of the true denial causes: classified denials scored against a truth ledger.

The synthetic practice (``cleanclaim demo generate``) writes ``truth-ledger.csv``, the real
cause of every denial it wrote. :func:`measure` joins the practice's classified 835
adjustments (the current ``denial`` rows) to the ledger and scores the classifier's root
cause per class: precision, recall, F1 and support, their macro averages, and a confusion
matrix. Nothing here is used by the classifier; this module only reads what it stored.

**The join.** A ledger row of kind ``denial`` names one CAS adjustment of one written 835
claim payment; a classified row names one stored CAS triple. Both are keyed by

    (CLM01 = CLP01, 835 payer id, CLP07 payer claim number, SVC position or claim level,
     CAS group, CARC, amount)

and matched as multisets: when several adjustments share a key (the same CARC twice on one
line), they pair off one to one. The claim frequency is not part of the key (the payer claim
number already names the adjudication). Nothing is dropped silently: ledger rows left
without a classified row and classified denials left without a ledger row are counted and
listed (:attr:`Recovery.unmatched_ledger`, :attr:`Recovery.unmatched_classified`). A ledger
row matched to an adjustment the classifier does not call a denial is scored with the
predicted class ``not-a-denial`` (a miss for its true class).

**What is not scored** (each counted by true root cause in :attr:`Recovery.excluded`):

* ``rejection`` rows: a 277CA front-end rejection is not an 835 adjustment; the denial
  classifier never sees it.
* payer errors that were never resolved in a way the data shows: a payer that denies a
  clean claim by mistake uses the codes of a real billing or coding denial, and nothing in
  the files tells the two apart until the payer pays the same claim version (it corrected
  itself, ``payer-corrected``; the appeal was overturned, ``appeal-overturned``, which the
  appeals log shows; or an unchanged replacement was processed, ``resubmitted``, which
  shows only once a stored 835 processed the replacement). Rows of any other resolution
  (open, appeal pending, upheld or partly overturned, written off...), and resubmitted
  ones whose replacement no stored 835 has processed yet, are *unobservable*: scoring them
  as payer-error would demand knowledge no classifier can have, and scoring them as the
  cause their codes suggest would grade the classifier against its own table. They are
  left out, and how the classifier labelled them is reported beside the score. Whether a
  replacement was processed is read from the stored claims and 835s
  (:func:`replacements_processed`), never from the classifier's output.

Figures are :class:`~decimal.Decimal` (4 places, half-up) or ``int``; a class the
classifier never predicts has precision 0, a class with no support recall 0 (both count
in the macro averages).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.errors import InputError
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemittanceRow

CLASSES = ("documentation", "eligibility", "coding", "billing", "authorization", "payer-error")
"""The root causes scored (the classifier's vocabulary, without its non-answers)."""
OBSERVABLE_PAYER_ERROR = frozenset({"payer-corrected", "appeal-overturned", "resubmitted"})
"""Resolutions under which a payer error shows in the data (the same version paid)."""
LEDGER_COLUMNS = (
    "kind", "claim_id", "payer_id", "payer_claim_number", "line", "group", "carc", "amount",
    "root_cause", "resolution",
)  # fmt: skip
"""Ledger columns this module needs (the file may have more)."""
PROCESSED = ("1", "2", "3", "19", "20", "21")
"""CLP02 values of a processed claim."""
EXCLUDED_REJECTION = "277CA rejection (not an 835 adjustment)"
EXCLUDED_PAYER_ERROR = "payer error not resolved in the data (unobservable)"
EXCLUDED_RESUBMITTED = "payer error resubmitted, replacement not processed yet (unobservable)"
_PLACES = Decimal("0.0001")
_ZERO = Decimal(0)

Key = tuple[str, str, str, int | None, str, str, Decimal]
"""(CLM01, payer id, payer claim number, line, group, CARC, amount)."""


@dataclass(frozen=True)
class TruthRow:
    """One ledger row, as the join needs it."""

    number: int
    """Line of the ledger file (the header is line 1)."""
    kind: str
    key: Key
    root_cause: str
    resolution: str


@dataclass(frozen=True)
class ClassifiedRow:
    """One current classified CAS adjustment."""

    denial_id: int
    key: Key
    denial: bool
    root_cause: str


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 of one root cause."""

    root_cause: str
    support: int
    """Scored ledger rows of this true cause."""
    predicted: int
    """Scored rows the classifier gave this cause."""
    correct: int
    precision: Decimal
    recall: Decimal
    f1: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "root_cause": self.root_cause, "support": self.support,
            "predicted": self.predicted, "correct": self.correct,
            "precision": str(self.precision), "recall": str(self.recall), "f1": str(self.f1),
        }  # fmt: skip


@dataclass
class Recovery:
    """The result of :func:`measure` (or :func:`score` on rows already read)."""

    ledger_rows: int
    scored: int
    classes: list[ClassScore]
    macro_precision: Decimal
    macro_recall: Decimal
    macro_f1: Decimal
    confusion: dict[str, dict[str, int]]
    """true root cause -> predicted root cause -> scored rows."""
    excluded: dict[str, dict[str, int]] = field(default_factory=dict)
    """exclusion reason -> true root cause -> ledger rows."""
    excluded_predicted: dict[str, dict[str, int]] = field(default_factory=dict)
    """exclusion reason -> what the classifier said of the matched ones -> rows."""
    unmatched_ledger: list[TruthRow] = field(default_factory=list)
    unmatched_classified: list[ClassifiedRow] = field(default_factory=list)

    @property
    def accuracy(self) -> Decimal:
        correct = sum(c.correct for c in self.classes)
        return _ratio(correct, self.scored)

    def to_json(self) -> dict[str, Any]:
        return {
            "ledger_rows": self.ledger_rows, "scored": self.scored,
            "accuracy": str(self.accuracy),
            "macro": {"precision": str(self.macro_precision), "recall": str(self.macro_recall),
                      "f1": str(self.macro_f1)},
            "classes": [c.to_json() for c in self.classes],
            "confusion": self.confusion, "excluded": self.excluded,
            "excluded_predicted": self.excluded_predicted,
            "unmatched_ledger": [_truth_json(t) for t in self.unmatched_ledger],
            "unmatched_classified": [_classified_json(c) for c in self.unmatched_classified],
        }  # fmt: skip


def _key_json(key: Key) -> dict[str, Any]:
    clm01, payer, icn, line, group, carc, amount = key
    return {"claim_id": clm01, "payer_id": payer, "payer_claim_number": icn, "line": line,
            "group": group, "carc": carc, "amount": f"{amount:.2f}"}  # fmt: skip


def _truth_json(row: TruthRow) -> dict[str, Any]:
    return {"ledger_line": row.number, "kind": row.kind, **_key_json(row.key),
            "root_cause": row.root_cause, "resolution": row.resolution}  # fmt: skip


def _classified_json(row: ClassifiedRow) -> dict[str, Any]:
    return {"denial_id": row.denial_id, **_key_json(row.key), "root_cause": row.root_cause}


# -- reading -----------------------------------------------------------------------------------


def _amount(text: str) -> Decimal:
    return Decimal(text.strip()).quantize(Decimal("0.01"))


def read_ledger(path: Path) -> list[TruthRow]:
    """The rows of a truth ledger (``truth-ledger.csv``).

    Raises:
        InputError: no such file, missing columns, or a bad line or amount (``path:line``).
    """
    if not path.is_file():
        raise InputError(path, "no such file")
    out: list[TruthRow] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in LEDGER_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, "not a truth ledger: missing column(s) " + ", ".join(missing))
        for number, raw in enumerate(reader, start=2):
            try:
                line = int(raw["line"]) if raw["line"].strip() else None
                amount = _amount(raw["amount"]) if raw["amount"].strip() else _ZERO
            except (ValueError, InvalidOperation):
                raise InputError(path, "bad line or amount", line=number) from None
            key: Key = (raw["claim_id"].strip(), raw["payer_id"].strip(),
                        raw["payer_claim_number"].strip(), line, raw["group"].strip().upper(),
                        raw["carc"].strip().upper(), amount)  # fmt: skip
            out.append(TruthRow(number, raw["kind"].strip(), key, raw["root_cause"].strip(),
                                raw["resolution"].strip()))  # fmt: skip
    return out


def read_classified(session: Session, practice_id: int) -> list[ClassifiedRow]:
    """The practice's current classified CAS adjustments (denials and not)."""
    query = (
        select(DenialRow.id, DenialRow.clm01, RemittanceRow.payer_id,
               RemitClaimRow.payer_claim_number, DenialRow.line, DenialRow.group_code,
               DenialRow.carc, DenialRow.amount, DenialRow.denial, DenialRow.root_cause)
        .join(RemitClaimRow, RemitClaimRow.id == DenialRow.remit_claim_id)
        .join(RemittanceRow, RemittanceRow.id == DenialRow.remittance_id)
        .where(DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
               DenialRow.source == "cas")
        .order_by(DenialRow.id)
    )  # fmt: skip
    out = []
    for r in session.execute(query):
        key: Key = ((r.clm01 or "").strip(), r.payer_id.strip(), r.payer_claim_number.strip(),
                    r.line, r.group_code.strip().upper(), r.carc.strip().upper(),
                    Decimal(r.amount).quantize(Decimal("0.01")))  # fmt: skip
        out.append(ClassifiedRow(r.id, key, bool(r.denial), r.root_cause))
    return out


# -- joining and scoring -----------------------------------------------------------------------


def replacements_processed(session: Session, practice_id: int) -> frozenset[tuple[str, str, str]]:
    """(CLP01, 835 payer id, CLP07) of every adjudication of a claim version whose
    frequency-7 replacement a stored 835 processed (CLP02 1, 2, 3, 19, 20 or 21) and did
    not reverse."""
    reversed_ids = select(RemitClaimRow.previous_id).where(
        RemitClaimRow.practice_id == practice_id, RemitClaimRow.status_code == "22",
        RemitClaimRow.previous_id.is_not(None))  # fmt: skip
    originals = (
        select(ClaimRow.original_id)
        .join(RemitClaimRow, RemitClaimRow.claim_id == ClaimRow.id)
        .where(ClaimRow.practice_id == practice_id, ClaimRow.frequency_code == "7",
               ClaimRow.original_id.is_not(None), RemitClaimRow.status_code.in_(PROCESSED),
               RemitClaimRow.id.not_in(reversed_ids))
    )  # fmt: skip
    query = (
        select(RemitClaimRow.clp01, RemittanceRow.payer_id, RemitClaimRow.payer_claim_number)
        .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
        .where(RemitClaimRow.practice_id == practice_id, RemitClaimRow.claim_id.in_(originals))
    )  # fmt: skip
    return frozenset((a.strip(), b.strip(), c.strip()) for a, b, c in session.execute(query))


def excluded_because(
    row: TruthRow, processed: frozenset[tuple[str, str, str]] = frozenset()
) -> str | None:
    """Why a ledger row is not scored (``None``: it is); ``processed`` is
    :func:`replacements_processed`."""
    if row.kind != "denial":
        return EXCLUDED_REJECTION
    if row.root_cause != "payer-error":
        return None
    if row.resolution not in OBSERVABLE_PAYER_ERROR:
        return EXCLUDED_PAYER_ERROR
    if row.resolution == "resubmitted" and row.key[:3] not in processed:
        return EXCLUDED_RESUBMITTED
    return None


def join(
    truth: list[TruthRow], classified: list[ClassifiedRow]
) -> tuple[list[tuple[TruthRow, ClassifiedRow]], list[TruthRow], list[ClassifiedRow]]:
    """Pair ledger denial rows with classified rows by key (see the module docstring).

    Returns the pairs, the ledger denial rows left over and the classified *denials* left
    over (classified rows that are not denials and match nothing are expected: payments).
    """
    pool: dict[Key, list[ClassifiedRow]] = defaultdict(list)
    for c in classified:
        pool[c.key].append(c)
    pairs: list[tuple[TruthRow, ClassifiedRow]] = []
    left: list[TruthRow] = []
    for t in truth:
        if t.kind != "denial":
            continue
        candidates = pool.get(t.key)
        if not candidates:
            left.append(t)
            continue
        # a denial row first: a ledger row names a denial-type adjustment
        pick = next((i for i, c in enumerate(candidates) if c.denial), 0)
        pairs.append((t, candidates.pop(pick)))
    rest = [c for cs in pool.values() for c in cs if c.denial]
    return pairs, left, sorted(rest, key=lambda c: c.denial_id)


def _ratio(num: int, den: int) -> Decimal:
    if den == 0:
        return _ZERO.quantize(_PLACES)
    return (Decimal(num) / Decimal(den)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def _f1(p: Decimal, r: Decimal) -> Decimal:
    if p + r == 0:
        return _ZERO.quantize(_PLACES)
    return (2 * p * r / (p + r)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, _ZERO) / len(values)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def _nested(counts: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {k: dict(sorted(c.items())) for k, c in sorted(counts.items())}


def score(
    truth: list[TruthRow],
    classified: list[ClassifiedRow],
    processed: frozenset[tuple[str, str, str]] = frozenset(),
) -> Recovery:
    """Join and score (see the module docstring); ``processed`` is
    :func:`replacements_processed`."""
    pairs, left, rest = join(truth, classified)
    excluded: dict[str, Counter[str]] = defaultdict(Counter)
    excluded_predicted: dict[str, Counter[str]] = defaultdict(Counter)
    for t in truth:
        why = excluded_because(t, processed)
        if why is not None:
            excluded[why][t.root_cause] += 1
    confusion: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    scored = 0
    for t, c in pairs:
        predicted = c.root_cause if c.denial else "not-a-denial"
        why = excluded_because(t, processed)
        if why is not None:
            excluded_predicted[why][predicted] += 1
            continue
        confusion.setdefault(t.root_cause, Counter())[predicted] += 1
        scored += 1
    scores = []
    for cls in CLASSES:
        support = sum(confusion.get(cls, Counter()).values())
        predicted_n = sum(row[cls] for row in confusion.values())
        correct = confusion.get(cls, Counter())[cls]
        p, r = _ratio(correct, predicted_n), _ratio(correct, support)
        scores.append(ClassScore(cls, support, predicted_n, correct, p, r, _f1(p, r)))
    return Recovery(
        ledger_rows=len(truth),
        scored=scored,
        classes=scores,
        macro_precision=_mean([s.precision for s in scores]),
        macro_recall=_mean([s.recall for s in scores]),
        macro_f1=_mean([s.f1 for s in scores]),
        confusion={t: dict(sorted(row.items())) for t, row in confusion.items()},
        excluded=_nested(excluded),
        excluded_predicted=_nested(excluded_predicted),
        unmatched_ledger=left,
        unmatched_classified=rest,
    )


def measure(session: Session, practice_id: int, ledger: Path) -> Recovery:
    """Score the practice's classified denials against the truth ledger at ``ledger``.

    Classify first (``cleanclaim denials list``, or
    :func:`cleanclaim.denials.service.classify_practice` and the payer-error reconciliation);
    this reads what is stored and changes nothing.
    """
    return score(
        read_ledger(ledger),
        read_classified(session, practice_id),
        replacements_processed(session, practice_id),
    )
