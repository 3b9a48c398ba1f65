"""Import an appeals log (CSV): appeals filed, and their outcomes, in one go.

Columns (a header line, any order; more columns are ignored): ``claim_id`` (CLM01),
``filed_on``, ``outcome`` (``overturned``, ``upheld``, ``partial``, or empty while
pending), ``paid`` (the amount paid on it, may be empty), ``outcome_on`` (empty while
pending), ``filed_by`` (who filed it), ``payer_id`` (the 835 payer id, may be empty),
``payer_claim_number`` (CLP07 of the denied 835 claim: the adjudication appealed) and
``level`` (1 = first appeal; empty: counted from the earlier appeals of the claim). This is
the ``appeals.csv`` that ``cleanclaim demo generate`` writes.

The whole file is checked first (headers, dates, outcomes, amounts): any problem is
reported as ``path:line: reason`` and nothing is stored. Then each row, in filing order,
is recorded with :func:`~cleanclaim.denials.appeals.record_appeal_of_remit` for the 835
claim its ``payer_claim_number`` names; an overturned first appeal reclassifies what the
payer got wrong as payer-error. A row whose 835 claim is not stored, or has no appealable
denial, is skipped and reported (``AppealsReport.skipped``). Importing the same file again
stores nothing new. Classify the practice's adjustments before importing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.denials.appeals import OUTCOMES, parse_amount, record_appeal_of_remit
from cleanclaim.errors import InputError, UsageError
from cleanclaim.storage.accounts import Actor, audit
from cleanclaim.storage.tables_x12 import RemitClaimRow, RemittanceRow

COLUMNS = ("claim_id", "filed_on", "outcome", "paid", "outcome_on", "filed_by", "payer_id",
           "payer_claim_number", "level")  # fmt: skip
REQUIRED = ("claim_id", "filed_on", "outcome", "payer_claim_number")
MAX_ERRORS = 20


class AppealsFileError(InputError):
    """An appeals file with problems; :attr:`errors` holds one ``path:line: reason`` each."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.errors = errors
        self.path = str(path)
        self.line = None
        self.reason = f"{len(errors)} problem(s)"
        Exception.__init__(self, "\n".join(errors))


@dataclass(frozen=True)
class _Row:
    line: int
    claim_id: str
    filed_on: dt.date
    outcome: str | None
    paid: Decimal | None
    outcome_on: dt.date | None
    filed_by: str
    payer_id: str
    payer_claim_number: str
    level: int | None


@dataclass
class AppealsReport:
    """What one import did."""

    path: str
    rows: int = 0
    filed: int = 0
    """Appeals stored that were not stored before."""
    decided: int = 0
    """Outcomes recorded (on new or earlier appeals)."""
    already: int = 0
    payer_error: int = 0
    """Denials reclassified as payer-error by these outcomes."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line, reason) of rows not stored."""

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path, "rows": self.rows, "filed": self.filed, "decided": self.decided,
            "already": self.already, "payer_error": self.payer_error,
            "skipped": [{"line": n, "reason": r} for n, r in self.skipped],
        }  # fmt: skip


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _parse(number: int, cell: dict[str, str], where: str) -> tuple[_Row | None, list[str]]:
    errors = []
    dates: dict[str, dt.date | None] = {}
    for name in ("filed_on", "outcome_on"):
        try:
            dates[name] = _date(cell[name]) if cell[name] else None
        except ValueError:
            errors.append(f"{where}: {name} {cell[name]!r} is not a date (expected YYYY-MM-DD)")
    outcome = cell["outcome"].lower() or None
    if outcome is not None and outcome not in OUTCOMES:
        errors.append(f"{where}: outcome {cell['outcome']!r} is not one of "
                      f"{', '.join(OUTCOMES)} (or empty)")  # fmt: skip
    paid = None
    try:
        paid = parse_amount(cell["paid"] or None, "paid")
    except UsageError as exc:
        errors.append(f"{where}: {exc}")
    level = None
    if cell["level"]:
        if not cell["level"].isdigit() or int(cell["level"]) < 1:
            errors.append(f"{where}: level {cell['level']!r} is not a number from 1")
        else:
            level = int(cell["level"])
    for name in ("claim_id", "payer_claim_number"):
        if not cell[name]:
            errors.append(f"{where}: {name} is empty")
    if errors or dates.get("filed_on") is None:
        if not errors:
            errors.append(f"{where}: filed_on is empty")
        return None, errors
    filed = dates["filed_on"]
    assert filed is not None
    decided = dates["outcome_on"]
    if outcome is None and (paid or decided):
        errors.append(f"{where}: paid or outcome_on given without an outcome")
    if decided is not None and decided < filed:
        errors.append(f"{where}: outcome_on {decided} is before filed_on {filed}")
    if errors:
        return None, errors
    row = _Row(number, cell["claim_id"], filed, outcome, paid, decided, cell["filed_by"],
               cell["payer_id"], cell["payer_claim_number"], level)  # fmt: skip
    return row, []


