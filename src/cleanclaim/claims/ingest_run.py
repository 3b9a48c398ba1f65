"""The engine of :func:`cleanclaim.claims.ingest.ingest_file`: savepoints, quarantine, report.

One file runs in one session. Each interchange is a SAVEPOINT and each transaction set a
nested SAVEPOINT; a bad set is rolled back and quarantined alone, a damaged interchange is
rolled back whole and each of its sets quarantined with the raw text read again from the
file. Rows are dropped from the session after each set, so memory is bounded by one set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from cleanclaim.claims.ack_ingest import store_277ca, store_999
from cleanclaim.claims.lifecycle import IngestContext, ensure_salt, flush_events
from cleanclaim.claims.matching import SetResult, store_remittance
from cleanclaim.claims.versions import OnStored, SetOrigin, store_claims
from cleanclaim.errors import X12Error
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.tables_x12 import (
    BalanceIssueRow,
    Quarantine,
    RemittanceRow,
    X12File,
)
from cleanclaim.x12.envelope import (
    InterchangeSummary,
    TransactionKind,
    TransactionSet,
    iter_envelope,
)
from cleanclaim.x12.parse835 import parse_835
from cleanclaim.x12.parse837 import parse_837
from cleanclaim.x12.parse_ack import parse_277ca, parse_999

Progress = Callable[[str, int], None]
"""``progress(phase, bytes)``: ``phase`` is ``hash`` or ``read``; ``bytes`` were just done."""

_UNEXPECTED = (ValueError, KeyError, IndexError, TypeError, ArithmeticError, AttributeError)


@dataclass(frozen=True)
class Quarantined:
    """One quarantined unit: a set (``set`` is its ST02), an interchange or the file."""

    set: str | None
    segment: int | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"set": self.set, "segment": self.segment, "reason": self.reason}


@dataclass
class FileReport:
    """The summary of one ingested file (the ``files`` entries of ``--format json``)."""

    path: str
    sha256: str
    kind: str = "unknown"
    interchanges: int = 0
    accepted_sets: int = 0
    claims: int = 0
    lines: int = 0
    adjustments: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)
    duplicate: bool = False
    skipped_sets: int = 0
    duplicate_claims: int = 0
    balance_issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.quarantined

    def to_json(self) -> dict[str, Any]:
        out = {
            k: getattr(self, k)
            for k in (
                "path",
                "sha256",
                "kind",
                "interchanges",
                "accepted_sets",
                "claims",
                "lines",
                "adjustments",
            )
        }
        out["quarantined"] = [q.to_json() for q in self.quarantined]
        out["duplicate"] = self.duplicate
        out["balance_issues"] = self.balance_issues
        out["skipped_sets"] = self.skipped_sets
        out["duplicate_claims"] = self.duplicate_claims
        return out


def file_kind(kinds: set[TransactionKind]) -> str:
    """The file's ``kind``: the one kind of its sets, ``mixed``, ``skipped`` or ``unknown``."""
    names = {"skipped" if k.skipped else k.value for k in kinds}
    if not names:
        return "unknown"
    return names.pop() if len(names) == 1 else "mixed"


def stored_report(session: Session, actor: Actor, path: Path, sha: str) -> FileReport | None:
    row = session.scalar(
        select(X12File).where(X12File.practice_id == actor.practice_id, X12File.sha256 == sha)
    )
    if row is None:
        return None
    quarantined = [
        Quarantined(q.set_control, q.segment, q.reason)
        for q in session.scalars(
            select(Quarantine).where(Quarantine.file_id == row.id).order_by(Quarantine.id)
        )
    ]
    issues = session.execute(
        select(
            RemittanceRow.control_number,
            BalanceIssueRow.position,
            BalanceIssueRow.rule,
            BalanceIssueRow.message,
        )
        .join(RemittanceRow, RemittanceRow.id == BalanceIssueRow.remittance_id)
        .where(BalanceIssueRow.file_id == row.id)
        .order_by(BalanceIssueRow.id)
    ).all()
    return FileReport(
        path=str(path),
        sha256=sha,
        kind=row.kind,
        interchanges=row.interchanges,
        accepted_sets=row.accepted_sets,
        claims=row.claims,
        lines=row.lines,
        adjustments=row.adjustments,
        quarantined=quarantined,
        duplicate=True,
        skipped_sets=row.skipped_sets,
        duplicate_claims=row.duplicate_claims,
        balance_issues=[{"set": c, "segment": p, "rule": r, "message": m} for c, p, r, m in issues],
    )


class _CountingReader:
    """A binary stream that reports how many bytes were read."""

    def __init__(self, fh: BinaryIO, progress: Progress | None) -> None:
        self._fh = fh
        self._progress = progress
        self.name = getattr(fh, "name", "<stream>")

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        if self._progress and data:
            self._progress("read", len(data))
        return data


