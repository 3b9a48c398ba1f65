"""Scrubbing stored claims: rebuild each claim from its stored JSON, scrub it with the
practice's history and suppressions, and append the result (a :class:`ClaimScrubRow` and
its :class:`FindingRow` children).

:func:`scrub_stored_claim` is the entry point for the ingest hook
(:func:`cleanclaim.claims.ingest.on_claim_stored`): it records the version's
pre-submission scrub. :func:`scrub_stored` re-scrubs the practice's stored claims
(``cleanclaim scrub --db``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from cleanclaim.claims.lifecycle import ensure_salt, insert_returning_ids, table_of
from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Selection
from cleanclaim.edits.history_sql import StoredHistory as StoredHistory
from cleanclaim.edits.model import ClaimResult
from cleanclaim.edits.options import practice_options
from cleanclaim.edits.run import PayerMatch, PayerResolver, ScrubReport, make_scrubber
from cleanclaim.edits.suppressions import active_suppressions, unused
from cleanclaim.errors import StorageError
from cleanclaim.payers.registry import find_by_id
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import ClaimRow, PatientKeySalt

_BATCH = 500


# -- claims back from JSON -------------------------------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in get_args(tp) if a is not type(None)]
        return _convert(inner, value)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
    if origin is Literal:
        return value
    if tp is Decimal:
        return Decimal(value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _build(tp, value)
    return value


def _build(cls: type, data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    kwargs = {
        f.name: _convert(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**kwargs)


def claim_from_json(data: dict[str, Any], *, claim_key: str = "?") -> Claim:
    """The :class:`Claim` stored as ``claim_json`` (see ``lifecycle.to_jsonable``)."""
    try:
        claim = _build(Claim, data)
    except (TypeError, ValueError, KeyError, ArithmeticError) as exc:
        raise StorageError(
            f"stored claim {claim_key} cannot be read back ({type(exc).__name__}: {exc})"
        ) from None
    assert isinstance(claim, Claim)
    return claim


# -- history of stored claims -----------------------------------------------------------------


def stored_salt(session: Session, practice_id: int) -> str | None:
    """The practice's patient-key salt, without creating one (no salt: nothing stored)."""
    return session.scalar(
        select(PatientKeySalt.salt).where(PatientKeySalt.practice_id == practice_id)
    )


# -- recording ----------------------------------------------------------------------------------


def _scrub_values(
    row: ClaimRow, result: ClaimResult, payer: PayerMatch, user: str, trigger: str, now: dt.datetime
) -> dict[str, Any]:
    return {
        "practice_id": row.practice_id,
        "claim_id": row.id,
        "claim_key": row.claim_key,
        "trigger": trigger,
        "status": result.status.value,
        "payer_key": payer.terms.key if payer.terms else None,
        "payer_type": payer.type,
        "coverage": [{"check": c.check, "reason": c.reason} for c in result.coverage],
        "scrubbed_at": now,
        "created_by": user,
    }


def _finding_values(
    row: ClaimRow, scrub_id: int, result: ClaimResult, user: str
) -> list[dict[str, Any]]:
    """The finding rows of one scrub: its findings, then the suppressed ones."""
    kept = [(f, None) for f in result.findings] + [(s.finding, s) for s in result.suppressed]
    return [
        {
            "practice_id": row.practice_id,
            "scrub_id": scrub_id,
            "claim_id": row.id,
            "rule": finding.rule,
            "category": finding.category.value,
            "severity": finding.severity.value,
            "line": finding.line,
            "message": finding.message,
            "fix": finding.fix,
            "citation": str(finding.citation),
            "suppressed": suppressed is not None,
            "suppressed_by": suppressed.by if suppressed else None,
            "suppression_reason": suppressed.reason if suppressed else None,
            "created_by": user,
        }
        for finding, suppressed in kept
    ]


def record_scrub(
    session: Session,
    row: ClaimRow,
    result: ClaimResult,
    payer: PayerMatch,
    *,
    user: str,
    trigger: str,
    now: dt.datetime | None = None,
) -> ClaimScrubRow:
    """Append one scrub of a stored claim version and its findings (suppressed ones too)."""
    scrub = ClaimScrubRow(
        **_scrub_values(row, result, payer, user, trigger, now or dt.datetime.now(dt.UTC))
    )
    session.add(scrub)
    session.flush()
    session.add_all(FindingRow(**v) for v in _finding_values(row, scrub.id, result, user))
    session.flush()
    _keep_ingest_status(session, [(row, result)], trigger)
    return scrub


def record_scrubs(
    session: Session,
    scrubs: Sequence[tuple[ClaimRow, ClaimResult, PayerMatch]],
    *,
    user: str,
    trigger: str,
    now: dt.datetime | None = None,
) -> list[int]:
    """Append the scrubs of several stored claim versions and their findings, as
    :func:`record_scrub` does one by one, in two bulk inserts; the scrub ids, in order."""
    if not scrubs:
        return []
    at = now or dt.datetime.now(dt.UTC)
    values = [_scrub_values(row, result, payer, user, trigger, at) for row, result, payer in scrubs]
    ids = insert_returning_ids(session, ClaimScrubRow, values)
    findings = [
        v
        for scrub_id, (row, result, _) in zip(ids, scrubs, strict=True)
        for v in _finding_values(row, scrub_id, result, user)
    ]
    if findings:
        session.execute(insert(table_of(FindingRow)), findings)
    _keep_ingest_status(session, [(row, result) for row, result, _ in scrubs], trigger)
    return ids


