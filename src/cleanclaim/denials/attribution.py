"""Who worked a claim version (as of the time of the work), and blame versus presence.

The work log (:mod:`cleanclaim.denials.worklog`) keeps one row per claim and coding time.
A claim version is attributed to the row that applies to it: the row whose claim key is
the version's; else the latest row coded on or before the day the version was submitted;
else (work logged after submission) the earliest row. So a replacement recoded by someone
else is attributed to them, and the original stays with whoever coded it then.

*Presence* (``on_claims_of``): everyone who registered, coded or billed the claim.
*Blame* (``caused_by``): the one person whose role the root cause points at: the coder only
when the root cause is coding and the responsible party is the coder; the biller when the
biller is responsible; the registrar for front-desk causes; the rendering provider for
provider causes; the payer for payer causes; nobody otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from cleanclaim.claims.remittance import format_money
from cleanclaim.storage.db import by_keys, read_rows
from cleanclaim.storage.models import Practice
from cleanclaim.storage.tables_denials import DenialRow, WorkLogRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemittanceRow


@dataclass(frozen=True)
class Work:
    """One work-log row: who did what, and when."""

    claim_key: str | None
    registrar: str | None
    coder: str | None
    biller: str | None
    coded_at: dt.datetime
    billed_at: dt.datetime | None


@dataclass(frozen=True)
class People:
    """The people attributed to one claim version."""

    registrar: str | None = None
    coder: str | None = None
    biller: str | None = None

    @property
    def on_claims_of(self) -> list[str]:
        """Everyone present on the claim (registrar, coder, biller), without repeats."""
        seen: list[str] = []
        for name in (self.registrar, self.coder, self.biller):
            if name and name not in seen:
                seen.append(name)
        return seen


NOBODY = People()


def pick(rows: Iterable[Work], claim_key: str | None, submitted_on: dt.date | None) -> People:
    """The work-log row that applies to the claim version (see the module docstring)."""
    ordered = sorted(rows, key=lambda w: w.coded_at)
    if not ordered:
        return NOBODY
    chosen: Work | None = None
    exact = [w for w in ordered if claim_key and w.claim_key == claim_key]
    if exact:
        chosen = exact[-1]
    elif submitted_on is None:
        chosen = ordered[-1]
    else:
        before = [w for w in ordered if w.coded_at.date() <= submitted_on]
        chosen = before[-1] if before else ordered[0]
    return People(chosen.registrar, chosen.coder, chosen.biller)


def caused_by(
    root_cause: str, responsible: str, people: People, provider: str | None, payer: str
) -> str | None:
    """Who caused a denial (blame), by the rules of the module docstring."""
    if responsible == "coder":
        return people.coder if root_cause == "coding" else None
    if responsible == "biller":
        return people.biller
    if responsible == "front-desk":
        return people.registrar
    if responsible == "provider":
        return provider
    if responsible == "payer":
        return payer
    return None


# -- listing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DenialFilters:
    """Filters of :func:`denial_rows` (``month``: remittance month ``YYYY-MM``)."""

    month: str | None = None
    payer: str | None = None
    coder: str | None = None
    denials_only: bool = False
    claim_ids: tuple[int, ...] | None = None
    """Only these claim versions (``claim.id``)."""


JSON_KEYS = (
    "claim_id", "claim_key", "line", "payer", "group", "carc", "rarcs", "amount", "denial",
    "root_cause", "reason", "responsible", "avoidable", "explanation", "coder", "biller",
    "registrar", "provider", "practice", "remit_date", "scrub_link",
)  # fmt: skip
"""The keys of the ``denials list --format json`` contract, in order."""


@dataclass(frozen=True)
class DenialView:
    """One current denial row with its attribution (what ``denials list`` shows)."""

    denial_id: int
    source: str
    clm01: str | None
    claim_key: str | None
    claim_row_id: int | None
    remit_claim_id: int | None
    remittance_id: int
    line: int | None
    payer: str
    group: str | None
    carc: str
    rarcs: list[str]
    amount: Decimal
    denial: bool
    line_denied: bool
    claim_denied: bool
    partial: bool
    counted: bool
    root_cause: str
    reason: str
    responsible: str
    avoidable: bool
    explanation: str
    confidence: str
    original_root_cause: str | None
    scrub_link: str | None
    scrub_link_by: str | None
    remit_date: dt.date | None
    practice: str
    people: People
    provider: str | None
    caused_by: str | None

    @property
    def on_claims_of(self) -> list[str]:
        return self.people.on_claims_of

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``denials list`` (exactly :data:`JSON_KEYS`)."""
        return {
            "claim_id": self.clm01, "claim_key": self.claim_key, "line": self.line,
            "payer": self.payer, "group": self.group, "carc": self.carc,
            "rarcs": list(self.rarcs), "amount": format_money(self.amount),
            "denial": self.denial, "root_cause": self.root_cause, "reason": self.reason,
            "responsible": self.responsible, "avoidable": self.avoidable,
            "explanation": self.explanation, "coder": self.people.coder,
            "biller": self.people.biller, "registrar": self.people.registrar,
            "provider": self.provider, "practice": self.practice,
            "remit_date": self.remit_date.isoformat() if self.remit_date else None,
            "scrub_link": self.scrub_link,
        }  # fmt: skip


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    year, mon = (int(p) for p in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def _provider(data: dict[str, Any], billing_npi: str) -> str:
    """The rendering provider's NPI (claim level, else the first line's), else billing."""
    found = (data.get("rendering_provider") or {}).get("npi")
    for line in data.get("lines") or []:
        found = found or (line.get("rendering_provider") or {}).get("npi")
    return str(found or billing_npi)


def denial_rows(
    session: Session, practice_id: int, filters: DenialFilters | None = None
) -> list[DenialView]:
    """The practice's current denial rows with attribution, in remittance order."""
    f = filters or DenialFilters()
    query = select(DenialRow).where(
        DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None)
    )
    if f.month:
        start, end = _month_range(f.month)
        query = query.where(DenialRow.remit_date >= start, DenialRow.remit_date < end)
    if f.payer:
        ids = select(RemittanceRow.id).where(RemittanceRow.practice_id == practice_id,
                                             RemittanceRow.payer_id == f.payer)  # fmt: skip
        query = query.where(or_(DenialRow.payer == f.payer, DenialRow.remittance_id.in_(ids)))
    if f.denials_only:
        query = query.where(DenialRow.denial.is_(True))
    if f.claim_ids is not None:
        query = query.where(DenialRow.claim_id.in_(list(f.claim_ids)))
    rows = list(
        session.scalars(
            query.order_by(
                DenialRow.remittance_id, DenialRow.source, DenialRow.remit_claim_id, DenialRow.id
            )
        )
    )
    practice = session.get(Practice, practice_id)
    claims = _claims(session, sorted({r.claim_id for r in rows if r.claim_id}))
    work = work_rows(
        session,
        practice_id,
        sorted({r.clm01 for r in rows if r.clm01}),
        selection=query.with_only_columns(DenialRow.clm01).order_by(None),
    )
    out: list[DenialView] = []
    for r in rows:
        claim = claims.get(r.claim_id) if r.claim_id else None
        people = pick(work.get(r.clm01, []), r.claim_key,
                      claim[0] if claim else None) if r.clm01 else NOBODY  # fmt: skip
        if f.coder and people.coder != f.coder:
            continue
        provider = claim[1] if claim else None
        out.append(DenialView(
            r.id, r.source, r.clm01, r.claim_key, r.claim_id, r.remit_claim_id,
            r.remittance_id, r.line, r.payer, r.group_code or None, r.carc, list(r.rarcs),
            r.amount, r.denial, r.line_denied, r.claim_denied, r.partial, r.counted,
            r.root_cause, r.reason, r.responsible, r.avoidable, r.explanation, r.confidence,
            r.original_root_cause, r.scrub_link, r.scrub_link_by, r.remit_date,
            practice.key if practice else "", people, provider,
            caused_by(r.root_cause, r.responsible, people, provider, r.payer)
            if r.denial else None,
        ))  # fmt: skip
    return out


