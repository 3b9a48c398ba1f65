"""The payer registry: one place for each payer's ids, type and terms, as dated data.

A payer entry is valid from ``effective_from`` (to ``effective_to``); when terms change,
a new entry with a later ``effective_from`` is added and the old one keeps its history.
The exchange format is TOML, one ``[[payer]]`` table per entry (see
``payers/data/medicare-national.toml``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.errors import InputError, NotFoundError, UsageError
from cleanclaim.storage.accounts import audit, check_key, get_user
from cleanclaim.storage.models import Payer

PAYER_TYPES = (
    "medicare-ffs",
    "medicare-advantage",
    "medicaid-ffs",
    "medicaid-mco",
    "commercial",
    "other",
)
_LIMIT = re.compile(r"^(\d{1,4})([dm])$")
BUNDLED = Path(__file__).resolve().parent / "data" / "medicare-national.toml"


@dataclass(frozen=True)
class PayerTerms:
    """One dated registry entry."""

    key: str
    name: str
    type: str
    timely_filing: str
    appeal_window_days: int
    ncci_applies: bool
    mue_applies: bool
    effective_from: dt.date
    effective_to: dt.date | None = None
    receipt_presumption_days: int = 0
    state: str | None = None
    mac_jurisdiction: str | None = None
    claim_payer_ids: tuple[str, ...] = ()
    remit_payer_ids: tuple[str, ...] = ()
    rule_packs: tuple[str, ...] = ()
    source: str = ""
    notes: str = ""

    def covers(self, day: dt.date) -> bool:
        """Whether this entry is in force on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def timely_filing_deadline(self, service_date: dt.date) -> dt.date:
        """Last day a claim for ``service_date`` can be filed."""
        count, unit = parse_limit(self.timely_filing)
        if unit == "d":
            return service_date + dt.timedelta(days=count)
        return add_months(service_date, count)

    def appeal_deadline(self, notice_date: dt.date) -> dt.date:
        """Last day to appeal a determination dated ``notice_date``.

        The clock starts on receipt, presumed ``receipt_presumption_days`` after the notice.
        """
        received = notice_date + dt.timedelta(days=self.receipt_presumption_days)
        return received + dt.timedelta(days=self.appeal_window_days)

    def to_toml_dict(self) -> dict[str, Any]:
        """The exchange-format fields of this entry."""
        data = asdict(self)
        for name in ("claim_payer_ids", "remit_payer_ids", "rule_packs"):
            data[name] = list(data[name])
        return {k: v for k, v in data.items() if v is not None}


def parse_limit(text: str) -> tuple[int, str]:
    """``"12m"`` -> ``(12, "m")``; ``"90d"`` -> ``(90, "d")``."""
    match = _LIMIT.match(text.strip())
    if not match:
        raise UsageError(
            f"bad timely filing limit {text!r}: use a number of days or months, e.g. '90d' or '12m'"
        )
    return int(match.group(1)), match.group(2)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 29th of February becomes the 28th."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_REQUIRED = (
    "key",
    "name",
    "type",
    "timely_filing",
    "appeal_window_days",
    "ncci_applies",
    "mue_applies",
    "effective_from",
)


