"""Assemble the monthly :class:`ReportData` from the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.concurrent import Parts
from cleanclaim.analytics.monthly.counts import read_counts, remit_day
from cleanclaim.analytics.monthly.derived import RefreshReport
from cleanclaim.analytics.monthly.episode_store import refresh_episodes, resolved_by_month
from cleanclaim.analytics.monthly.extras import OWNERS, coverage_rows, queue_rows, scrub_coverage
from cleanclaim.analytics.monthly.hcc_store import recapture, refresh_hcc
from cleanclaim.analytics.monthly.headline import headline, headline_values
from cleanclaim.analytics.monthly.parties import (
    MonthDenials,
    coders,
    parties,
    payers,
    read_month,
    root_causes,
    top_codes,
)
from cleanclaim.analytics.monthly.periods import Window, as_date, first_day, last_day
from cleanclaim.analytics.monthly.scrubbing import (
    ScrubbedClaim,
    finding_outcomes,
    provider_hygiene,
    scrubbed_claims,
    training_targets,
)
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.model import ReportData
from cleanclaim.analytics.report.rows import (
    CodeRow,
    CoderRow,
    FindingOutcomeRow,
    PartyRow,
    PayerRow,
    RootCauses,
)
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.denials.carc_table import DenialTable, load_table
from cleanclaim.errors import UsageError
from cleanclaim.storage.models import Practice
from cleanclaim.storage.tables_denials import AppealRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemittanceRow
from cleanclaim.x12.gctune import bulk_parsing


def data_through(session: Session, practice_id: int) -> dt.date | None:
    """The latest claim submission, remittance or appeal decision stored for the practice."""
    submitted = session.scalar(
        select(func.max(ClaimRow.submitted_on)).where(ClaimRow.practice_id == practice_id)
    )
    day = remit_day()
    # Driven by the practice's remittances (a few thousand), each checked for a claim of
    # the practice through the remittance index of ``remit_claim``.
    has_claim = (
        select(RemitClaimRow.id)
        .where(
            RemitClaimRow.remittance_id == RemittanceRow.id,
            RemitClaimRow.practice_id == practice_id,
        )
        .exists()
    )
    remitted = session.scalar(
        select(func.max(day)).where(RemittanceRow.practice_id == practice_id, has_claim)
    )
    decided = session.scalar(
        select(func.max(AppealRow.outcome_on)).where(AppealRow.practice_id == practice_id)
    )
    known = [as_date(d) for d in (submitted, remitted, decided) if d is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class _MonthTables:
    """The month's denials and the report's tables made of them alone."""

    denials: MonthDenials
    root_causes: RootCauses
    coders: tuple[CoderRow, ...]
    parties: dict[str, tuple[PartyRow, ...]]
    payers: tuple[PayerRow, ...]
    codes: tuple[tuple[CodeRow, ...], tuple[CodeRow, ...]]


def store_derived(
    session: Session, practice_id: int, store: CodesetStore, *, user: str
) -> tuple[RefreshReport, RefreshReport]:
    """Store what the report reads back instead of computing (the resolved denial episodes
    and HCC recapture by month), each unless already current; run after the data changed,
    in the caller's transaction."""
    return (
        refresh_episodes(session, practice_id, user=user),
        refresh_hcc(session, practice_id, store, user=user),
    )


def build_monthly_report(
    session: Session,
    practice_id: int,
    month: Month,
    *,
    store: CodesetStore,
    table: DenialTable | None = None,
    collection_rate: Decimal | None = None,
    synthetic: bool = False,
    now: dt.datetime | None = None,
) -> ReportData:
    """The report of ``month`` (see the package docstring)."""
    # Many long-lived rows and values: raise the collector's thresholds as bulk parsing does
    # (measured: about 9% less CPU at a million claim lines).
    with bulk_parsing():
        return _build(session, practice_id, month, store, table, collection_rate, synthetic, now)


def _build(
    session: Session,
    practice_id: int,
    month: Month,
    store: CodesetStore,
    table: DenialTable | None,
    collection_rate: Decimal | None,
    synthetic: bool,
    now: dt.datetime | None,
) -> ReportData:
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise UsageError(f"no practice with id {practice_id}")
    latest = data_through(session, practice_id)
    if latest is None:
        raise UsageError(f"practice {practice.key!r} has no claims or remittances stored")
    through = min(latest, last_day(month))
    table = table or load_table()
    window = Window(month)

    def scrubs(s: Session) -> tuple[list[ScrubbedClaim], tuple[FindingOutcomeRow, ...]]:
        scrubbed = scrubbed_claims(s, practice_id, month)
        return scrubbed, finding_outcomes(s, scrubbed)

    def month_tables(s: Session) -> _MonthTables:
        # The tables made of the month's denials alone are made in the part, beside the
        # other parts, rather than after them all.
        denials = read_month(s, practice_id, month)
        return _MonthTables(
            denials,
            root_causes(denials.views),
            coders(denials),
            {role: parties(denials, role) for role in ("biller", "registrar", "provider")},
            payers(denials),
            top_codes(denials.views, table),
        )

    # Independent reads, longest first; on PostgreSQL side by side on one snapshot.
    parts = Parts(session)
    hcc_part = parts.add(lambda s: recapture(s, practice_id, store, month))
    counts_part = parts.add(lambda s: read_counts(s, practice_id, window))
    since = first_day(window.trend[0])
    episodes_part = parts.add(
        lambda s: resolved_by_month(s, practice_id, since=since, through=through)
    )
    month_part = parts.add(month_tables)
    scrubs_part = parts.add(scrubs)
    queue_part = parts.add(lambda s: queue_rows(s, practice_id, through, OWNERS))
    coverage_part = parts.add(lambda s: scrub_coverage(s, practice_id, month))
    parts.run()
    hcc, hcc_notes = hcc_part.value
    tables = month_part.value
    denials = tables.denials
    scrubbed, findings = scrubs_part.value
    work, queue_note = queue_part.value
    values = headline_values(
        counts_part.value, episodes_part.value, collection_rate=collection_rate
    )
    carcs, rarcs = tables.codes
    notes = [n for n in (queue_note, *hcc_notes) if n]
    if latest < last_day(month):
        notes.append(f"Data runs to {latest.isoformat()}: the month is not complete.")
    return ReportData(
        practice=practice.name,
        month=month,
        generated_at=now or dt.datetime.now(dt.UTC),
        data_through=through,
        headline=headline(values, month),
        root_causes=tables.root_causes,
        coders=tables.coders,
        billers=tables.parties["biller"],
        registrars=tables.parties["registrar"],
        providers=tables.parties["provider"],
        payers=tables.payers,
        top_carcs=carcs,
        top_rarcs=rarcs,
        scrub_findings=findings,
        training=training_targets(denials, scrubbed, table),
        provider_hygiene=provider_hygiene(scrubbed, hcc),
        work_queue=work,
        coverage=coverage_rows(store, month, coverage_part.value, denials),
        synthetic=synthetic,
        notes=tuple(notes),
    )