def _claims(session: Session, ids: list[int]) -> dict[int, tuple[dt.date | None, str]]:
    """Submission date and :func:`_provider` of each claim, without decoding its JSON: the
    claim-level rendering NPI is extracted in SQL, and only claims without one have their
    lines read."""
    out: dict[int, tuple[dt.date | None, str]] = {}
    bare: dict[int, tuple[dt.date | None, str]] = {}
    npi = ClaimRow.claim_json["rendering_provider"]["npi"].as_string()
    for keyed in by_keys(session, ClaimRow.id, ids):
        for cid, submitted, billing, found in read_rows(
            session,
            select(ClaimRow.id, ClaimRow.submitted_on, ClaimRow.billing_npi, npi).where(keyed),
        ):
            if found:
                out[cid] = (submitted, str(found))
            else:
                bare[cid] = (submitted, billing)
    for cid, lines in claim_lines(session, sorted(bare)).items():
        submitted, billing = bare[cid]
        out[cid] = (submitted, _provider({"lines": lines}, billing))
    return out


def claim_lines(session: Session, ids: list[int]) -> dict[int, Any]:
    """The ``lines`` of the stored claim JSON of each claim ``ids`` (read by key): for the
    few claims whose rendering provider is on their lines only."""
    out: dict[int, Any] = {}
    for keyed in by_keys(session, ClaimRow.id, ids):
        for cid, lines in read_rows(
            session, select(ClaimRow.id, ClaimRow.claim_json["lines"]).where(keyed)
        ):
            out[cid] = lines
    return out