def _keep_ingest_status(
    session: Session, scrubbed: Sequence[tuple[ClaimRow, ClaimResult]], trigger: str
) -> None:
    """Copy the status of ingest scrubs onto their claim versions (``claim.ingest_status``:
    the report counts first scrubs from the claim's index alone)."""
    if trigger != "ingest":
        return
    by_status: dict[str, list[int]] = {}
    for row, result in scrubbed:
        by_status.setdefault(result.status.value, []).append(row.id)
        # The loaded row shows the stored value too, without a flush of its own.
        set_committed_value(row, "ingest_status", result.status.value)
    for status, ids in sorted(by_status.items()):
        session.execute(
            update(ClaimRow)
            .where(ClaimRow.id.in_(ids))
            .values(ingest_status=status)
            .execution_options(synchronize_session=False)
        )


class StoredScrubber:
    """Scrubs stored claim versions of one practice and records each scrub.

    Make one per batch (an ingested file, a ``scrub --db`` run): it loads the practice's
    active suppressions once and keeps the batch history. The ingest hook calls
    :meth:`scrub_run` for each run of new versions with ``trigger="ingest"``.
    """

    def __init__(
        self,
        session: Session,
        practice_id: int,
        store: CodesetStore,
        *,
        user: str,
        trigger: str = "ingest",
        selection: Selection | None = None,
        today: dt.date | None = None,
        encounters: Path | None = None,
    ) -> None:
        today = today or dt.date.today()
        self.session = session
        self.user = user
        self.trigger = trigger
        salt = ensure_salt(session, practice_id, user)
        self.history = StoredHistory(session, practice_id, salt)
        self.active = active_suppressions(session, practice_id, today)
        self.scrubber = make_scrubber(
            store,
            selection or Selection(),
            self.active,
            today=today,
            stored_history=self.history,
            options=practice_options(session, practice_id, salt=salt, encounters_path=encounters),
        )
        self.resolver = PayerResolver(lambda payer_id, on: find_by_id(session, payer_id, on))

    def scrub(self, row: ClaimRow, claim: Claim) -> tuple[ClaimResult, PayerMatch, ClaimScrubRow]:
        """Scrub ``claim`` (stored as ``row``), judged on its submission date (BHT04, else
        the day it was stored), and record the result."""
        result, match = self._judge(row, claim)
        scrub = record_scrub(self.session, row, result, match, user=self.user, trigger=self.trigger)
        return result, match, scrub

    def scrub_run(
        self, stored: Sequence[tuple[ClaimRow, Claim]]
    ) -> list[tuple[ClaimResult, PayerMatch]]:
        """Scrub several stored versions in storage order and record the results, as
        :meth:`scrub` does one by one: the same findings, fewer queries. Their patients'
        stored history is read once for the run, and the scrubs are written together."""
        self.history.prefetch(claim for _, claim in stored)
        try:
            judged = [(row, *self._judge(row, claim)) for row, claim in stored]
        finally:
            self.history.forget()
        record_scrubs(self.session, judged, user=self.user, trigger=self.trigger)
        return [(result, match) for _, result, match in judged]

    def _judge(self, row: ClaimRow, claim: Claim) -> tuple[ClaimResult, PayerMatch]:
        self.history.focus(claim, row.id)
        match = self.resolver.resolve(claim)
        submitted = row.submitted_on or (row.created_at.date() if row.created_at else None)
        result = self.scrubber.scrub(
            claim,
            claim_key=row.claim_key,
            payer=match.terms,
            submitted_on=submitted,
            payer_type=match.type,
        )
        return result, match


def scrub_stored_claim(
    session: Session,
    row: ClaimRow,
    claim: Claim,
    *,
    store: CodesetStore,
    user: str,
    trigger: str = "ingest",
    selection: Selection | None = None,
    today: dt.date | None = None,
) -> tuple[ClaimResult, ClaimScrubRow]:
    """Scrub one stored claim version now and record it (for many, use StoredScrubber)."""
    scrubber = StoredScrubber(
        session,
        row.practice_id,
        store,
        user=user,
        trigger=trigger,
        selection=selection,
        today=today,
    )
    result, _, scrub = scrubber.scrub(row, claim)
    return result, scrub


def scrub_stored(
    session: Session,
    actor: Actor,
    store: CodesetStore,
    *,
    selection: Selection | None = None,
    since: dt.date | None = None,
    today: dt.date | None = None,
    encounters: Path | None = None,
) -> ScrubReport:
    """Re-scrub the practice's stored claim versions (voids excluded) and record each.

    ``since`` keeps versions submitted (BHT04) on or after that date; a version without a
    submission date counts from the day it was stored.
    """
    pid = actor.practice_id
    batch = StoredScrubber(
        session,
        pid,
        store,
        user=actor.user,
        trigger="rescrub",
        selection=selection,
        today=today,
        encounters=encounters,
    )
    query = select(ClaimRow.id).where(ClaimRow.practice_id == pid, ClaimRow.version_kind != "void")
    if since is not None:
        day = func.coalesce(ClaimRow.submitted_on, func.date(ClaimRow.created_at))
        query = query.where(day >= since)
    ids = list(session.scalars(query.order_by(ClaimRow.id)))
    report = ScrubReport()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        rows = session.scalars(select(ClaimRow).where(ClaimRow.id.in_(chunk)).order_by(ClaimRow.id))
        stored = [(r, claim_from_json(r.claim_json, claim_key=r.claim_key)) for r in rows]
        for result, match in batch.scrub_run(stored):
            report.results.append(result)
            report.payers.append(match)
        session.expunge_all()
    report.unused = unused(batch.active, batch.scrubber.unused_suppressions(), report.results)
    return report
