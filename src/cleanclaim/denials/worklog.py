"""Import the work log: who registered, coded and billed each claim (CSV).

Columns (a header line, any order): ``claim_id`` (the CLM01), ``registrar``, ``coder``,
``biller``, ``coded_at``, ``billed_at``. Times are ISO dates (``2026-03-02``) or date-times
(``2026-03-02T14:30`` or ``2026-03-02 14:30:00``); ``billed_at`` may be empty (not billed
yet), names may be empty (unknown). A claim coded again (a correction) gets a new row with
its own ``coded_at``: attribution is kept as of the time of the work.

The whole file is checked before anything is stored: wrong headers, bad dates, empty
claim ids, billing before coding and duplicate rows (twice in the file, or already in the
work log with other values) are reported as ``path:line: reason`` and nothing is written.
Rows already imported with the same values are skipped (re-importing is harmless). Rows
for claims not stored (yet) are kept and reported: they apply when the claim arrives.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.errors import InputError, UsageError
from cleanclaim.storage.accounts import Actor, audit
from cleanclaim.storage.tables_denials import WorkLogRow
from cleanclaim.storage.tables_x12 import ClaimRow

COLUMNS = ("claim_id", "registrar", "coder", "biller", "coded_at", "billed_at")
MAX_ERRORS = 20


class WorklogError(InputError):
    """A work-log file with problems; :attr:`errors` holds one ``path:line: reason`` each."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.errors = errors
        self.path = str(path)
        self.line = None
        self.reason = f"{len(errors)} problem(s)"
        Exception.__init__(self, "\n".join(errors))


@dataclass
class WorklogReport:
    """What one import did."""

    path: str
    rows: int = 0
    stored: int = 0
    already: int = 0
    unknown: list[tuple[str, int]] = field(default_factory=list)
    """(CLM01, line) of rows whose claim is not stored."""

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path, "rows": self.rows, "stored": self.stored,
            "already": self.already,
            "unknown_claims": [{"claim_id": c, "line": n} for c, n in self.unknown],
        }  # fmt: skip


def parse_time(text: str) -> dt.datetime:
    """An ISO date or date-time (a UTC offset is dropped: times are the practice's own)."""
    value = text.strip()
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    if len(value) < 16:
        raise ValueError(value)
    return dt.datetime.fromisoformat(value).replace(tzinfo=None)


@dataclass(frozen=True)
class _Row:
    line: int
    claim_id: str
    registrar: str | None
    coder: str | None
    biller: str | None
    coded_at: dt.datetime
    billed_at: dt.datetime | None

    def same(self, other: WorkLogRow) -> bool:
        return (self.registrar, self.coder, self.biller, self.billed_at) == (
            other.registrar, other.coder, other.biller, other.billed_at)  # fmt: skip


