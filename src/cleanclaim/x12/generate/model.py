"""Plain-data specs the writers turn into X12: claims (837P/837I) and remittances (835).

Everything is a small frozen dataclass. Money is :class:`~decimal.Decimal` with 2 places.
An 835 spec never stores a payment: :attr:`GenServicePayment.paid`,
:attr:`GenClaimPayment.paid` and :attr:`GenRemit.total_paid` are computed from the charges
and adjustments, so a written 835 always balances (see ``docs/generator.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """A Decimal rounded to cents (half-even, the Decimal default)."""
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    """``F``, ``M`` or ``U``."""
    address: Address
    middle_name: str = ""


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """The billing provider (837 2010AA) and, in an 835, the payee (1000B)."""

    npi: str
    tin: str
    name: str
    address: Address
    taxonomy: str = ""


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A person provider: rendering (837P 2310B), attending (837I 2310A), 835 ``NM1*82``."""

    npi: str
    last_name: str
    first_name: str
    taxonomy: str = ""


@dataclass(frozen=True, slots=True)
class Payer:
    payer_id: str
    name: str
    address: Address | None = None
    tin: str = ""
    """Used in the 835 ``TRN03`` (``1`` + TIN); a fixed made-up value when empty."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    member_id: str
    person: Person
    group_number: str = ""


@dataclass(frozen=True, slots=True)
class GenAdjustment:
    """One CAS triple. A positive amount reduces the payment, a negative one increases it."""

    group: str
    """``CO``, ``PR``, ``OA`` or ``PI``."""
    reason: str
    """A CARC (bare code)."""
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class GenLineAdjudication:
    """A prior payer's decision on one line (837 loop 2430: SVD, CAS, DTP*573)."""

    payer_id: str
    procedure: str
    charge: Decimal
    adjudicated: date
    adjustments: tuple[GenAdjustment, ...] = ()
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)
    revenue_code: str = ""

    @property
    def paid(self) -> Decimal:
        """SVD02: the line charge minus the prior payer's line adjustments."""
        return self.charge - sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True, slots=True)
class GenOtherPayer:
    """Another payer on the claim (837 loops 2320/2330A/2330B)."""

    sequence: str
    """SBR01 of that payer: ``P``, ``S``, ``T``..."""
    payer: Payer
    subscriber: Subscriber
    filing_indicator: str
    paid: Decimal
    """AMT*D: what that payer paid on the claim."""
    relationship: str = "18"
    adjustments: tuple[GenAdjustment, ...] = ()
    """Claim-level CAS reported by that payer (2320 CAS)."""
    adjudicated: date | None = None
    """DTP*573 in 2330B; write it when the lines carry no 2430 adjudication."""


@dataclass(frozen=True, slots=True)
class GenLine:
    """One service line (837P SV1 or 837I SV2)."""

    procedure: str
    """CPT/HCPCS code; may be empty on an 837I line that has only a revenue code."""
    charge: Decimal
    service_date: date
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    dx_pointers: tuple[int, ...] = (1,)
    revenue_code: str = ""
    """837I SV201. Ignored by the 837P writer."""
    service_date_end: date | None = None
    control_number: str = ""
    """REF*6R line item control number (echoed in the 835)."""
    prior_auth: str = ""
    adjudications: tuple[GenLineAdjudication, ...] = ()


@dataclass(frozen=True, slots=True)
class GenClaim:
    """One claim, professional or institutional (the writer decides which segments it uses)."""

    claim_id: str
    """CLM01, the patient control number (max 20 characters)."""
    billing: BillingProvider
    payer: Payer
    subscriber: Subscriber
    diagnoses: tuple[str, ...]
    """ICD-10-CM codes, with or without the dot; the first is the principal diagnosis."""
    lines: tuple[GenLine, ...]
    rendering: Practitioner | None = None
    """837P rendering provider; 837I attending provider."""
    patient: Person | None = None
    """None when the patient is the subscriber."""
    patient_relationship: str = "18"
    """PAT01 when ``patient`` is set (``19`` child, ``01`` spouse, ``G8`` other...)."""
    sbr_sequence: str = "P"
    filing_indicator: str = "CI"
    place_of_service: str = "11"
    """CLM05-1: place of service (837P) or facility type code, the first two TOB digits (837I)."""
    frequency: str = "1"
    original_reference: str = ""
    """REF*F8: the payer claim control number of the claim being replaced or voided."""
    prior_auth: str = ""
    poa: tuple[str, ...] = ()
    """837I present-on-admission flags, one per diagnosis (``Y``/``N``/``U``/``W`` or empty)."""
    statement_from: date | None = None
    statement_to: date | None = None
    other_payers: tuple[GenOtherPayer, ...] = ()
    admission_type: str = ""
    admission_source: str = ""
    patient_status: str = "01"
    admission_date: date | None = None

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def first_service_date(self) -> date:
        if self.statement_from is not None:
            return self.statement_from
        return min(line.service_date for line in self.lines)

    @property
    def last_service_date(self) -> date:
        if self.statement_to is not None:
            return self.statement_to
        return max(line.service_date_end or line.service_date for line in self.lines)

    @property
    def patient_person(self) -> Person:
        return self.patient if self.patient is not None else self.subscriber.person


