"""The month's denials by root cause, person, provider, payer and code.

Two populations, never mixed up:

* **denials**: current classifications of the month's 835 adjustments that are denials and
  count (see :mod:`.counts`), with their attribution (:func:`denial_rows`);
* **adjudicated claims**: claim versions with an 835 claim (not a reversal) dated in the
  month, each attributed to the people of its work-log row and to the payer of the first
  such 835 claim; they are the denominators.

"Caused" follows the denial's blame (:func:`cleanclaim.denials.attribution.caused_by`);
"on their claims" counts every denial on a claim the person worked, whoever caused it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import remit_day
from cleanclaim.analytics.monthly.periods import first_day, last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.rows import (
    PRACTICE_CAUSES,
    CodeRow,
    CoderRow,
    PartyRow,
    PayerRow,
    RootCause,
    RootCauseRow,
    RootCauses,
)
from cleanclaim.denials.attribution import (
    NOBODY,
    DenialFilters,
    DenialView,
    People,
    denial_rows,
    pick,
    work_rows,
)
from cleanclaim.denials.carc_table import DenialTable
from cleanclaim.storage.db import by_keys, read_rows
from cleanclaim.storage.models import Payer
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemittanceRow

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Adjudicated:
    """One claim version adjudicated in the month, with who worked it."""

    claim_id: int
    payer: str
    people: People
    provider: str


@dataclass(frozen=True)
class Provider:
    """A rendering provider as the report names them."""

    npi: str
    name: str
    specialty: str


@dataclass
class MonthDenials:
    """The month's counted denials and adjudicated claims, attributed."""

    views: list[DenialView]
    claims: list[Adjudicated]
    providers: dict[str, Provider]
    payer_names: dict[str, str]


def read_month(session: Session, practice_id: int, month: Month) -> MonthDenials:
    """Load the month's denials and adjudicated claims (see the module docstring)."""
    views = [
        v
        for v in denial_rows(
            session, practice_id, DenialFilters(month=str(month), denials_only=True)
        )
        if v.counted
    ]
    keys = {
        pid: key
        for key, ids in session.execute(select(Payer.key, Payer.remit_payer_ids))
        for pid in ids or []
    }
    names = {key: name for key, name in session.execute(select(Payer.key, Payer.name))}
    rows = _adjudicated(session, practice_id, month)
    found = claim_providers(session, [(cid, r[5:], r[4]) for cid, r in rows.items()])
    work = work_rows(
        session,
        practice_id,
        sorted({r[2] for r in rows.values()}),
        selection=_adjudicated_query(practice_id, month, ClaimRow.clm01),
    )
    providers: dict[str, Provider] = {}
    claims: list[Adjudicated] = []
    for claim_id, (payer_id, claim_key, clm01, submitted, *_) in sorted(rows.items()):
        provider = found[claim_id]
        providers.setdefault(provider.npi, provider)
        people = pick(work.get(clm01, []), claim_key, submitted)
        claims.append(Adjudicated(claim_id, keys.get(payer_id, payer_id), people, provider.npi))
    for v in views:
        if v.provider and v.provider not in providers:
            providers[v.provider] = Provider(v.provider, f"NPI {v.provider}", "")
    return MonthDenials(views, claims, providers, names)


def _adjudicated(session: Session, practice_id: int, month: Month) -> dict[int, tuple[Any, ...]]:
    """Claim versions with a non-reversal 835 claim dated in ``month``: the payer id of the
    first such 835 claim (by id), then claim key, CLM01, submission date, billing NPI and
    :func:`provider_columns`."""
    rows = read_rows(
        session,
        _adjudicated_query(
            practice_id,
            month,
            RemitClaimRow.id,
            RemitClaimRow.practice_id,
            RemitClaimRow.claim_id,
            RemittanceRow.payer_id,
            ClaimRow.claim_key,
            ClaimRow.clm01,
            ClaimRow.submitted_on,
            ClaimRow.billing_npi,
            *provider_columns(),
        ).outerjoin(ClaimFactRow, ClaimFactRow.claim_id == ClaimRow.id),
    )
    out: dict[int, tuple[Any, ...]] = {}
    for _, owner, claim_id, *row in sorted(rows, key=lambda r: r[0]):
        if owner == practice_id:
            out.setdefault(claim_id, tuple(row))
    return out


