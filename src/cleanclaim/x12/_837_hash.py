"""The content hash of a claim, for idempotent ingest (re-exported by ``parse837``)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from cleanclaim.claims.model import Adjustment, Claim, Person, Provider


def _num(d: Decimal | None) -> str | None:
    if d is None:
        return None
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _norm(s: str | None) -> str | None:
    return " ".join(s.upper().split()) if s else None


def _person(p: Person) -> list[str | None]:
    return [
        _norm(p.member_id),
        _norm(p.last_name),
        _norm(p.first_name),
        _day(p.birth_date),
        _norm(p.sex),
    ]


def _adj(adjs: tuple[Adjustment, ...]) -> list[list[str | None]]:
    return sorted([[a.group_code, a.reason_code, _num(a.amount), _num(a.quantity)] for a in adjs])


def _provider(p: Provider | None) -> str | None:
    return (p.npi or _norm(p.name)) if p else None


def _content(claim: Claim) -> dict[str, object]:
    return {
        "v": 1,
        "type": claim.claim_type,
        "claim_id": claim.claim_id.strip(),
        "charge": _num(claim.total_charge),
        "freq": claim.frequency_code,
        "pos": claim.place_of_service,
        "facility": claim.facility_type_code,
        "billing": [claim.billing_provider.npi, claim.billing_provider.tin],
        "rendering": _provider(claim.rendering_provider),
        "attending": _provider(claim.attending_provider),
        "payer": [claim.payer.payer_id, claim.payer.responsibility, claim.payer.filing_indicator],
        "subscriber": _person(claim.subscriber),
        "patient": _person(claim.patient),
        "refs": [claim.original_reference, claim.prior_authorization, claim.referral_number],
        "dates": [
            _day(claim.statement_from),
            _day(claim.statement_to),
            _day(claim.admission_date),
        ],
        "dx": [[d.qualifier, d.code.upper(), d.poa] for d in claim.diagnoses],
        "drg": claim.drg,
        "conditions": sorted(claim.condition_codes),
        "icodes": [
            [c.qualifier, c.code, _day(c.date_from), _day(c.date_to), _num(c.amount)]
            for c in claim.institutional_codes
        ],
        "other_payers": [
            [o.responsibility, o.payer_id, _num(o.paid_amount), _adj(o.adjustments)]
            for o in claim.other_payers
        ],
        "lines": [
            [
                ln.procedure_qualifier,
                (ln.procedure_code or "").upper(),
                [m.upper() for m in ln.modifiers],
                ln.revenue_code,
                _num(ln.charge),
                _num(ln.units),
                ln.unit_basis,
                ln.place_of_service,
                list(ln.diagnosis_pointers),
                _day(ln.service_date_from),
                _day(ln.service_date_to or ln.service_date_from),
                _provider(ln.rendering_provider),
                ln.ndc,
                [[a.payer_id, _num(a.paid_amount), _adj(a.adjustments)] for a in ln.adjudications],
            ]
            for ln in claim.lines
        ],
    }


def claim_content_hash(claim: Claim) -> str:
    """SHA-256 (hex) of the claim's business content, for idempotent ingest.

    Covers codes, modifiers, units, charges, diagnoses, dates, providers' NPIs, payer, patient
    and subscriber, and prior-payer adjudication. Excludes everything that changes when the
    same claim is re-sent: envelope control numbers, BHT03, file positions, line-endings and
    number spelling (``100``, ``100.00`` and ``100.0`` hash alike), name case and spacing.
    """
    payload = json.dumps(_content(claim), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
