"""Mutable builders the 837 parser fills segment by segment, then freezes into the model."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

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
)
from cleanclaim.x12._837_fast import fast_constructor, npi_is_valid, remember

ROLES: Final = {
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
LOOPS_2310: Final = {
    "professional": {"DN": "A", "P3": "A", "82": "B", "77": "C", "DQ": "D", "PW": "E", "45": "F"},
    "institutional": {"71": "A", "72": "B", "ZZ": "C", "82": "D", "77": "E", "DN": "F"},
}
LOOPS_2330: Final = {
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
LOOPS_2420: Final = {
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

DIAGNOSIS_QUALIFIERS: Final = frozenset(
    {"ABK", "ABF", "ABJ", "APR", "ABN", "BK", "BF", "BJ", "PR", "BN"}
)


_PAD: Final = ("",) * 10
_PADL: Final = [""] * 10
_new_provider: Final = fast_constructor(
    Provider,
    ("role", "entity_code", "entity_type", "name", "first_name", "npi", "npi_valid",
     "taxonomy", "tin", "secondary_ids"),
)  # fmt: skip
_new_person: Final = fast_constructor(
    Person,
    ("last_name", "first_name", "middle_name", "member_id", "birth_date", "sex", "relationship"),
)
_new_payer: Final = fast_constructor(
    Payer,
    ("name", "payer_id", "responsibility", "filing_indicator", "group_number", "insurance_type"),
)
_PROVIDERS: Final[dict[tuple[object, ...], Provider]] = {}


class Entity:
    """An NM1 with the segments that follow it (PRV, REF, DMG).

    The NM1 fields are read from its elements when the entity is turned into a provider or
    a person; providers are shared between claims that name the same one.
    Class attributes are the defaults.
    """

    taxonomy: str | None = None
    tin: str | None = None
    refs: list[tuple[str, str]] | None = None
    birth_date: date | None = None
    sex: str | None = None

    def __init__(self, elements: list[str]) -> None:
        self.elements = elements
        self.code = elements[1].strip() if len(elements) > 1 else ""

    # NM102 entity type, NM103 name, NM104 first, NM105 middle, NM108 id qualifier, NM109 id
    @property
    def entity_type(self) -> str:
        return (self.elements + _PADL)[2].strip()

    @property
    def name(self) -> str:
        return (self.elements + _PADL)[3].strip()

    @property
    def first(self) -> str | None:
        return (self.elements + _PADL)[4].strip() or None

    @property
    def middle(self) -> str | None:
        return (self.elements + _PADL)[5].strip() or None

    @property
    def id_qualifier(self) -> str:
        return (self.elements + _PADL)[8].strip()

    @property
    def ident(self) -> str | None:
        return (self.elements + _PADL)[9].strip() or None

    def provider(self, role: str | None = None, taxonomy: str | None = None) -> Provider:
        refs = tuple(self.refs) if self.refs else ()
        key = (tuple(self.elements), role, self.taxonomy or taxonomy, self.tin, refs)
        found = _PROVIDERS.get(key)
        if found is not None:
            return found
        e = self.elements + _PADL
        code = self.code
        ident = e[9].strip() or None
        npi = ident if e[8].strip() == "XX" else None
        made = _new_provider(
            role or ROLES.get(code, code),
            code,
            e[2].strip(),
            e[3].strip(),
            e[4].strip() or None,
            npi,
            npi_is_valid(npi) if npi is not None else None,
            self.taxonomy or taxonomy,
            self.tin,
            refs,
        )
        return remember(_PROVIDERS, key, made)

    def person(self, relationship: str | None) -> Person:
        # Not shared through a cache: persons rarely repeat, and comparing a key with the
        # ones kept costs more than making the value.
        e = self.elements + _PADL
        return _new_person(
            e[3].strip(),
            e[4].strip() or None,
            e[5].strip() or None,
            e[9].strip() or None,
            self.birth_date,
            self.sex,
            relationship,
        )


Parties = tuple[Provider, Provider | None, Payer, Person, Person]
"""Billing provider, pay-to provider, payer, subscriber and patient of a claim."""


class HL:
    """One hierarchical level and what it carries. Class attributes are the defaults.

    ``parties`` is filled at the first claim under the level: what it is made of cannot
    change once a claim has been read under it (those segments then belong to the claim).
    """

    taxonomy: str | None = None  # 2000A PRV
    billing: Entity | None = None  # 2010AA
    pay_to: Entity | None = None  # 2010AB
    sbr: tuple[str, ...] | None = None  # 2000B SBR elements
    subscriber: Entity | None = None  # 2010BA
    payer: Entity | None = None  # 2010BB
    relationship: str | None = None  # 2000C PAT01
    patient: Entity | None = None  # 2010CA
    parties: Parties | None = None
    providers: tuple[Provider, Provider | None] | None = None  # 2010AA/AB, made once

    def __init__(self, ident: str, parent: str, level: str, position: int) -> None:
        self.ident, self.parent, self.level, self.position = ident, parent, level, position

    def to_payer(self) -> Payer:
        assert self.sbr is not None and self.payer is not None
        e = self.payer.elements + _PADL
        sbr = self.sbr + _PAD
        return _new_payer(
            e[3].strip(),
            e[9].strip() or None,
            sbr[1].strip(),
            sbr[9].strip() or None,
            sbr[3].strip() or None,
            sbr[5].strip() or None,
        )


class OtherPayerBuilder:
    __slots__ = ("adjudication_date", "adjustments", "paid", "payer", "position", "remaining",
                 "sbr", "subscriber")  # fmt: skip

    def __init__(self, sbr: list[str], position: int) -> None:
        self.sbr, self.position = sbr, position
        self.paid: Decimal | None = None
        self.remaining: Decimal | None = None
        self.adjustments: list[Adjustment] = []
        self.subscriber: Entity | None = None
        self.payer: Entity | None = None
        self.adjudication_date: date | None = None

    def build(self) -> OtherPayer:
        sbr = self.sbr + _PADL
        return OtherPayer(
            responsibility=sbr[1].strip(),
            filing_indicator=sbr[9].strip() or None,
            relationship=sbr[2].strip() or None,
            group_number=sbr[3].strip() or None,
            name=self.payer.name if self.payer else "",
            payer_id=self.payer.ident if self.payer else None,
            paid_amount=self.paid,
            remaining_patient_liability=self.remaining,
            adjustments=tuple(self.adjustments),
            adjudication_date=self.adjudication_date,
            subscriber=self.subscriber.person(sbr[2].strip() or None) if self.subscriber else None,
            source_segment=self.position,
        )


class AdjudicationBuilder:
    __slots__ = ("adjudication_date", "adjustments", "code", "modifiers", "paid", "paid_units",
                 "payer_id", "position", "qualifier", "svd")  # fmt: skip

    def __init__(
        self,
        svd: list[str],
        position: int,
        payer_id: str,
        paid: Decimal,
        qualifier: str | None,
        code: str | None,
        modifiers: tuple[str, ...],
        paid_units: Decimal | None,
    ) -> None:
        self.svd, self.position, self.payer_id, self.paid = svd, position, payer_id, paid
        self.qualifier, self.code, self.modifiers = qualifier, code, modifiers
        self.paid_units = paid_units
        self.adjustments: list[Adjustment] = []
        self.adjudication_date: date | None = None

    def build(self) -> LineAdjudication:
        svd = self.svd + _PADL
        return LineAdjudication(
            payer_id=self.payer_id,
            paid_amount=self.paid,
            procedure_qualifier=self.qualifier,
            procedure_code=self.code,
            modifiers=self.modifiers,
            revenue_code=svd[4].strip() or None,
            paid_units=self.paid_units,
            bundled_line_number=svd[6].strip() or None,
            adjustments=tuple(self.adjustments),
            adjudication_date=self.adjudication_date,
            source_segment=self.position,
        )


class ClaimBuilder:
    """A 2300 claim being read (its service lines are kept by the claim reader). Class
    attributes are the defaults; the rarely used collections are created on first use."""

    statement_from: date | None = None
    statement_to: date | None = None
    admission_date: date | None = None
    admission_hour: str | None = None
    discharge_hour: str | None = None
    drg: str | None = None
    cl1: list[str] | None = None
    dates: list[ClaimDate] | None = None
    codes: list[InstitutionalCode] | None = None
    conditions: list[str] | None = None
    other_payers: list[OtherPayerBuilder] | None = None
    refs: dict[str, str] | None = None
    providers: dict[str, Entity] | None = None

    def __init__(
        self,
        clm: list[str],
        position: int,
        claim_id: str,
        total: Decimal,
        clm05_1: str,
        frequency: str,
        parties: Parties,
    ) -> None:
        self.clm, self.position, self.claim_id, self.total = clm, position, claim_id, total
        self.clm05_1, self.frequency, self.parties = clm05_1, frequency, parties
        self.diagnoses: list[Diagnosis] = []