def read_appeals(path: Path) -> list[_Row]:
    """The rows of an appeals file, checked (see the module docstring).

    Raises:
        AppealsFileError: one or more rows are wrong.
        InputError: not UTF-8, or the header is wrong.
        UsageError: no such file.
    """
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
    names = [h.strip().lower() for h in header or []]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(path, "wrong headers (missing " + ", ".join(missing) + "); expected: "
                         + ", ".join(COLUMNS), line=1)  # fmt: skip
    rows: list[_Row] = []
    errors: list[str] = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        where = f"{path}:{number}"
        if len(fields) != len(names):
            errors.append(f"{where}: expected {len(names)} fields, found {len(fields)}")
            continue
        cell = {c: fields[names.index(c)].strip() if c in names else "" for c in COLUMNS}
        row, problems = _parse(number, cell, where)
        errors += problems
        if row is not None:
            rows.append(row)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"{path}: ... and {len(errors) - MAX_ERRORS} more problem(s)")
        raise AppealsFileError(path, shown)
    return rows


def _remit_claim(session: Session, practice_id: int, row: _Row) -> int | None:
    """The denied CLP the row appeals: CLP01, CLP07 and (when given) the 835 payer id; the
    first one stored that is not a reversal."""
    query = (
        select(RemitClaimRow.id)
        .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
        .where(RemitClaimRow.practice_id == practice_id, RemitClaimRow.clp01 == row.claim_id,
               RemitClaimRow.payer_claim_number == row.payer_claim_number,
               RemitClaimRow.status_code != "22")
        .order_by(RemitClaimRow.id)
    )  # fmt: skip
    if row.payer_id:
        query = query.where(RemittanceRow.payer_id == row.payer_id)
    return session.scalars(query).first()


def import_appeals_csv(session: Session, who: Actor, path: Path) -> AppealsReport:
    """Check the whole file, then record its appeals in filing order (see the module)."""
    rows = read_appeals(path)
    report = AppealsReport(str(path), rows=len(rows))
    for row in sorted(rows, key=lambda r: (r.filed_on, r.level or 0, r.line)):
        remit_id = _remit_claim(session, who.practice_id, row)
        if remit_id is None:
            report.skipped.append((row.line, f"no stored 835 claim {row.claim_id} with payer "
                                             f"claim number {row.payer_claim_number}"))  # fmt: skip
            continue
        try:
            with session.begin_nested():
                result = record_appeal_of_remit(
                    session, who, remit_id, filed_on=row.filed_on,
                    filed_by=row.filed_by or who.user, level=row.level, outcome=row.outcome,
                    paid=row.paid, outcome_on=row.outcome_on,
                )  # fmt: skip
        except UsageError as exc:
            report.skipped.append((row.line, str(exc)))
            continue
        report.filed += result.created
        report.decided += result.decided_now
        report.already += not (result.created or result.decided_now)
        report.payer_error += len(result.payer_error)
    audit(session, who.user, who.practice_id, "import", "appeal", path.name,
          {"rows": report.rows, "filed": report.filed, "skipped": len(report.skipped)})  # fmt: skip
    return report