def _read(path: Path) -> tuple[list[_Row], list[str]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: not a file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, "not UTF-8 text (save the file as UTF-8)", line=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError(path, "empty file: expected a header line", line=1)
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    extra = [h for h in names if h not in COLUMNS]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if missing or extra or repeated:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unexpected " + ", ".join(repr(e) for e in extra))
        if repeated:
            parts.append("repeated " + ", ".join(repeated))
        raise InputError(path, f"wrong headers ({'; '.join(parts)}); expected: "
                         + ", ".join(COLUMNS), line=1)  # fmt: skip
    index = {name: names.index(name) for name in COLUMNS}
    rows: list[_Row] = []
    errors: list[str] = []
    first: dict[tuple[str, dt.datetime], int] = {}
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        where = f"{path}:{number}"
        if len(fields) != len(names):
            errors.append(f"{where}: expected {len(names)} fields, found {len(fields)}")
            continue
        cell = {name: fields[i].strip() for name, i in index.items()}
        if not cell["claim_id"]:
            errors.append(f"{where}: claim_id is empty")
            continue
        times: dict[str, dt.datetime | None] = {}
        for name in ("coded_at", "billed_at"):
            if not cell[name]:
                times[name] = None
                continue
            try:
                times[name] = parse_time(cell[name])
            except ValueError:
                errors.append(f"{where}: {name} {cell[name]!r} is not a date "
                              "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)")  # fmt: skip
        if len(times) < 2:
            continue
        coded, billed = times["coded_at"], times["billed_at"]
        if coded is None:
            errors.append(f"{where}: coded_at is empty")
            continue
        if billed is not None and billed < coded:
            errors.append(f"{where}: billed_at {cell['billed_at']} is before coded_at "
                          f"{cell['coded_at']}")  # fmt: skip
            continue
        key = (cell["claim_id"], coded)
        if key in first:
            errors.append(f"{where}: duplicate of line {first[key]} (claim "
                          f"{cell['claim_id']!r} coded at {cell['coded_at']})")  # fmt: skip
            continue
        first[key] = number
        rows.append(
            _Row(
                number,
                cell["claim_id"],
                cell["registrar"] or None,
                cell["coder"] or None,
                cell["biller"] or None,
                coded,
                billed,
            )
        )
    return rows, errors


def _claim_key(versions: list[tuple[str, dt.date | None]], coded_at: dt.datetime) -> str:
    """The version the work produced: the first submitted on or after it, else the latest."""
    for key, submitted in versions:
        if submitted is not None and submitted >= coded_at.date():
            return key
    return versions[-1][0]


def import_worklog(session: Session, who: Actor, path: Path) -> WorklogReport:
    """Check the whole file, then store its new rows (all or nothing).

    Raises:
        WorklogError: one or more rows are wrong (every message is ``path:line: reason``).
        InputError: the file is not UTF-8 or its header is wrong.
        UsageError: the file does not exist.
    """
    rows, errors = _read(path)
    report = WorklogReport(str(path), rows=len(rows) + len(errors))
    ids = sorted({r.claim_id for r in rows})
    existing: dict[tuple[str, dt.datetime], WorkLogRow] = {}
    versions: dict[str, list[tuple[str, dt.date | None]]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for w in session.scalars(select(WorkLogRow).where(
            WorkLogRow.practice_id == who.practice_id, WorkLogRow.claim_id.in_(chunk))
        ):  # fmt: skip
            existing[(w.claim_id, w.coded_at)] = w
        for clm01, key, submitted in session.execute(
            select(ClaimRow.clm01, ClaimRow.claim_key, ClaimRow.submitted_on)
            .where(ClaimRow.practice_id == who.practice_id, ClaimRow.clm01.in_(chunk))
            .order_by(ClaimRow.version, ClaimRow.id)
        ):  # fmt: skip
            versions.setdefault(clm01, []).append((key, submitted))
    new: list[dict[str, Any]] = []
    for r in rows:
        old = existing.get((r.claim_id, r.coded_at))
        if old is not None:
            if r.same(old):
                report.already += 1
            else:
                errors.append(
                    f"{path}:{r.line}: claim {r.claim_id!r} coded at "
                    f"{r.coded_at.isoformat(sep=' ')} is already in the work log "
                    f"with other values (from {old.source_file}:{old.line_no})"
                )
            continue  # fmt: skip
        if r.claim_id not in versions:
            report.unknown.append((r.claim_id, r.line))
        new.append({
            "practice_id": who.practice_id, "claim_id": r.claim_id,
            "claim_key": _claim_key(versions[r.claim_id], r.coded_at)
            if r.claim_id in versions else None,
            "registrar": r.registrar, "coder": r.coder, "biller": r.biller,
            "coded_at": r.coded_at, "billed_at": r.billed_at, "source_file": path.name,
            "line_no": r.line, "created_by": who.user,
        })  # fmt: skip
    if errors:
        errors.sort(key=_line_of)
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"{path}: ... and {len(errors) - MAX_ERRORS} more problem(s)")
        raise WorklogError(path, shown)
    for start in range(0, len(new), 1000):
        session.add_all(WorkLogRow(**values) for values in new[start : start + 1000])
    session.flush()
    report.stored = len(new)
    audit(
        session,
        who.user,
        who.practice_id,
        "import",
        "work_log",
        path.name,
        {"rows": report.rows, "stored": report.stored, "unknown": len(report.unknown)},
    )
    return report


def _line_of(message: str) -> int:
    head = message.split(": ", 1)[0]
    tail = head.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
