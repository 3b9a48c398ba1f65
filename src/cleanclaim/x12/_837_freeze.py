"""Freeze the 837 builders into the immutable claim model."""

from __future__ import annotations

from cleanclaim.claims.model import Claim, ClaimType, Provider, ServiceLine, Submission
from cleanclaim.x12._837_build import ClaimBuilder, Entity, LineBuilder
from cleanclaim.x12._837_values import parse_date
from cleanclaim.x12._envelope_model import TransactionSet
from cleanclaim.x12.segments import Delimiters, Segment


def _opt(seg: Segment, i: int) -> str | None:
    return seg.get(i).strip() or None


def _provider(entities: dict[str, Entity], *codes: str) -> Provider | None:
    """The provider of the first NM101 in ``codes`` that the claim has."""
    return next((entities[c].provider() for c in codes if c in entities), None)


def freeze_line(line: LineBuilder) -> ServiceLine:
    rendering = next((e for e in line.providers if e.code == "82"), None)
    return ServiceLine(
        number=line.number,
        charge=line.charge,
        units=line.units,
        unit_basis=line.unit_basis,
        procedure_qualifier=line.qualifier,
        procedure_code=line.code,
        modifiers=line.modifiers,
        revenue_code=line.revenue_code,
        place_of_service=line.place_of_service,
        diagnosis_pointers=line.pointers,
        emergency=line.emergency,
        service_date_from=line.service_from,
        service_date_to=line.service_to,
        rendering_provider=rendering.provider() if rendering else None,
        other_providers=tuple(e.provider() for e in line.providers if e is not rendering),
        line_item_control_number=line.refs.get("6R"),
        prior_authorization=line.refs.get("G1"),
        ndc=line.ndc,
        ndc_quantity=line.ndc_quantity,
        ndc_unit=line.ndc_unit,
        adjudications=tuple(a.build() for a in line.adjudications),
        source_segment=line.lx.position,
    )


def build_submission(
    bht: Segment | None, sender: Entity | None, receiver: Entity | None, ts: TransactionSet
) -> Submission:
    """The submission header; raises ``ValueError`` for a bad BHT04 date."""
    created = None
    if bht is not None and bht.get(4).strip():
        created = parse_date("D8", bht.get(4), "BHT04").start
    return Submission(
        sender_name=sender.name if sender else "",
        sender_id=(sender.ident or "") if sender else "",
        receiver_name=receiver.name if receiver else "",
        receiver_id=(receiver.ident or "") if receiver else "",
        reference=bht.get(3).strip() if bht else "",
        created=created,
        purpose=bht.get(2).strip() if bht else "",
        transaction_type=bht.get(6).strip() if bht else "",
        implementation=ts.implementation,
        transaction_control=ts.control_number,
        interchange_control=ts.interchange_control,
        group_control=ts.group_control,
        usage_indicator=ts.usage_indicator,
    )


def freeze_claim(
    cb: ClaimBuilder, claim_type: ClaimType, submission: Submission, d: Delimiters
) -> Claim:
    prof = claim_type == "professional"
    clm, cl1, p = cb.clm, cb.cl1, cb.providers
    return Claim(
        claim_id=cb.claim_id,
        claim_type=claim_type,
        total_charge=cb.total,
        frequency_code=cb.frequency,
        billing_provider=cb.billing,
        subscriber=cb.subscriber,
        patient=cb.patient,
        payer=cb.payer,
        submission=submission,
        lines=tuple(cb.lines),
        place_of_service=cb.clm05_1 if prof else None,
        facility_type_code=None if prof else cb.clm05_1,
        pay_to_provider=cb.pay_to,
        rendering_provider=_provider(p, "82"),
        referring_provider=_provider(p, "DN", "P3"),
        attending_provider=_provider(p, "71"),
        operating_provider=_provider(p, "72"),
        other_operating_provider=_provider(p, "ZZ"),
        supervising_provider=_provider(p, "DQ"),
        service_facility=_provider(p, "77"),
        other_payers=tuple(o.build() for o in cb.other_payers),
        original_reference=cb.refs.get("F8"),
        prior_authorization=cb.refs.get("G1"),
        referral_number=cb.refs.get("9F"),
        medical_record_number=cb.refs.get("EA"),
        statement_from=cb.statement_from,
        statement_to=cb.statement_to,
        admission_date=cb.admission_date,
        admission_hour=cb.admission_hour,
        discharge_hour=cb.discharge_hour,
        dates=tuple(cb.dates),
        diagnoses=tuple(cb.diagnoses),
        drg=cb.drg,
        condition_codes=tuple(cb.conditions),
        institutional_codes=tuple(cb.codes),
        admission_type=_opt(cl1, 1) if cl1 else None,
        admission_source=_opt(cl1, 2) if cl1 else None,
        patient_status=_opt(cl1, 3) if cl1 else None,
        assignment=_opt(clm, 7),
        benefits_assigned=_opt(clm, 8),
        release_of_information=_opt(clm, 9),
        related_causes=tuple(c.strip() for c in clm.components(11, d)[:3] if c.strip())
        if prof
        else (),
        delay_reason=_opt(clm, 20),
        source_segment=clm.position,
    )
