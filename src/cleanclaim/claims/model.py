"""The claim model: what cleanclaim knows about one 837P/837I claim.

Plain frozen dataclasses. Money is :class:`~decimal.Decimal`, dates are
:class:`datetime.date`, code values are kept as sent (trimmed, without decimal points).

PHI: :class:`Person` (member id, names, birth date, sex) and the claim's patient control
number are protected health information in real life. They are held here because the
scrubber needs them, but their ``repr`` is masked so that a claim printed into a log or a
traceback never shows them. Log claims by :attr:`Claim.source_segment` or an internal key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

__all__ = [
    "Adjustment",
    "Claim",
    "ClaimDate",
    "ClaimType",
    "Diagnosis",
    "InstitutionalCode",
    "LineAdjudication",
    "OtherPayer",
    "Payer",
    "Person",
    "Provider",
    "ServiceLine",
    "Submission",
]

ClaimType = Literal["professional", "institutional"]


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider named on the claim (billing, rendering, attending...)."""

    role: str
    """``billing``, ``pay_to``, ``rendering``, ``referring``, ``attending``, ``operating``,
    ``other_operating``, ``service_facility``, ``supervising``, ``ordering``..."""
    entity_code: str
    """NM101 (``85``, ``82``, ``DN``, ``71``...)."""
    entity_type: str
    """NM102: ``1`` person, ``2`` non-person entity (organisation)."""
    name: str
    """NM103: organisation name, or last name of a person."""
    first_name: str | None = None
    npi: str | None = None
    """NM109 when NM108 is ``XX``."""
    npi_valid: bool | None = None
    """Check digit verdict (``None`` when no NPI was sent)."""
    taxonomy: str | None = None
    """PRV03 (provider taxonomy code)."""
    tin: str | None = None
    """REF*EI (EIN) or REF*SY (SSN) of the billing provider."""
    secondary_ids: tuple[tuple[str, str], ...] = ()
    """Other REF qualifier/value pairs (``G2`` provider commercial number, ``0B`` licence...)."""

    @property
    def is_organization(self) -> bool:
        return self.entity_type == "2"


@dataclass(frozen=True, slots=True, repr=False)
class Person:
    """A subscriber or patient. PHI: never log; ``repr`` is masked."""

    last_name: str
    first_name: str | None = None
    middle_name: str | None = None
    member_id: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    """DMG03: ``F``, ``M``, ``U``."""
    relationship: str | None = None
    """Relationship to the subscriber: SBR02 (``18`` self) or PAT01 (``19`` child...)."""

    def __repr__(self) -> str:
        return "Person(<phi>)"


@dataclass(frozen=True, slots=True)
class Payer:
    """The destination payer (loops 2000B SBR and 2010BB)."""

    name: str
    payer_id: str | None
    """NM109 of NM1*PR."""
    responsibility: str
    """SBR01: ``P`` primary, ``S`` secondary, ``T`` tertiary, ``A``-``H``, ``U``."""
    filing_indicator: str | None
    """SBR09 claim filing indicator (``MB``, ``MA``, ``MC``, ``CI``, ``BL``, ``16``...)."""
    group_number: str | None = None
    """SBR03."""
    insurance_type: str | None = None
    """SBR05 (used when Medicare is secondary)."""


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason/amount/quantity triple."""

    group_code: str
    """``CO``, ``PR``, ``OA``, ``PI``."""
    reason_code: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """A prior payer's adjudication of one line (loop 2430)."""

    payer_id: str
    """SVD01: the other payer's id (matches 2330B NM109)."""
    paid_amount: Decimal
    procedure_qualifier: str | None
    procedure_code: str | None
    modifiers: tuple[str, ...]
    revenue_code: str | None
    paid_units: Decimal | None
    bundled_line_number: str | None
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date | None = None
    """DTP*573."""
    source_segment: int = 0