def read_toml(path: Path) -> list[PayerTerms]:
    """Read and validate a registry file; errors name the file and line."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.match(r"(.*) \(at line (\d+), column \d+\)$", str(exc))
        reason, line = (match.group(1), int(match.group(2))) if match else (str(exc), None)
        raise InputError(path, f"not valid TOML: {reason}", line=line) from None
    lines = text.splitlines()
    headers = [i for i, s in enumerate(lines, 1) if s.strip() == "[[payer]]"]
    entries = doc.get("payer")
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no [[payer]] tables found", line=1)
    out = []
    for index, entry in enumerate(entries):
        start = headers[index] if index < len(headers) else 1
        end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        out.append(_entry(path, lines, start, end, entry))
    return out


def _entry(path: Path, lines: list[str], start: int, end: int, raw: dict[str, Any]) -> PayerTerms:
    def fail(reason: str, field_name: str | None = None) -> InputError:
        line = start
        if field_name:
            pattern = re.compile(rf"^\s*{re.escape(field_name)}\s*=")
            line = next((n for n in range(start, end) if pattern.match(lines[n - 1])), start)
        return InputError(path, reason, line=line)

    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise fail(f"payer {raw.get('key', '?')!r}: missing {', '.join(missing)}")
    unknown = set(raw) - {f.name for f in PayerTerms.__dataclass_fields__.values()}
    if unknown:
        raise fail(f"payer {raw['key']!r}: unknown field(s) {', '.join(sorted(unknown))}")
    if raw["type"] not in PAYER_TYPES:
        raise fail(
            f"payer {raw['key']!r}: type {raw['type']!r} is not one of {', '.join(PAYER_TYPES)}",
            "type",
        )
    for name, check in (
        ("key", lambda v: check_key(str(v), "payer")),
        ("timely_filing", lambda v: parse_limit(str(v))),
    ):
        try:
            check(raw[name])
        except UsageError as exc:
            raise fail(str(exc), name) from None
    for name in ("effective_from", "effective_to"):
        if name in raw and not isinstance(raw[name], dt.date):
            raise fail(f"payer {raw['key']!r}: {name} must be a date like 2026-01-01", name)
    if raw.get("effective_to") and raw["effective_to"] < raw["effective_from"]:
        raise fail(f"payer {raw['key']!r}: effective_to is before effective_from", "effective_to")
    for name in ("appeal_window_days", "receipt_presumption_days"):
        if name in raw and (not isinstance(raw[name], int) or raw[name] < 0):
            raise fail(f"payer {raw['key']!r}: {name} must be a whole number of days", name)
    values = dict(raw)
    for name in ("claim_payer_ids", "remit_payer_ids", "rule_packs"):
        values[name] = tuple(str(v) for v in raw.get(name, ()))
    return PayerTerms(**values)


def _to_row(terms: PayerTerms, by: str) -> Payer:
    return Payer(
        key=terms.key,
        name=terms.name,
        payer_type=terms.type,
        state=terms.state,
        mac_jurisdiction=terms.mac_jurisdiction,
        claim_payer_ids=list(terms.claim_payer_ids),
        remit_payer_ids=list(terms.remit_payer_ids),
        timely_filing=terms.timely_filing,
        appeal_window_days=terms.appeal_window_days,
        receipt_presumption_days=terms.receipt_presumption_days,
        ncci_applies=terms.ncci_applies,
        mue_applies=terms.mue_applies,
        rule_packs=list(terms.rule_packs),
        effective_from=terms.effective_from,
        effective_to=terms.effective_to,
        source=terms.source,
        notes=terms.notes,
        created_by=by,
        updated_by=by,
    )


def _from_row(row: Payer) -> PayerTerms:
    return PayerTerms(
        key=row.key,
        name=row.name,
        type=row.payer_type,
        state=row.state,
        mac_jurisdiction=row.mac_jurisdiction,
        claim_payer_ids=tuple(row.claim_payer_ids),
        remit_payer_ids=tuple(row.remit_payer_ids),
        timely_filing=row.timely_filing,
        appeal_window_days=row.appeal_window_days,
        receipt_presumption_days=row.receipt_presumption_days,
        ncci_applies=row.ncci_applies,
        mue_applies=row.mue_applies,
        rule_packs=tuple(row.rule_packs),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source=row.source,
        notes=row.notes,
    )


@dataclass
class ImportResult:
    """What an import changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def import_entries(session: Session, entries: Iterable[PayerTerms], *, by: str) -> ImportResult:
    """Add or update entries (matched on key + effective_from); identical ones are left alone."""
    if by != "system":
        get_user(session, by)
    result = ImportResult()
    for terms in entries:
        label = f"{terms.key}@{terms.effective_from.isoformat()}"
        row = session.scalar(
            select(Payer).where(
                Payer.key == terms.key, Payer.effective_from == terms.effective_from
            )
        )
        if row is None:
            session.add(_to_row(terms, by))
            result.added.append(label)
            audit(session, by, None, "create", "payer", label, {})
        elif _from_row(row) == terms:
            result.unchanged.append(label)
        else:
            fresh = _to_row(terms, by)
            for column in [c.key for c in Payer.__table__.columns]:
                if column not in ("id", "created_at", "created_by"):
                    setattr(row, column, getattr(fresh, column))
            result.updated.append(label)
            audit(session, by, None, "update", "payer", label, {})
    session.flush()
    return result


def import_file(session: Session, path: Path, *, by: str) -> ImportResult:
    """Validate a whole file first, then import it in the caller's transaction."""
    return import_entries(session, read_toml(path), by=by)


def seed_defaults(session: Session) -> ImportResult:
    """Load the shipped Medicare national defaults (idempotent)."""
    return import_entries(session, read_toml(BUNDLED), by="system")


def all_entries(session: Session) -> list[PayerTerms]:
    """Every registry entry, ordered by key and date."""
    rows = session.scalars(select(Payer).order_by(Payer.key, Payer.effective_from))
    return [_from_row(r) for r in rows]


def terms_on(session: Session, key: str, on: dt.date) -> PayerTerms:
    """The entry for ``key`` in force on ``on``."""
    for terms in reversed([t for t in all_entries(session) if t.key == key]):
        if terms.covers(on):
            return terms
    raise NotFoundError(f"payer {key!r} has no registry entry in force on {on.isoformat()}")


def find_by_id(
    session: Session, payer_id: str, on: dt.date, *, remit: bool = False
) -> PayerTerms | None:
    """The entry whose 837 (or, with ``remit``, 835) payer id is ``payer_id`` on ``on``."""
    for terms in all_entries(session):
        ids = terms.remit_payer_ids if remit else terms.claim_payer_ids
        if payer_id in ids and terms.covers(on):
            return terms
    return None


def export_toml(entries: Iterable[PayerTerms]) -> str:
    """Write entries in the exchange format."""
    lines: list[str] = []
    for terms in entries:
        lines.append("[[payer]]")
        for name, value in terms.to_toml_dict().items():
            lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
