"""Mutable builders the 837 parser fills segment by segment, then freezes into the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cleanclaim.claims.model import (
    Adjustment,
    ClaimDate,
    Diagnosis,
    InstitutionalCode,
    LineAdjudication,
    OtherPayer,
    Payer,
    Person,
    Provider,
    ServiceLine,
)
from cleanclaim.x12.npi import valid_npi
from cleanclaim.x12.segments import Segment

ROLES = {
    "85": "billing",
    "87": "pay_to",
    "82": "rendering",
    "DN": "referring",
    "P3": "primary_care",
    "71": "attending",
    "72": "operating",
    "ZZ": "other_operating",
    "77": "service_facility",
    "DQ": "supervising",
    "DK": "ordering",
    "QB": "purchased_service",
    "PW": "pickup",
    "45": "dropoff",
}

# Loop names, for error messages, by claim type and NM101.
LOOPS_2310 = {
    "professional": {"DN": "A", "P3": "A", "82": "B", "77": "C", "DQ": "D", "PW": "E", "45": "F"},
    "institutional": {"71": "A", "72": "B", "ZZ": "C", "82": "D", "77": "E", "DN": "F"},
}
LOOPS_2330 = {
    "professional": {
        "IL": "A",
        "PR": "B",
        "DN": "C",
        "P3": "C",
        "82": "D",
        "77": "E",
        "DQ": "F",
        "85": "G",
    },
    "institutional": {
        "IL": "A",
        "PR": "B",
        "71": "C",
        "72": "D",
        "ZZ": "E",
        "77": "F",
        "82": "G",
        "DN": "H",
        "85": "I",
    },
}
LOOPS_2420 = {
    "professional": {
        "82": "A",
        "QB": "B",
        "77": "C",
        "DQ": "D",
        "DK": "E",
        "DN": "F",
        "PW": "G",
        "45": "H",
    },
    "institutional": {"72": "A", "ZZ": "B", "82": "C", "DN": "D"},
}

DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR", "ABN", "BK", "BF", "BJ", "PR", "BN"})


@dataclass
class Entity:
    """An NM1 with the segments that follow it (PRV, REF, DMG)."""

    code: str
    entity_type: str
    name: str
    first: str | None
    middle: str | None
    id_qualifier: str
    ident: str | None
    taxonomy: str | None = None
    tin: str | None = None
    refs: list[tuple[str, str]] = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None

    @classmethod
    def from_nm1(cls, seg: Segment) -> Entity:
        return cls(
            code=seg.get(1).strip(),
            entity_type=seg.get(2).strip(),
            name=seg.get(3).strip(),
            first=seg.get(4).strip() or None,
            middle=seg.get(5).strip() or None,
            id_qualifier=seg.get(8).strip(),
            ident=seg.get(9).strip() or None,
        )

    def provider(self, role: str | None = None, taxonomy: str | None = None) -> Provider:
        npi = self.ident if self.id_qualifier == "XX" else None
        return Provider(
            role=role or ROLES.get(self.code, self.code),
            entity_code=self.code,
            entity_type=self.entity_type,
            name=self.name,
            first_name=self.first,
            npi=npi,
            npi_valid=valid_npi(npi) if npi is not None else None,
            taxonomy=self.taxonomy or taxonomy,
            tin=self.tin,
            secondary_ids=tuple(self.refs),
        )

    def person(self, relationship: str | None) -> Person:
        return Person(
            last_name=self.name,
            first_name=self.first,
            middle_name=self.middle,
            member_id=self.ident,
            birth_date=self.birth_date,
            sex=self.sex,
            relationship=relationship,
        )


@dataclass
class HL:
    """One hierarchical level and what it carries."""

    ident: str
    parent: str
    level: str
    position: int
    taxonomy: str | None = None  # 2000A PRV
    billing: Entity | None = None  # 2010AA
    pay_to: Entity | None = None  # 2010AB
    sbr: Segment | None = None  # 2000B
    subscriber: Entity | None = None  # 2010BA
    payer: Entity | None = None  # 2010BB
    relationship: str | None = None  # 2000C PAT01
    patient: Entity | None = None  # 2010CA

    def to_payer(self) -> Payer:
        assert self.sbr is not None and self.payer is not None
        sbr = self.sbr
        return Payer(
            name=self.payer.name,
            payer_id=self.payer.ident,
            responsibility=sbr.get(1).strip(),
            filing_indicator=sbr.get(9).strip() or None,
            group_number=sbr.get(3).strip() or None,
            insurance_type=sbr.get(5).strip() or None,
        )


@dataclass
class OtherPayerBuilder:
    sbr: Segment
    paid: Decimal | None = None
    remaining: Decimal | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    subscriber: Entity | None = None
    payer: Entity | None = None
    adjudication_date: date | None = None

    def build(self) -> OtherPayer:
        return OtherPayer(
            responsibility=self.sbr.get(1).strip(),
            filing_indicator=self.sbr.get(9).strip() or None,
            relationship=self.sbr.get(2).strip() or None,
            group_number=self.sbr.get(3).strip() or None,
            name=self.payer.name if self.payer else "",
            payer_id=self.payer.ident if self.payer else None,
            paid_amount=self.paid,
            remaining_patient_liability=self.remaining,
            adjustments=tuple(self.adjustments),
            adjudication_date=self.adjudication_date,
            subscriber=self.subscriber.person(self.sbr.get(2).strip() or None)
            if self.subscriber
            else None,
            source_segment=self.sbr.position,
        )


@dataclass
class AdjudicationBuilder:
    svd: Segment
    payer_id: str
    paid: Decimal
    qualifier: str | None
    code: str | None
    modifiers: tuple[str, ...]
    paid_units: Decimal | None
    adjustments: list[Adjustment] = field(default_factory=list)
    adjudication_date: date | None = None

    def build(self) -> LineAdjudication:
        return LineAdjudication(
            payer_id=self.payer_id,
            paid_amount=self.paid,
            procedure_qualifier=self.qualifier,
            procedure_code=self.code,
            modifiers=self.modifiers,
            revenue_code=self.svd.get(4).strip() or None,
            paid_units=self.paid_units,
            bundled_line_number=self.svd.get(6).strip() or None,
            adjustments=tuple(self.adjustments),
            adjudication_date=self.adjudication_date,
            source_segment=self.svd.position,
        )


@dataclass
class LineBuilder:
    lx: Segment
    number: int
    service: Segment | None = None
    charge: Decimal = Decimal(0)
    units: Decimal | None = None
    unit_basis: str = ""
    qualifier: str | None = None
    code: str | None = None
    modifiers: tuple[str, ...] = ()
    revenue_code: str | None = None
    place_of_service: str | None = None
    pointers: tuple[int, ...] = ()
    emergency: str | None = None
    service_from: date | None = None
    service_to: date | None = None
    refs: dict[str, str] = field(default_factory=dict)
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    providers: list[Entity] = field(default_factory=list)
    adjudications: list[AdjudicationBuilder] = field(default_factory=list)


@dataclass
class ClaimBuilder:
    clm: Segment
    hl: HL
    claim_id: str
    total: Decimal
    clm05_1: str
    frequency: str
    billing: Provider
    pay_to: Provider | None
    payer: Payer
    subscriber: Person
    patient: Person
    refs: dict[str, str] = field(default_factory=dict)
    dates: list[ClaimDate] = field(default_factory=list)
    statement_from: date | None = None
    statement_to: date | None = None
    admission_date: date | None = None
    admission_hour: str | None = None
    discharge_hour: str | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    codes: list[InstitutionalCode] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    drg: str | None = None
    cl1: Segment | None = None
    providers: dict[str, Entity] = field(default_factory=dict)
    other_payers: list[OtherPayerBuilder] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)