@dataclass(frozen=True, slots=True, repr=False)
class OtherPayer:
    """A payer other than the destination (loops 2320/2330), for coordination of benefits."""

    responsibility: str
    """SBR01 of the 2320 loop."""
    filing_indicator: str | None
    relationship: str | None
    group_number: str | None
    name: str
    payer_id: str | None
    paid_amount: Decimal | None
    """AMT*D: what this payer paid on the claim."""
    remaining_patient_liability: Decimal | None = None
    """AMT*EAF."""
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date | None = None
    """DTP*573 in 2330B."""
    subscriber: Person | None = None
    source_segment: int = 0

    def __repr__(self) -> str:
        return (
            f"OtherPayer(responsibility={self.responsibility!r}, payer_id={self.payer_id!r}, "
            f"paid_amount={self.paid_amount!r}, adjustments={len(self.adjustments)})"
        )


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One diagnosis from an HI segment."""

    qualifier: str
    """``ABK`` principal, ``ABF`` other, ``ABJ`` admitting, ``APR`` reason for visit, ``ABN``
    external cause; ICD-9 ``BK``/``BF``/``BJ``/``PR``/``BN``."""
    code: str
    """As sent: no decimal point."""
    pointer: int
    """1-based rank among the claim's diagnoses (the target of SV107 pointers)."""
    poa: str | None = None
    """Present-on-admission indicator (837I component 9): Y, N, U, W, 1."""


@dataclass(frozen=True, slots=True)
class InstitutionalCode:
    """A non-diagnosis HI code: ICD-10-PCS procedure, occurrence, span or value code."""

    qualifier: str
    """``BBR``/``BBQ`` procedures, ``BH`` occurrence, ``BI`` occurrence span, ``BE`` value..."""
    code: str
    date_from: date | None = None
    date_to: date | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ClaimDate:
    """One 2300 DTP, as sent."""

    qualifier: str
    date_from: date | None
    date_to: date | None = None
    time: str | None = None
    """HHMM for DT / TM formats."""


@dataclass(frozen=True, slots=True)
class Submission:
    """Where the claim came from: header loops 1000A/1000B, BHT and the envelope."""

    sender_name: str
    sender_id: str
    """1000A NM109 (submitter id)."""
    receiver_name: str
    receiver_id: str
    reference: str
    """BHT03: the submitter's reference for this batch."""
    created: date | None
    """BHT04."""
    purpose: str = "00"
    """BHT02: ``00`` original, ``18`` reissue."""
    transaction_type: str = ""
    """BHT06: ``CH`` chargeable, ``RP`` reporting (encounters)."""
    implementation: str = ""
    transaction_control: str = ""
    """ST02 (envelope; not part of the content hash)."""
    interchange_control: str = ""
    """ISA13 (envelope; not part of the content hash)."""
    group_control: str = ""
    usage_indicator: str = ""
    """ISA15: ``P`` production, ``T`` test."""


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One 2400 loop."""

    number: int
    """LX01."""
    charge: Decimal
    units: Decimal | None
    unit_basis: str
    """``UN`` units, ``MJ`` minutes, ``DA`` days."""
    procedure_qualifier: str | None = None
    """``HC`` (HCPCS/CPT), ``ER``, ``WK``, ``IV``..."""
    procedure_code: str | None = None
    modifiers: tuple[str, ...] = ()
    revenue_code: str | None = None
    """SV201 (837I)."""
    place_of_service: str | None = None
    """SV105 (837P), only when it differs from the claim's."""
    diagnosis_pointers: tuple[int, ...] = ()
    """SV107 (837P): ranks into :attr:`Claim.diagnoses`; the first is primary."""
    emergency: str | None = None
    """SV109 (837P)."""
    service_date_from: date | None = None
    """DTP*472."""
    service_date_to: date | None = None
    rendering_provider: Provider | None = None
    other_providers: tuple[Provider, ...] = ()
    """Other 2420 providers (referring, ordering, supervising, operating...)."""
    line_item_control_number: str | None = None
    """REF*6R (echoed in the 835)."""
    prior_authorization: str | None = None
    """Line REF*G1."""
    ndc: str | None = None
    """LIN03 when LIN02 is ``N4``."""
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    adjudications: tuple[LineAdjudication, ...] = ()
    """Loop 2430, one per prior payer."""
    source_segment: int = 0
    """Position of the LX."""