def work_rows(
    session: Session,
    practice_id: int,
    clm01s: Sequence[str],
    *,
    selection: Select[Any] | None = None,
) -> dict[str, list[Work]]:
    """Work-log rows of the claims ``clm01s``, by CLM01.

    The claims are read by key (:func:`~cleanclaim.storage.db.by_keys`: one array on
    PostgreSQL). Elsewhere, for more than one ``IN`` list of them, a ``selection`` (a query
    of those CLM01 values, or of more) is joined in one statement instead: listed 900 at a
    time, thousands of them made the database scan the work log once per list."""
    out: dict[str, list[Work]] = {}
    w = WorkLogRow
    # No ORDER BY: :func:`pick` orders a claim's rows by ``coded_at``, unique per claim
    # (``uq_work_log_claim_coded``), and a sort of every row read would cost more than that.
    query = select(w.claim_id, w.claim_key, w.registrar, w.coder, w.biller, w.coded_at,
                   w.billed_at).where(w.practice_id == practice_id)  # fmt: skip
    keyed = by_keys(session, w.claim_id, clm01s, selection=selection)
    chunks = [query.where(condition) for condition in keyed]
    wanted = set(clm01s)
    for chunk in chunks:
        for claim_id, key, registrar, coder, biller, coded, billed in read_rows(session, chunk):
            if claim_id in wanted:
                out.setdefault(claim_id, []).append(
                    Work(key, registrar, coder, biller, coded, billed)
                )
    return out


def denial_kpis(views: list[DenialView]) -> dict[str, Any]:
    """Counts that KPIs use: denied lines and claims (each once), not CAS triples.

    A claim is one (payer, claim version or CLP01); a line is one line of such a claim.
    Rows of reversals and repeated denials of corrected adjudications are not counted.
    """
    lines: set[tuple[Any, ...]] = set()
    claims: set[tuple[Any, ...]] = set()
    partial: set[tuple[Any, ...]] = set()
    by_cause: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    unclassified = 0
    for v in views:
        if not (v.denial and v.counted):
            continue
        claim = (v.payer, v.claim_row_id or v.clm01)
        if v.root_cause == "unclassified":
            unclassified += 1
        if v.claim_denied:
            claims.add(claim)
        elif v.partial:
            partial.add(claim)
        if v.line is not None and v.line_denied:
            lines.add((*claim, v.remit_claim_id, v.line))
        by_cause[v.root_cause].add(claim)
    return {
        "denied_claims": len(claims), "partially_denied_claims": len(partial - claims),
        "denied_lines": len(lines), "unclassified_adjustments": unclassified,
        "claims_by_root_cause": {k: len(v) for k, v in sorted(by_cause.items())},
    }  # fmt: skip
