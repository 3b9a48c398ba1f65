"""Facts about a claim that queries need without decoding the stored claim JSON.

Ingest stores them in ``claim_fact`` (:class:`~cleanclaim.storage.tables_facts.ClaimFactRow`),
one short row per stored claim version next to the full parsed claim, so that reports over
many months do not decode every claim's JSON. The migration that added the table filled it
for claims stored before, from that JSON, with the same function.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cleanclaim.claims.model import Claim, Provider

ICD10_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR"})
"""HI qualifiers of ICD-10-CM diagnoses (principal, admitting, reason for visit, other)."""


def judged_on(claim: Claim) -> dt.date | None:
    """The date a claim is judged on: the discharge (through) date for institutional claims,
    the first date of service for professional claims."""
    if claim.claim_type == "institutional":
        return claim.statement_to or claim.service_date_to or claim.service_date_from
    return claim.service_date_from or claim.statement_from


def dx_codes(claim: Claim) -> tuple[str, ...]:
    """ICD-10-CM codes of the claim, upper-case, in claim order."""
    return tuple(d.code.upper() for d in claim.diagnoses if d.qualifier in ICD10_QUALIFIERS)


def procedure_codes(claim: Claim) -> tuple[str, ...]:
    """Procedure codes of the lines, upper-case, in line order."""
    return tuple(ln.procedure_code.upper() for ln in claim.lines if ln.procedure_code)


def report_provider(claim: Claim) -> Provider | None:
    """The provider the monthly report shows a claim under: the claim-level rendering
    provider, else the first line that names one (the billing NPI when neither)."""
    found = claim.rendering_provider
    for line in claim.lines:
        found = found or line.rendering_provider
    return found


def report_provider_facts(found: Provider | None) -> dict[str, str | None]:
    """The ``rendering_*`` fact columns of :func:`report_provider`'s result."""
    return {
        "rendering_npi": found.npi if found else None,
        "rendering_name": found.name if found else None,
        "rendering_first_name": found.first_name if found else None,
        "rendering_taxonomy": found.taxonomy if found else None,
    }


def claim_facts(claim: Claim) -> dict[str, Any]:
    """The values of the fact columns of one claim (without its ids and owner)."""
    provider = claim.rendering_provider or claim.attending_provider or claim.billing_provider
    return {
        **report_provider_facts(report_provider(claim)),
        "record_day": judged_on(claim),
        "provider_npi": (provider.npi or claim.billing_provider.npi or "")[:15] or None,
        "provider_taxonomy": (provider.taxonomy or claim.billing_provider.taxonomy or "")[:20]
        or None,
        "filing_indicator": (claim.payer.filing_indicator or "").upper()[:4] or None,
        "bill_type": (claim.type_of_bill or "")[:4] or None,
        "dx_codes": " ".join(dx_codes(claim)),
        "procedures": " ".join(procedure_codes(claim)),
        "diagnoses": len(claim.diagnoses),
    }