@dataclass(frozen=True, slots=True)
class Claim:
    """One 2300 claim with everything it inherits from its HL parents."""

    claim_id: str
    """CLM01, the patient control number (echoed as CLP01 in the 835)."""
    claim_type: ClaimType
    total_charge: Decimal
    frequency_code: str
    """CLM05-3: ``1`` original, ``7`` replacement, ``8`` void..."""
    billing_provider: Provider
    subscriber: Person
    patient: Person
    """The subscriber again when there is no 2000C patient loop."""
    payer: Payer
    submission: Submission
    lines: tuple[ServiceLine, ...]
    place_of_service: str | None = None
    """CLM05-1 on an 837P."""
    facility_type_code: str | None = None
    """CLM05-1 on an 837I (first two digits of the type of bill)."""
    pay_to_provider: Provider | None = None
    rendering_provider: Provider | None = None
    referring_provider: Provider | None = None
    attending_provider: Provider | None = None
    operating_provider: Provider | None = None
    other_operating_provider: Provider | None = None
    supervising_provider: Provider | None = None
    service_facility: Provider | None = None
    other_payers: tuple[OtherPayer, ...] = ()
    original_reference: str | None = None
    """REF*F8: the payer's claim number of the claim being replaced or voided."""
    prior_authorization: str | None = None
    """REF*G1."""
    referral_number: str | None = None
    """REF*9F."""
    medical_record_number: str | None = None
    """REF*EA."""
    statement_from: date | None = None
    """DTP*434 (837I)."""
    statement_to: date | None = None
    admission_date: date | None = None
    """DTP*435."""
    admission_hour: str | None = None
    discharge_hour: str | None = None
    """DTP*096 (HHMM)."""
    dates: tuple[ClaimDate, ...] = ()
    """Every 2300 DTP as sent (onset, accident, last seen...)."""
    diagnoses: tuple[Diagnosis, ...] = ()
    drg: str | None = None
    """HI*DR (837I)."""
    condition_codes: tuple[str, ...] = ()
    """HI*BG."""
    institutional_codes: tuple[InstitutionalCode, ...] = ()
    """Procedure, occurrence, span and value codes from HI (837I)."""
    admission_type: str | None = None
    """CL1-01 (837I)."""
    admission_source: str | None = None
    patient_status: str | None = None
    """CL1-03 (discharge status)."""
    assignment: str | None = None
    """CLM07 (837P) / provider accept assignment."""
    benefits_assigned: str | None = None
    """CLM08."""
    release_of_information: str | None = None
    """CLM09."""
    related_causes: tuple[str, ...] = ()
    """CLM11-1..3 (837P): ``AA`` auto, ``EM`` employment, ``OA`` other accident."""
    delay_reason: str | None = None
    """CLM20."""
    source_segment: int = 0
    """Position of the CLM segment in the file."""

    @property
    def type_of_bill(self) -> str | None:
        """Facility type + frequency (837I), e.g. ``131``; UB-04 prints it as ``0131``."""
        if self.facility_type_code is None:
            return None
        return self.facility_type_code + self.frequency_code

    @property
    def service_date_from(self) -> date | None:
        """Earliest line service date, else the statement period start."""
        found = [ln.service_date_from for ln in self.lines if ln.service_date_from]
        return min(found) if found else self.statement_from

    @property
    def service_date_to(self) -> date | None:
        """Latest line service date, else the statement period end."""
        found = [ln.service_date_to or ln.service_date_from for ln in self.lines]
        dates = [d for d in found if d]
        return max(dates) if dates else self.statement_to

    def __repr__(self) -> str:  # claim_id (patient control number) and persons are PHI
        return (
            f"Claim(type={self.claim_type!r}, segment={self.source_segment}, "
            f"total_charge={self.total_charge!r}, lines={len(self.lines)})"
        )