def _adjudicated_query(practice_id: int, month: Month, *columns: Any) -> Select[Any]:
    """``columns`` of the non-reversal 835 claims dated in ``month`` and their claims."""
    day = remit_day()
    return (
        select(*columns)
        .select_from(RemittanceRow)  # the month's few remittances drive the join
        .join(RemitClaimRow, RemitClaimRow.remittance_id == RemittanceRow.id)
        .join(ClaimRow, ClaimRow.id == RemitClaimRow.claim_id)
        .where(
            RemittanceRow.practice_id == practice_id,
            RemitClaimRow.chain_role != "reversal",
            day >= first_day(month),
            day <= last_day(month),
        )
    )


def provider_columns() -> tuple[Any, ...]:
    """The report's provider of a claim from its ``claim_fact`` row (outer-joined): whether
    the row exists, then its rendering NPI, name, first name and taxonomy."""
    return (
        ClaimFactRow.claim_id,
        ClaimFactRow.rendering_npi,
        ClaimFactRow.rendering_name,
        ClaimFactRow.rendering_first_name,
        ClaimFactRow.rendering_taxonomy,
    )


def claim_providers(
    session: Session, rows: list[tuple[int, Sequence[Any], str]]
) -> dict[int, Provider]:
    """:func:`provider_of` for ``(claim id, provider_columns() values, billing NPI)`` rows.

    A claim without a ``claim_fact`` row (one whose JSON could not be read back when the
    facts were filled in) falls back to its JSON: the claim-level rendering provider, else
    its lines.
    """
    made: dict[tuple[Any, ...], Provider] = {}
    out: dict[int, Provider] = {}
    missing: list[tuple[int, str]] = []
    for cid, (fact, npi, name, first, taxonomy), billing in rows:
        if fact is None:
            missing.append((cid, billing))
            continue
        key = (npi, name, first, taxonomy, billing)
        if key not in made:
            made[key] = _provider(npi, name, first, taxonomy, billing)
        out[cid] = made[key]
    if missing:
        out.update(_providers_from_json(session, missing))
    return out


def _providers_from_json(session: Session, rows: list[tuple[int, str]]) -> dict[int, Provider]:
    """:func:`provider_of` on the stored JSON of ``(claim id, billing NPI)`` rows (by key):
    for the rare claims without a ``claim_fact`` row."""
    billing = dict(rows)
    ids = sorted(billing)
    out: dict[int, Provider] = {}
    for keyed in by_keys(session, ClaimRow.id, ids):
        for cid, data in read_rows(session, select(ClaimRow.id, ClaimRow.claim_json).where(keyed)):
            out[cid] = provider_of(data or {}, billing[cid])
    return out


def provider_of(data: dict[str, Any], billing_npi: str) -> Provider:
    """The rendering provider (claim level, else the first line's), else the billing NPI."""
    found = data.get("rendering_provider") or {}
    for line in data.get("lines") or []:
        found = found or (line.get("rendering_provider") or {})
    return _provider(
        found.get("npi"), found.get("name"), found.get("first_name"), found.get("taxonomy"),
        billing_npi,
    )  # fmt: skip


def _provider(
    npi: Any, last: str | None, first: str | None, taxonomy: Any, billing_npi: str
) -> Provider:
    npi = str(npi or billing_npi)
    last, first = last or "", first or ""
    name = f"{last.title()}, {first.title()}" if last and first else (last.title() or f"NPI {npi}")
    return Provider(npi, name, str(taxonomy or ""))


# -- root causes and codes ---------------------------------------------------------------------


def _claim(v: DenialView) -> tuple[Any, ...]:
    return (v.payer, v.claim_row_id or v.clm01)


def root_causes(views: Iterable[DenialView]) -> RootCauses:
    """Denials, claims and dollars by root cause (unknown causes count as unclassified)."""
    denials: Counter[str] = Counter()
    claims: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    dollars: dict[str, Decimal] = defaultdict(lambda: ZERO)
    known = {c.value for c in RootCause}
    for v in views:
        cause = v.root_cause if v.root_cause in known else RootCause.UNCLASSIFIED.value
        denials[cause] += 1
        claims[cause].add(_claim(v))
        dollars[cause] += v.amount

    def row(cause: RootCause) -> RootCauseRow:
        return RootCauseRow(cause, denials[cause], len(claims[cause]), dollars[cause])

    return RootCauses(
        tuple(row(c) for c in PRACTICE_CAUSES),
        row(RootCause.PAYER_ERROR),
        row(RootCause.UNCLASSIFIED),
    )


