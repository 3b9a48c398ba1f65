"""Freeze the 837 builders into the immutable claim model."""

from __future__ import annotations

from typing import Final

from cleanclaim.claims.model import Claim, ClaimType, Provider, ServiceLine, Submission
from cleanclaim.x12._837_build import ClaimBuilder, Entity
from cleanclaim.x12._837_fast import fast_constructor
from cleanclaim.x12._837_values import parse_date
from cleanclaim.x12._envelope_model import TransactionSet
from cleanclaim.x12.segments import Delimiters

_PAD: Final = [""] * 24
_CLAIM_FIELDS: Final = (
    "claim_id", "claim_type", "total_charge", "frequency_code", "billing_provider",
    "subscriber", "patient", "payer", "submission", "lines", "place_of_service",
    "facility_type_code", "pay_to_provider", "rendering_provider", "referring_provider",
    "attending_provider", "operating_provider", "other_operating_provider",
    "supervising_provider", "service_facility", "other_payers", "original_reference",
    "prior_authorization", "referral_number", "medical_record_number", "statement_from",
    "statement_to", "admission_date", "admission_hour", "discharge_hour", "dates", "diagnoses",
    "drg", "condition_codes", "institutional_codes", "admission_type", "admission_source",
    "patient_status", "assignment", "benefits_assigned", "release_of_information",
    "related_causes", "delay_reason", "source_segment",
)  # fmt: skip
_new_claim: Final = fast_constructor(Claim, _CLAIM_FIELDS)
_NO_REFS: Final[dict[str, str]] = {}
_NO_PROVIDERS: Final[dict[str, Provider]] = {}


def build_submission(
    bht_elements: list[str] | None,
    sender: Entity | None,
    receiver: Entity | None,
    ts: TransactionSet,
) -> Submission:
    """The submission header; raises ``ValueError`` for a bad BHT04 date."""
    created = None
    bht = bht_elements + _PAD if bht_elements is not None else None
    if bht is not None and bht[4].strip():
        created = parse_date("D8", bht[4], "BHT04").start
    return Submission(
        sender_name=sender.name if sender else "",
        sender_id=(sender.ident or "") if sender else "",
        receiver_name=receiver.name if receiver else "",
        receiver_id=(receiver.ident or "") if receiver else "",
        reference=bht[3].strip() if bht else "",
        created=created,
        purpose=bht[2].strip() if bht else "",
        transaction_type=bht[6].strip() if bht else "",
        implementation=ts.implementation,
        transaction_control=ts.control_number,
        interchange_control=ts.interchange_control,
        group_control=ts.group_control,
        usage_indicator=ts.usage_indicator,
    )


def freeze_claim(
    cb: ClaimBuilder,
    lines: list[ServiceLine],
    claim_type: ClaimType,
    submission: Submission,
    d: Delimiters,
) -> Claim:
    prof = claim_type == "professional"
    e, cl1, p, refs = cb.clm, cb.cl1, cb.providers, cb.refs
    billing, pay_to, payer, subscriber, patient = cb.parties
    c1 = cl1 + _PAD if cl1 else None
    if prof and e[11]:
        causes = e[11].split(d.component)[:3]
        related = tuple(c.strip() for c in causes if c.strip())
    else:
        related = ()
    prov = {code: entity.provider() for code, entity in p.items()} if p else _NO_PROVIDERS
    if not refs:
        refs = _NO_REFS
    return _new_claim(
        cb.claim_id,
        claim_type,
        cb.total,  # total_charge
        cb.frequency,  # frequency_code
        billing,  # billing_provider
        subscriber,
        patient,
        payer,
        submission,
        tuple(lines),
        cb.clm05_1 if prof else None,  # place_of_service
        None if prof else cb.clm05_1,  # facility_type_code
        pay_to,  # pay_to_provider
        prov.get("82"),  # rendering_provider
        prov.get("DN") or prov.get("P3"),  # referring_provider
        prov.get("71"),  # attending_provider
        prov.get("72"),  # operating_provider
        prov.get("ZZ"),  # other_operating_provider
        prov.get("DQ"),  # supervising_provider
        prov.get("77"),  # service_facility
        tuple(o.build() for o in cb.other_payers) if cb.other_payers else (),
        refs.get("F8"),  # original_reference
        refs.get("G1"),  # prior_authorization
        refs.get("9F"),  # referral_number
        refs.get("EA"),  # medical_record_number
        cb.statement_from,
        cb.statement_to,
        cb.admission_date,
        cb.admission_hour,
        cb.discharge_hour,
        tuple(cb.dates) if cb.dates else (),
        tuple(cb.diagnoses),
        cb.drg,
        tuple(cb.conditions) if cb.conditions else (),  # condition_codes
        tuple(cb.codes) if cb.codes else (),  # institutional_codes
        (c1[1].strip() or None) if c1 else None,  # admission_type
        (c1[2].strip() or None) if c1 else None,  # admission_source
        (c1[3].strip() or None) if c1 else None,  # patient_status
        e[7].strip() or None,  # assignment
        e[8].strip() or None,  # benefits_assigned
        e[9].strip() or None,  # release_of_information
        related,  # related_causes
        e[20].strip() or None,  # delay_reason
        cb.position,  # source_segment
    )
