"""The truth ledger: the real cause of every denial (and front-end rejection) the demo wrote.

One row per denial-type adjustment of a written 835 claim (one per denied line, or one
for a claim-level denial), and one per 277CA rejection. Each row names the true
``root_cause``, ``reason``, ``responsible`` and ``avoidable`` in the denial classifier's
vocabulary, the injected error that caused it (``payer-error`` when the payer denied a
clean claim by mistake), who that person is, and what became of the denial.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from cleanclaim.analytics.synthetic.adjudicate import denials_of
from cleanclaim.analytics.synthetic.encounter import Encounter
from cleanclaim.analytics.synthetic.errors import BY_SLUG, PAYER_ERROR, ErrorType
from cleanclaim.x12.generate.model import GenClaim, GenClaimPayment

RESOLUTIONS = (
    "corrected", "resubmitted", "rebilled", "payer-corrected", "appeal-overturned",
    "appeal-partial", "appeal-upheld", "appeal-pending", "written-off", "voided", "open",
)  # fmt: skip
"""What became of a denial by the as-of date (``open``: not worked, or not yet)."""


@dataclass
class LedgerRow:
    kind: str
    """``denial`` (an 835 adjustment) or ``rejection`` (a 277CA answer)."""
    claim_id: str
    frequency: str
    payer_id: str
    payer_claim_number: str
    date: dt.date
    """Remittance date (denial) or acknowledgment date (rejection)."""
    line: int | None
    """1-based SVC position in the 835 claim; None for a claim-level denial or rejection."""
    control_number: str
    procedure: str
    group: str
    carc: str
    rarcs: str
    """Space-separated RARCs (line LQ, else claim MOA), or the 277CA STC01 for a rejection."""
    amount: str
    root_cause: str
    reason: str
    responsible: str
    avoidable: bool
    injected_error: str
    scrub_category: str
    caused_by: str
    """User name of the coder, biller or registrar, NPI of the provider, or payer id."""
    coder: str
    biller: str
    registrar: str
    provider: str
    resolution: str = "open"


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(LedgerRow))


def _truth(cause: str) -> ErrorType:
    return PAYER_ERROR if cause == "payer-error" else BY_SLUG[cause]


def _caused_by(error: ErrorType, enc: Encounter, payer_id: str) -> str:
    return {
        "coder": enc.coder.user,
        "biller": enc.biller.user,
        "front-desk": enc.registrar.user,
        "provider": enc.provider.practitioner.npi,
        "payer": payer_id,
    }[error.responsible]


def _row(
    kind: str,
    enc: Encounter,
    cause: str,
    claim: GenClaim,
    payer_id: str,
    icn: str,
    day: dt.date,
    **values: object,
) -> LedgerRow:
    error = _truth(cause)
    base: dict[str, object] = dict(
        kind=kind,
        claim_id=claim.claim_id,
        frequency=claim.frequency,
        payer_id=payer_id,
        payer_claim_number=icn,
        date=day,
        line=None,
        control_number="",
        procedure="",
        group="",
        carc="",
        rarcs="",
        amount="",
        root_cause=error.root_cause,
        reason=error.reason,
        responsible=error.responsible,
        avoidable=error.avoidable,
        injected_error=cause,
        scrub_category=error.category,
        caused_by=_caused_by(error, enc, payer_id),
        coder=enc.coder.user,
        biller=enc.biller.user,
        registrar=enc.registrar.user,
        provider=enc.provider.practitioner.npi,
    )
    base.update(values)
    return LedgerRow(**base)  # type: ignore[arg-type]


def denial_rows(
    enc: Encounter, cause: str, claim: GenClaim, clp: GenClaimPayment, payer_id: str, day: dt.date
) -> list[LedgerRow]:
    """A row for every denial-type adjustment of ``clp`` (none for a reversal)."""
    out = []
    for line, adj, rarcs in denials_of(clp):
        svc = clp.services[line - 1] if line is not None else None
        out.append(
            _row(
                "denial",
                enc,
                cause,
                claim,
                payer_id,
                clp.payer_claim_number,
                day,
                line=line,
                control_number=svc.control_number if svc else "",
                procedure=svc.procedure if svc else "",
                group=adj.group,
                carc=adj.reason,
                rarcs=" ".join(rarcs),
                amount=str(adj.amount),
            )
        )
    return out


def rejection_row(
    enc: Encounter,
    cause: str,
    claim: GenClaim,
    payer_id: str,
    day: dt.date,
    stc: tuple[str, str, str],
) -> LedgerRow:
    return _row(
        "rejection",
        enc,
        cause,
        claim,
        payer_id,
        "",
        day,
        rarcs=":".join(x for x in stc if x),
        amount=str(claim.total_charge),
    )


def write_csv(rows: list[LedgerRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in rows:
            values = asdict(row)
            values["line"] = "" if row.line is None else row.line
            values["avoidable"] = "true" if row.avoidable else "false"
            values["date"] = row.date.isoformat()
            out.writerow([values[c] for c in COLUMNS])
