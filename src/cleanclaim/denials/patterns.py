"""Recurring denials, proposed as payer-pack edits for a user to approve.

:func:`find_patterns` groups the denied lines of a window by **payer x procedure x
modifier/diagnosis x CARC** and keeps the groups with at least ``min_count`` occurrences.
The middle dimension depends on what the denial is about: diagnosis-driven reasons
(:data:`DX_REASONS`: diagnosis/procedure mismatch, medical necessity, non-covered...) group
by the line's primary diagnosis; every other reason by the line's modifiers (sorted; none is
a value too). Each denied line is one occurrence; a claim-level denial counts once for
each line of the claim, with its amount shared in proportion to the line charges.

:func:`proposal_toml` writes the groups of one payer as a pack file of proposed edits in
``preview`` status, each with its evidence (count, claims, dollars, remittance dates, up to
:data:`EXAMPLES` example claim keys: never patient data or CLM01s), and
:func:`write_proposals` puts one file per payer in ``<data_dir>/packs/proposed/``. That
folder is not loaded by :func:`~cleanclaim.edits.packs.load_registry`: nothing proposed is
in force until a user copies an edit into a pack of ``<data_dir>/packs/``.

A missing prior authorization becomes an ``authorization`` edit (a kind the pack format
has). Other patterns use the kind ``denial_pattern`` (``codes``, ``modifiers``,
``diagnoses``, ``carc``), which the pack format does not define yet; see
``docs/denials-appeals.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.errors import UsageError
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitLineRow

DX_REASONS = frozenset(
    {"dx-px-mismatch", "medical-necessity", "non-covered", "dx-invalid", "hac-poa"}
)
AUTH_REASONS = frozenset({"prior-auth-missing"})
EXAMPLES = 5
DEFAULT_MIN = 5
DEFAULT_WINDOW_DAYS = 365
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Occurrence:
    """One denied line (no patient data)."""

    payer: str
    procedure: str
    modifiers: tuple[str, ...]
    diagnosis: str | None
    group: str
    carc: str
    reason: str
    amount: Decimal
    claim_key: str
    service_date: dt.date | None
    remit_date: dt.date | None

    @property
    def by_diagnosis(self) -> bool:
        return self.reason in DX_REASONS

    def key(self) -> tuple[str, str, str, str, str, str]:
        """payer, procedure, dimension, value, group, CARC."""
        if self.by_diagnosis:
            return (self.payer, self.procedure, "diagnosis", self.diagnosis or "", self.group,
                    self.carc)  # fmt: skip
        return (self.payer, self.procedure, "modifiers", " ".join(self.modifiers), self.group,
                self.carc)  # fmt: skip


@dataclass(frozen=True)
class Pattern:
    """A recurring denial and its evidence."""

    payer: str
    procedure: str
    dimension: str
    """``modifiers`` or ``diagnosis``."""
    value: str
    """The modifiers (space-separated; empty: none) or the primary diagnosis."""
    group: str
    carc: str
    reasons: tuple[str, ...]
    count: int
    claims: int
    amount: Decimal
    examples: tuple[str, ...]
    first_service: dt.date | None
    first_remit: dt.date | None
    last_remit: dt.date | None

    @property
    def code(self) -> str:
        return f"{self.group}-{self.carc}"

    @property
    def kind(self) -> str:
        return "authorization" if set(self.reasons) <= AUTH_REASONS else "denial_pattern"

    @property
    def edit_id(self) -> str:
        qualifier = ("dx-" if self.dimension == "diagnosis" else "mod-") + (self.value or "none")
        return _slug(f"{self.code}-{self.procedure}-{qualifier}")

    def describe(self) -> str:
        if self.dimension == "diagnosis":
            what = f"with primary diagnosis {self.value or '(none)'}"
        else:
            what = f"with modifier(s) {self.value}" if self.value else "without modifiers"
        return (f"{self.payer} denied {self.procedure} {what} {self.count} times with "
                f"{self.code} ({', '.join(self.reasons)})")  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "payer": self.payer, "procedure": self.procedure, "dimension": self.dimension,
            "value": self.value, "carc": self.code, "reasons": list(self.reasons),
            "count": self.count, "claims": self.claims, "amount": f"{self.amount:.2f}",
            "examples": list(self.examples), "first_remit": day(self.first_remit),
            "last_remit": day(self.last_remit), "kind": self.kind, "edit_id": self.edit_id,
        }  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63] or "payer"


def group_patterns(occurrences: Iterable[Occurrence], min_count: int) -> list[Pattern]:
    """Groups of at least ``min_count`` occurrences, most frequent (then costliest) first."""
    groups: dict[tuple[str, ...], list[Occurrence]] = {}
    for occ in occurrences:
        groups.setdefault(occ.key(), []).append(occ)
    out = []
    for (payer, procedure, dimension, value, group, carc), occs in groups.items():
        if len(occs) < min_count:
            continue
        ordered = sorted(occs, key=lambda o: (o.remit_date or dt.date.min, o.claim_key))
        keys = list(dict.fromkeys(o.claim_key for o in ordered))
        remits = [o.remit_date for o in occs if o.remit_date]
        services = [o.service_date for o in occs if o.service_date]
        out.append(Pattern(
            payer, procedure, dimension, value, group, carc,
            tuple(sorted({o.reason for o in occs})), len(occs), len(keys),
            sum((o.amount for o in occs), Decimal(0)).quantize(CENT), tuple(keys[:EXAMPLES]),
            min(services) if services else None, min(remits) if remits else None,
            max(remits) if remits else None,
        ))  # fmt: skip
    return sorted(out, key=lambda p: (-p.count, -p.amount, p.payer, p.edit_id))


# -- reading denials -------------------------------------------------------------------------


def _diagnosis(claim: Mapping[str, Any], line: Mapping[str, Any] | None) -> str | None:
    dx = {d.get("pointer"): d.get("code") for d in claim.get("diagnoses") or []}
    pointers = (line or {}).get("diagnosis_pointers") or [1]
    code = dx.get(pointers[0]) or next(iter(dx.values()), None)
    return str(code).upper() if code else None


def _claim_line(claim: Mapping[str, Any], number: int | None, procedure: str
                ) -> Mapping[str, Any] | None:  # fmt: skip
    lines = claim.get("lines") or []
    same = [ln for ln in lines if (ln.get("procedure_code") or "") == procedure]
    by_number = [ln for ln in same if ln.get("number") == number]
    found: Mapping[str, Any] | None = (by_number or same or [None])[0]
    return found


def collect_occurrences(
    session: Session, practice_id: int, *, since: dt.date | None, until: dt.date | None = None
) -> list[Occurrence]:
    """The denied lines of matched claims remitted in [since, until]."""
    query = (
        select(DenialRow, ClaimRow, RemitLineRow)
        .join(ClaimRow, ClaimRow.id == DenialRow.claim_id)
        .outerjoin(RemitLineRow, RemitLineRow.id == DenialRow.remit_line_id)
        .where(DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
               DenialRow.denial.is_(True), DenialRow.counted.is_(True),
               DenialRow.source == "cas", DenialRow.root_cause != "not-a-denial")
        .order_by(DenialRow.id)
    )  # fmt: skip
    if since is not None:
        query = query.where(DenialRow.remit_date >= since)
    if until is not None:
        query = query.where(DenialRow.remit_date <= until)
    out: list[Occurrence] = []
    for denial, claim, svc in session.execute(query):
        out += _occurrences(denial, claim, svc)
    return out


def _occurrences(denial: DenialRow, claim: ClaimRow, svc: RemitLineRow | None
                 ) -> list[Occurrence]:  # fmt: skip
    data = claim.claim_json

    def occ(procedure: str, mods: Iterable[str], line: Mapping[str, Any] | None,
            amount: Decimal, day: dt.date | None) -> Occurrence:  # fmt: skip
        return Occurrence(
            denial.payer, procedure.upper(), tuple(sorted(m.upper() for m in mods if m)),
            _diagnosis(data, line), denial.group_code, denial.carc, denial.reason,
            amount, claim.claim_key, day, denial.remit_date,
        )  # fmt: skip

    if svc is not None:
        billed = svc.original_procedure_code or svc.procedure_code
        mods = svc.original_modifiers if svc.original_procedure_code else svc.modifiers
        line = _claim_line(data, denial.line, billed)
        return [occ(billed, mods, line, denial.amount, svc.service_from)]
    lines = [ln for ln in data.get("lines") or [] if ln.get("procedure_code")]
    total = sum((Decimal(str(ln.get("charge") or 0)) for ln in lines), Decimal(0))
    out = []
    for ln in lines:
        share = Decimal(str(ln.get("charge") or 0)) / total if total else Decimal(1)
        start = ln.get("service_date_from")
        day = dt.date.fromisoformat(start) if start else claim.service_from
        out.append(occ(ln["procedure_code"], ln.get("modifiers") or [], ln,
                       (denial.amount * share).quantize(CENT), day))  # fmt: skip
    return out


def find_patterns(
    session: Session, practice_id: int, *, min_count: int = DEFAULT_MIN,
    since: dt.date | None = None,
) -> tuple[list[Pattern], dt.date | None, dt.date | None]:  # fmt: skip
    """Recurring denials remitted since ``since`` (default: the :data:`DEFAULT_WINDOW_DAYS`
    before the latest denial's remittance); returns the patterns and the window used."""
    if min_count < 1:
        raise UsageError(f"--min: {min_count} must be at least 1")
    latest = session.scalar(
        select(DenialRow.remit_date)
        .where(DenialRow.practice_id == practice_id, DenialRow.denial.is_(True))
        .order_by(DenialRow.remit_date.desc())
        .limit(1)
    )  # fmt: skip
    if since is None and latest is not None:
        since = latest - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    found = group_patterns(collect_occurrences(session, practice_id, since=since), min_count)
    return found, since, latest


# -- proposals -------------------------------------------------------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def proposal_toml(payer: str, patterns: list[Pattern], *, today: dt.date,
                  since: dt.date | None, min_count: int) -> str:  # fmt: skip
    """A pack file proposing one ``preview`` edit per pattern of ``payer``."""
    window = f"since {since.isoformat()}" if since else "in every stored remittance"
    lines = [
        f"# PROPOSED payer-pack edits for payer {payer!r}, written by `cleanclaim denials "
        f"patterns` on {today.isoformat()}",
        f"# from denials remitted {window} (groups of at least {min_count}).",
        "# Status: preview. Nothing in this file is in force. Review each edit and its",
        "# evidence; copy the ones you approve into the payer's pack in <data_dir>/packs/ and",
        "# list that pack in the payer's rule_packs. Evidence names claims by claim key only.",
        "",
        "[pack]",
        f"name = {_toml(_slug('proposed-' + payer))}",
        f"title = {_toml(f'PROPOSED: recurring denials of {payer}')}",
        f"description = {_toml('Edits proposed from observed denials; preview, not in force.')}",
    ]
    for p in patterns:
        edit: dict[str, Any] = {
            "id": p.edit_id, "kind": p.kind, "status": "preview", "title": p.describe(),
            "codes": [p.procedure],
        }  # fmt: skip
        if p.kind == "denial_pattern":
            edit["modifiers"] = p.value.split() if p.dimension == "modifiers" else []
            edit["diagnoses"] = [p.value] if p.dimension == "diagnosis" and p.value else []
            edit["carc"] = p.code
        edit["effective_from"] = p.first_service or p.first_remit or today
        edit["citation"] = {
            "source": f"cleanclaim denials patterns: 835 remittances from {p.payer}",
            "section": f"{p.code} on {p.procedure}", "date": today.isoformat(),
        }  # fmt: skip
        edit["evidence"] = {
            "count": p.count, "claims": p.claims, "amount": f"{p.amount:.2f}",
            "first_remit": p.first_remit or today, "last_remit": p.last_remit or today,
            "reasons": list(p.reasons), "examples": list(p.examples),
        }  # fmt: skip
        lines += ["", "[[edits]]"] + [f"{k} = {_toml(v)}" for k, v in edit.items()]
    return "\n".join(lines) + "\n"


def write_proposals(
    patterns: list[Pattern], folder: Path, *, today: dt.date, since: dt.date | None,
    min_count: int,
) -> dict[Path, str]:  # fmt: skip
    """Write one proposal file per payer in ``folder``; returns each path and its text."""
    by_payer: dict[str, list[Pattern]] = {}
    for p in patterns:
        by_payer.setdefault(p.payer, []).append(p)
    written: dict[Path, str] = {}
    if by_payer:
        folder.mkdir(parents=True, exist_ok=True)
    for payer in sorted(by_payer):
        text = proposal_toml(payer, by_payer[payer], today=today, since=since,
                             min_count=min_count)  # fmt: skip
        path = folder / f"{_slug('proposed-' + payer)}.toml"
        path.write_text(text, encoding="utf-8")
        written[path] = text
    return written


def proposed_dir() -> Path:
    """``<data_dir>/packs/proposed``."""
    from cleanclaim.edits.packs import user_pack_dir

    return user_pack_dir() / "proposed"