@dataclass
class _Interchange:
    savepoint: SessionTransaction
    sets: list[TransactionSet] = field(default_factory=list)
    """Light copies (no segments) of the sets seen, for quarantining them later."""
    counts: SetResult = field(default_factory=SetResult)
    accepted: int = 0
    skipped: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)


def _raw_text(ts: TransactionSet) -> str:
    d = ts.delimiters
    return "".join(d.element.join(s.elements) + d.segment for s in ts.segments)


class FileIngest:
    """One file's ingest inside one session (see :mod:`cleanclaim.claims.ingest`)."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        path: Path,
        sha: str,
        size: int,
        progress: Progress | None,
        max_segment_bytes: int,
        hook: OnStored,
    ) -> None:
        self.s = session
        self.hook = hook
        self.actor = actor
        self.path = path
        self.name = str(path)
        self.sha = sha
        self.size = size
        self.progress = progress
        self.msb = max_segment_bytes
        self.report = FileReport(path=str(path), sha256=sha)
        self.kinds: set[TransactionKind] = set()
        self.ic: _Interchange | None = None
        self.ctx: IngestContext | None = None

    def run(self) -> FileReport:
        existing = stored_report(self.s, self.actor, self.path, self.sha)
        if existing is not None:
            return existing
        user = self.actor.user
        row = X12File(
            practice_id=self.actor.practice_id,
            sha256=self.sha,
            name=self.path.name[:500],
            size=self.size,
            kind="unknown",
            created_by=user,
            ingested_by=user,
        )
        self.s.add(row)
        self.s.flush()  # a concurrent ingest of the same file fails (or waits) here
        self.ctx = IngestContext(
            self.s,
            self.actor.practice_id,
            user,
            row.id,
            self.name,
            salt=ensure_salt(self.s, self.actor.practice_id, user),
        )
        with self.path.open("rb") as fh:
            stream = cast(BinaryIO, _CountingReader(fh, self.progress))
            try:
                for item in iter_envelope(stream, path_name=self.name, max_segment_bytes=self.msb):
                    if isinstance(item, TransactionSet):
                        self._set(item)
                    else:
                        self._end_interchange(item)
            except X12Error as exc:
                self._fatal(exc)
        r = self.report
        r.kind = file_kind(self.kinds)
        row = self.s.get_one(X12File, row.id)
        for name in (
            "kind",
            "interchanges",
            "accepted_sets",
            "skipped_sets",
            "claims",
            "lines",
            "adjustments",
            "duplicate_claims",
        ):
            setattr(row, name, getattr(r, name))
        row.quarantined = len(r.quarantined)
        return r

    # -- sets ------------------------------------------------------------------------------

    def _set(self, ts: TransactionSet) -> None:
        if self.ic is None:
            self.ic = _Interchange(self.s.begin_nested())
        ic, ctx = self.ic, self.ctx
        assert ctx is not None
        ic.sets.append(dataclasses.replace(ts, segments=[]))
        self.kinds.add(ts.kind)
        if ts.kind.skipped:
            ic.skipped += 1
            return
        if not ts.ok:
            self._quarantine_set(ts, ts.error or "", ts.error_segment)
            return
        for attempt in (1, 2):
            ctx.events = []
            savepoint = self.s.begin_nested()
            try:
                result = self._store(ts)
                flush_events(ctx)
                self.s.flush()
                savepoint.commit()
            except X12Error as exc:
                savepoint.rollback()
                self._quarantine_set(ts, exc.reason, exc.segment)
                return
            except _UNEXPECTED as exc:
                savepoint.rollback()
                self._quarantine_set(ts, f"could not read the set ({type(exc).__name__})", None)
                return
            except IntegrityError:
                savepoint.rollback()  # a concurrent ingest stored the same claims: retry once
                if attempt == 2:
                    raise
                continue
            break
        c = ic.counts
        c.claims += result.claims
        c.lines += result.lines
        c.adjustments += result.adjustments
        c.duplicates += result.duplicates
        c.balance_issues += result.balance_issues
        ic.accepted += 1
        self.s.expunge_all()

    def _store(self, ts: TransactionSet) -> SetResult:
        ctx = self.ctx
        assert ctx is not None
        kind, name = ts.kind, self.name
        if kind in (TransactionKind.PROFESSIONAL_837, TransactionKind.INSTITUTIONAL_837):
            claims = parse_837(ts, ts.delimiters, name)
            origin = SetOrigin(ts.interchange_control, ts.group_control, ts.control_number)
            result = SetResult(claims=len(claims))
            for claim in claims:
                result.lines += len(claim.lines)
                result.adjustments += sum(len(o.adjustments) for o in claim.other_payers)
                result.adjustments += sum(
                    len(a.adjustments) for ln in claim.lines for a in ln.adjudications
                )
            result.duplicates = store_claims(ctx, claims, origin, self.hook)
            return result
        if kind is TransactionKind.REMITTANCE_835:
            remit = parse_835(ts.segments, ts.delimiters, name, control_number=ts.control_number)
            return store_remittance(ctx, remit)
        if kind is TransactionKind.ACK_999:
            return store_999(
                ctx, parse_999(ts.segments, ts.delimiters, name, control_number=ts.control_number)
            )
        return store_277ca(
            ctx, parse_277ca(ts.segments, ts.delimiters, name, control_number=ts.control_number)
        )

    def _quarantine_set(self, ts: TransactionSet, reason: str, segment: int | None) -> None:
        assert self.ic is not None
        entry = Quarantined(ts.control_number, segment or ts.position, reason)
        self.ic.quarantined.append(entry)
        self._write_quarantine(entry, ts, _raw_text(ts))

    def _write_quarantine(
        self,
        q: Quarantined,
        ts: TransactionSet | None,
        raw: str | None,
        interchange: str | None = None,
    ) -> None:
        assert self.ctx is not None
        self.s.add(
            Quarantine(
                practice_id=self.ctx.practice_id,
                file_id=self.ctx.file_id,
                interchange_control=ts.interchange_control if ts else interchange,
                set_control=q.set,
                set_kind=ts.kind.value if ts else None,
                set_position=ts.position if ts else None,
                segment=q.segment,
                reason=q.reason,
                raw_text=raw,
                created_by=self.ctx.user,
            )
        )

    # -- interchanges ----------------------------------------------------------------------

    def _end_interchange(self, summary: InterchangeSummary) -> None:
        ic, self.ic = self.ic, None
        self.report.interchanges += 1
        if summary.ok and ic is not None:
            ic.savepoint.commit()
            r, c = self.report, ic.counts
            r.accepted_sets += ic.accepted
            r.skipped_sets += ic.skipped
            r.claims += c.claims
            r.lines += c.lines
            r.adjustments += c.adjustments
            r.duplicate_claims += c.duplicates
            r.balance_issues += c.balance_issues
            r.quarantined += ic.quarantined
            return
        if summary.ok:
            return  # an interchange without transaction sets
        reason, segment = _envelope_problem(summary)
        self._reject_interchange(ic, summary.index, summary.control_number, reason, segment)

    def _reject_interchange(
        self, ic: _Interchange | None, index: int, control: str, reason: str, segment: int | None
    ) -> None:
        """Roll back an interchange and quarantine each of its sets (or the interchange)."""
        if ic is not None:
            ic.savepoint.rollback()
        self.s.expunge_all()
        sets = ic.sets if ic is not None else []
        raws = self._raw_texts(index, {(t.control_number, t.position) for t in sets})
        for ts in sets:
            q = Quarantined(ts.control_number, segment or ts.position, reason)
            self.report.quarantined.append(q)
            self._write_quarantine(q, ts, raws.get((ts.control_number, ts.position)))
        if not sets:
            q = Quarantined(None, segment, reason)
            self.report.quarantined.append(q)
            self._write_quarantine(q, None, None, interchange=control)
        # Write the quarantine rows now: the next rejection starts with expunge_all().
        self.s.flush()

    def _raw_texts(self, index: int, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Read the file again for the raw text of the sets of interchange ``index``."""
        found: dict[tuple[str, int], str] = {}
        if not wanted:
            return found
        try:
            for ts in _sets_of(self.path, self.name, self.msb, index):
                key = (ts.control_number, ts.position)
                if key in wanted:
                    found[key] = _raw_text(ts)
        except X12Error:
            pass  # the fatal error that ended the first reading ends this one too
        return found

    def _fatal(self, exc: X12Error) -> None:
        """The reader stopped: the open interchange is rejected whole, and so is the file's rest."""
        ic = self.ic
        self.ic = None
        index = ic.sets[-1].interchange_index if ic and ic.sets else 0
        control = ic.sets[-1].interchange_control if ic and ic.sets else None
        if ic is not None and ic.sets:
            self.report.interchanges += 1
            self._reject_interchange(
                ic, index, control or "", f"interchange {control}: {exc.reason}", exc.segment
            )
        elif ic is not None:
            ic.savepoint.rollback()
        q = Quarantined(None, exc.segment, exc.reason)
        self.report.quarantined.append(q)
        self._write_quarantine(q, None, None, interchange=control)


def _sets_of(path: Path, name: str, msb: int, index: int) -> Iterator[TransactionSet]:
    for item in iter_envelope(path, path_name=name, max_segment_bytes=msb):
        if isinstance(item, TransactionSet):
            if item.interchange_index == index:
                yield item
            elif item.interchange_index > index:
                return


def _envelope_problem(summary: InterchangeSummary) -> tuple[str, int | None]:
    """Why the interchange is rejected, and the segment where that was found."""
    if summary.error is not None:
        return f"interchange {summary.control_number}: {summary.error}", summary.error_segment
    for g in summary.groups:
        if g.error is not None:
            return (
                f"interchange {summary.control_number}: functional group "
                f"{g.control_number}: {g.error}",
                g.error_segment,
            )
    return f"interchange {summary.control_number}: damaged envelope", None