@dataclass(frozen=True, slots=True)
class GenServicePayment:
    """One 835 service line (loop 2110)."""

    procedure: str
    """Adjudicated code; empty for a revenue-code-only line (then ``SVC01`` is ``NU:rev``)."""
    charge: Decimal
    service_date: date
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    adjustments: tuple[GenAdjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    """RARCs, written as ``LQ*HE``."""
    revenue_code: str = ""
    control_number: str = ""
    original_procedure: str = ""
    """SVC06 when the payer changed the billed code."""
    original_modifiers: tuple[str, ...] = ()

    @property
    def paid(self) -> Decimal:
        """SVC03 = SVC02 - sum of the line's CAS amounts."""
        return self.charge - sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True, slots=True)
class GenClaimPayment:
    """One 835 claim (loop 2100)."""

    claim_id: str
    status: str
    """CLP02: 1, 2, 3, 4, 19, 20, 21, 22, 23 or 25."""
    charge: Decimal
    payer_claim_number: str
    member_id: str
    patient_last: str
    patient_first: str
    filing_indicator: str = "CI"
    facility_code: str = "11"
    frequency: str = "1"
    adjustments: tuple[GenAdjustment, ...] = ()
    services: tuple[GenServicePayment, ...] = ()
    remarks: tuple[str, ...] = ()
    """Claim-level RARCs: MOA03-07 (outpatient) or MIA05/MIA20-23 (inpatient)."""
    inpatient: bool = False
    rendering: Practitioner | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    received: date | None = None
    crossover: Payer | None = None
    """NM1*TT crossover carrier (statuses 19, 20, 21)."""
    insured: Subscriber | None = None
    """NM1*IL when the insured is not the patient."""
    original_reference: str = ""
    covered_days: int = 0
    """MIA01 for inpatient claims."""

    @property
    def paid(self) -> Decimal:
        """CLP04 = CLP03 - claim CAS - line CAS."""
        total = self.charge - sum((a.amount for a in self.adjustments), ZERO)
        for svc in self.services:
            total -= sum((a.amount for a in svc.adjustments), ZERO)
        return total

    @property
    def patient_responsibility(self) -> Decimal:
        """CLP05: all PR adjustments, claim and line level."""
        total = sum((a.amount for a in self.adjustments if a.group == "PR"), ZERO)
        for svc in self.services:
            total += sum((a.amount for a in svc.adjustments if a.group == "PR"), ZERO)
        return total


@dataclass(frozen=True, slots=True)
class GenProviderAdjustment:
    """One PLB pair. A positive amount reduces the payment (e.g. WO recovery), negative adds."""

    reason: str
    """PLB03-1: WO, L6, FB, 72, CS, J1, 50..."""
    amount: Decimal
    reference: str = ""
    """PLB03-2, e.g. the recovered claim's payer control number."""


@dataclass(frozen=True, slots=True)
class GenRemit:
    """One 835 transaction: one payment from one payer to one payee."""

    payer: Payer
    payee: BillingProvider
    trace_number: str
    payment_date: date
    claims: tuple[GenClaimPayment, ...]
    provider_adjustments: tuple[GenProviderAdjustment, ...] = ()
    method: str = "ACH"
    """BPR04: ACH, CHK or NON (NON is forced when nothing is paid)."""
    production_date: date | None = None
    fiscal_period_end: date | None = None
    """PLB02; defaults to 31 December of the payment year."""

    @property
    def total_paid(self) -> Decimal:
        """BPR02 = sum(CLP04) - sum(PLB amounts)."""
        total = sum((c.paid for c in self.claims), ZERO)
        return total - sum((p.amount for p in self.provider_adjustments), ZERO)
