"""Suppressions: a finding silenced on purpose, per practice, with a reason and a user.

A suppression names a claim (its claim key, or its CLM01, which then covers every version
of that claim) and a rule code, optionally one service line; it may expire (``until`` is
the last day it applies). Creating one is audited. The scrub commands load the practice's
active suppressions and hand them to :class:`~cleanclaim.edits.engine.Scrubber`; a
suppression for a claim that was scrubbed but whose rule found nothing is reported as
unused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cleanclaim.edits.engine import Suppression
from cleanclaim.edits.model import ClaimResult
from cleanclaim.edits.registry import get_rule
from cleanclaim.errors import UsageError
from cleanclaim.storage.accounts import Actor, audit
from cleanclaim.storage.tables_edits import SuppressionRow

MAX_CLAIM_REF = 64


@dataclass(frozen=True)
class ActiveSuppression:
    """A stored suppression (its row id) and the engine value built from it."""

    id: int
    suppression: Suppression

    def to_json(self) -> dict[str, Any]:
        s = self.suppression
        return {
            "id": self.id,
            "claim": s.claim,
            "rule": s.rule,
            "line": s.line,
            "reason": s.reason,
            "user": s.by,
            "until": s.until.isoformat() if s.until else None,
        }


def add_suppression(
    session: Session,
    actor: Actor,
    *,
    claim: str,
    rule: str,
    reason: str,
    until: dt.date | None = None,
    line: int | None = None,
    today: dt.date | None = None,
) -> SuppressionRow:
    """Store a suppression for ``actor``'s practice and audit it.

    ``rule`` may be a code or a slug (stored as the code). Usage errors: an unknown rule,
    an empty reason or claim, ``until`` before ``today``, a line number below 1.
    """
    today = today or dt.date.today()
    code = get_rule(rule).code
    claim = claim.strip()
    if not claim:
        raise UsageError("suppress: CLAIM is empty; give a claim key or CLM01")
    if len(claim) > MAX_CLAIM_REF:
        raise UsageError(f"suppress: CLAIM is longer than {MAX_CLAIM_REF} characters")
    if not reason.strip():
        raise UsageError("suppress: --reason must say why the finding is accepted")
    if until is not None and until < today:
        raise UsageError(f"--until {until.isoformat()} is in the past")
    if line is not None and line < 1:
        raise UsageError(f"--line {line}: service lines are numbered from 1")
    row = SuppressionRow(
        practice_id=actor.practice_id,
        claim=claim,
        rule=code,
        line=line,
        reason=reason.strip(),
        user_name=actor.user,
        until=until,
        created_by=actor.user,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor.user,
        actor.practice_id,
        "create",
        "suppression",
        str(row.id),
        {"rule": code, "line": line, "until": until.isoformat() if until else None},
    )
    return row


def active_suppressions(
    session: Session, practice_id: int, today: dt.date
) -> list[ActiveSuppression]:
    """The practice's suppressions in force on ``today`` (oldest first)."""
    rows = session.scalars(
        select(SuppressionRow)
        .where(
            SuppressionRow.practice_id == practice_id,
            or_(SuppressionRow.until.is_(None), SuppressionRow.until >= today),
        )
        .order_by(SuppressionRow.id)
    )
    return [
        ActiveSuppression(
            row.id,
            Suppression(
                claim=row.claim,
                rule=row.rule,
                reason=row.reason,
                by=row.user_name,
                until=row.until,
                line=row.line,
            ),
        )
        for row in rows
    ]


def unused(
    active: Sequence[ActiveSuppression],
    unmatched: Iterable[Suppression],
    results: Iterable[ClaimResult],
) -> list[ActiveSuppression]:
    """Suppressions for a claim that was scrubbed but that silenced nothing.

    ``unmatched`` is :meth:`Scrubber.unused_suppressions`; suppressions of claims that were
    not in this batch are not reported (there was nothing for them to match).
    """
    left = {id(s) for s in unmatched}
    seen: set[str] = set()
    for result in results:
        seen.add(result.claim_id)
        if result.claim_key:
            seen.add(result.claim_key)
    return [a for a in active if id(a.suppression) in left and a.suppression.claim in seen]