def top_codes(
    views: list[DenialView], table: DenialTable, *, limit: int = 10
) -> tuple[tuple[CodeRow, ...], tuple[CodeRow, ...]]:
    """The top group/CARC and RARC codes of the month by dollars, then count."""
    carcs: dict[str, list[DenialView]] = defaultdict(list)
    rarcs: dict[str, list[DenialView]] = defaultdict(list)
    for v in views:
        carcs[f"{v.group}-{v.carc}" if v.group else v.carc].append(v)
        for r in dict.fromkeys(v.rarcs):
            rarcs[r].append(v)

    def rows(
        groups: dict[str, list[DenialView]], summary: Callable[[str, DenialView], str]
    ) -> tuple[CodeRow, ...]:
        out = []
        for code, vs in groups.items():
            cause = Counter(v.root_cause for v in vs).most_common(1)[0][0]
            out.append(
                CodeRow(
                    code, summary(code, vs[0]), cause, len(vs), sum((v.amount for v in vs), ZERO)
                )
            )
        out.sort(key=lambda r: (-r.dollars, -r.denials, r.code))
        return tuple(out[:limit])

    def carc_summary(code: str, v: DenialView) -> str:
        entry = table.lookup(v.group or "", v.carc)
        return entry.verdict.explanation if entry else "Not in the denial table"

    def rarc_summary(code: str, v: DenialView) -> str:
        return f"Remark travelling with {len(rarcs[code])} denial(s); see RARC list"

    return rows(carcs, carc_summary), rows(rarcs, rarc_summary)


# -- people --------------------------------------------------------------------------------


_WHO: dict[str, Callable[[People], str | None]] = {
    "coder": attrgetter("coder"),
    "biller": attrgetter("biller"),
    "registrar": attrgetter("registrar"),
}


def _who(people: People, role: str) -> str | None:
    return _WHO[role](people)


def coders(month: MonthDenials) -> tuple[CoderRow, ...]:
    """Each coder: claims coded, coding denials they caused, and all denials on their claims."""
    coded: dict[str, set[int]] = defaultdict(set)
    for c in month.claims:
        if c.people.coder:
            coded[c.people.coder].add(c.claim_id)
    caused: dict[str, list[DenialView]] = defaultdict(list)
    on: dict[str, list[DenialView]] = defaultdict(list)
    for v in month.views:
        coder = v.people.coder
        if coder:
            on[coder].append(v)
            if v.caused_by == coder and v.root_cause == "coding":
                caused[coder].append(v)
    out = []
    for name in sorted(set(coded) | set(on)):
        mine = caused[name]
        out.append(
            CoderRow(
                name,
                len(coded[name]),
                len({v.claim_row_id or v.clm01 for v in mine}),
                len(mine),
                sum((v.amount for v in mine), ZERO),
                len(on[name]),
                sum((v.amount for v in on[name]), ZERO),
            )
        )
    return tuple(out)


def parties(month: MonthDenials, role: str) -> tuple[PartyRow, ...]:
    """Billers (``biller``), registrars (``registrar``) or providers (``provider``)."""

    def person(people: People, provider: str | None) -> str | None:
        return provider if role == "provider" else _who(people, role)

    worked: dict[str, set[int]] = defaultdict(set)
    for c in month.claims:
        name = person(c.people, c.provider)
        if name:
            worked[name].add(c.claim_id)
    caused: dict[str, list[DenialView]] = defaultdict(list)
    on: dict[str, list[DenialView]] = defaultdict(list)
    for v in month.views:
        name = person(v.people if v.people is not None else NOBODY, v.provider)
        if name:
            on[name].append(v)
            if v.caused_by == name:
                caused[name].append(v)

    def label(name: str) -> str:
        if role != "provider":
            return name
        p = month.providers.get(name)
        return f"{p.name} ({p.npi})" if p else name

    return tuple(
        PartyRow(
            label(n),
            len(worked[n]),
            len(caused[n]),
            sum((v.amount for v in caused[n]), ZERO),
            len(on[n]),
            sum((v.amount for v in on[n]), ZERO),
        )
        for n in sorted(set(worked) | set(on))
    )


def payers(month: MonthDenials) -> tuple[PayerRow, ...]:
    """Each payer: claims adjudicated, claims denied, denials, dollars and payer errors."""
    adjudicated: Counter[str] = Counter(c.payer for c in month.claims)
    by_payer: dict[str, list[DenialView]] = defaultdict(list)
    for v in month.views:
        by_payer[v.payer].append(v)
    out = []
    for key in sorted(set(adjudicated) | set(by_payer)):
        vs = by_payer[key]
        errors = [v for v in vs if v.root_cause == RootCause.PAYER_ERROR.value]
        out.append(
            PayerRow(
                month.payer_names.get(key, key),
                adjudicated[key],
                len({_claim(v) for v in vs}),
                len(vs),
                sum((v.amount for v in vs), ZERO),
                len(errors),
                sum((v.amount for v in errors), ZERO),
            )
        )
    return tuple(out)
