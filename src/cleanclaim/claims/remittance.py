"""The 835 remittance model (005010X221A1) and its SNIP 3 balancing checks.

A :class:`Remittance` is one 835 transaction set: the payment (BPR), the re-association trace
(TRN), payer and payee, the adjudicated claims (CLP loops, with their service lines) and the
provider-level adjustments (PLB). Money is :class:`~decimal.Decimal`, dates are
:class:`datetime.date`, and every record keeps the 1-based position of the segment it came
from, so that a finding can point into the file.

Names and member ids of patients and insureds are PHI. They are kept in the model (the
denial work-list needs them) but left out of ``repr()``; never log them.

Balancing problems are values (:class:`BalanceIssue`), not exceptions: a payer's file that
does not add up is still a file we must be able to read and report on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

CLAIM_STATUS: dict[str, str] = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination pricing only, no payment",
}
"""CLP02 claim status codes (our own wording)."""

ADJUSTMENT_GROUPS: dict[str, str] = {
    "CO": "contractual obligation (provider write-off)",
    "PR": "patient responsibility",
    "OA": "other adjustment",
    "PI": "payer-initiated reduction",
    "CR": "correction or reversal (4010 only; 5010 reverses with CLP02=22)",
}
"""CAS01 claim adjustment group codes (our own wording)."""

_CENT = Decimal("0.01")


def format_money(amount: Decimal) -> str:
    """``amount`` with two decimals, or as given when it carries more precision."""
    if amount == amount.quantize(_CENT):
        return f"{amount:.2f}"
    return str(amount)


@dataclass(frozen=True, slots=True)
class Reference:
    """One REF segment: qualifier (REF01) and value (REF02)."""

    qualifier: str
    value: str
    position: int


@dataclass(frozen=True, slots=True)
class Amount:
    """One AMT segment: qualifier (AMT01, e.g. ``AU``, ``B6``) and amount (AMT02)."""

    qualifier: str
    amount: Decimal
    position: int


@dataclass(frozen=True, slots=True)
class Entity:
    """An NM1 person or organisation (patient, insured, rendering provider, carrier...).

    Names and ids are excluded from ``repr()``: for patients and insureds they are PHI.
    """

    entity_code: str
    """NM101: ``QC`` patient, ``IL`` insured, ``74`` corrected insured, ``82`` service
    provider, ``TT`` crossover carrier, ``PR`` corrected payer, ``GB`` other subscriber..."""
    entity_type: str
    """NM102: ``1`` person, ``2`` organisation."""
    last_name: str = field(repr=False)
    """NM103: last name, or the organisation name."""
    first_name: str = field(repr=False)
    middle_name: str = field(repr=False)
    suffix: str = field(repr=False)
    id_qualifier: str
    """NM108, e.g. ``MI`` member id, ``XX`` NPI, ``PI`` payer id."""
    id: str = field(repr=False)
    position: int


@dataclass(frozen=True, slots=True)
class Contact:
    """A PER segment: function (PER01), name (PER02), (qualifier, number) pairs."""

    function: str
    name: str
    channels: tuple[tuple[str, str], ...]
    position: int


@dataclass(frozen=True, slots=True)
class Payer:
    """Loop 1000A (N1*PR): the payer that sent the remittance."""

    name: str
    id: str
    """N104 when present, otherwise REF*2U."""
    references: list[Reference]
    contacts: list[Contact]
    position: int


@dataclass(frozen=True, slots=True)
class Payee:
    """Loop 1000B (N1*PE): the provider being paid."""

    name: str
    id_qualifier: str
    """N103: ``XX`` NPI, ``FI`` tax id, ``XV`` CMS plan id."""
    id: str
    references: list[Reference]
    position: int

    @property
    def npi(self) -> str | None:
        """The payee NPI, when N103 is ``XX``."""
        return self.id if self.id_qualifier == "XX" else None

    @property
    def tin(self) -> str | None:
        """The payee tax id: N104 when N103 is ``FI``, else REF*TJ."""
        if self.id_qualifier == "FI":
            return self.id
        return next((r.value for r in self.references if r.qualifier == "TJ"), None)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triple: group (CAS01), reason (CARC), amount and optional quantity.

    A positive amount reduces the payment; a negative one increases it.
    """

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None
    position: int

    @property
    def code(self) -> str:
        """Group and reason, as usually written: ``CO-45``."""
        return f"{self.group}-{self.reason}"


@dataclass(frozen=True, slots=True)
class Procedure:
    """An SVC01/SVC06 composite: qualifier (``HC``, ``NU``...), code and up to 4 modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB reason/amount pair. Positive amounts reduce the payment (e.g. ``WO``
    overpayment recovery); negative amounts increase it (e.g. ``L6`` interest)."""

    provider_id: str
    fiscal_period_end: dt.date
    reason: str
    reference: str
    amount: Decimal
    position: int


@dataclass(frozen=True, slots=True)
class RemitLine:
    """Loop 2110: one adjudicated service line.

    SVC01 procedure, SVC02 charge, SVC03 paid, SVC04 revenue code, SVC05 units, SVC06/07
    original procedure and units (when the payer adjudicated another code); dates DTM*472
    (``service_date``), DTM*150/151 (``service_from``/``service_to``); LQ*HE remark codes
    (RARCs) and LQ*RX NCPDP reject codes.
    """

    number: int
    """1-based position of the line within its claim."""
    procedure: Procedure
    charge: Decimal
    paid: Decimal
    revenue_code: str
    units: Decimal | None
    original_procedure: Procedure | None
    original_units: Decimal | None
    service_date: dt.date | None
    service_from: dt.date | None
    service_to: dt.date | None
    adjustments: list[Adjustment]
    remark_codes: tuple[str, ...]
    reject_codes: tuple[str, ...]
    references: list[Reference]
    amounts: list[Amount]
    position: int

    @property
    def line_control_number(self) -> str | None:
        """REF*6R: the line item control number sent on the 837."""
        return next((r.value for r in self.references if r.qualifier == "6R"), None)

    @property
    def allowed(self) -> Decimal | None:
        """AMT*B6: the allowed amount."""
        return next((a.amount for a in self.amounts if a.qualifier == "B6"), None)

    @property
    def date_of_service(self) -> dt.date | None:
        """DTM*472, or the start of the DTM*150/151 period."""
        return self.service_date or self.service_from


@dataclass(frozen=True, slots=True)
class OutpatientAdjudication:
    """MOA: outpatient adjudication information."""

    reimbursement_rate: Decimal | None
    hcpcs_payable_amount: Decimal | None
    remark_codes: tuple[str, ...]
    """MOA03-MOA07."""
    position: int


@dataclass(frozen=True, slots=True)
class InpatientAdjudication:
    """MIA: inpatient adjudication information."""

    covered_days: Decimal | None
    drg_amount: Decimal | None
    remark_codes: tuple[str, ...]
    """MIA05 and MIA20-MIA23."""
    position: int


@dataclass(frozen=True, slots=True)
class RemitClaim:
    """Loop 2100: one adjudicated claim (CLP)."""

    patient_control_number: str
    """CLP01, the 837 CLM01."""
    status: str
    """CLP02, see :data:`CLAIM_STATUS`."""
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_control_number: str
    """CLP07: the payer's number for this claim (needed to correct or appeal it)."""
    facility_code: str
    frequency: str
    drg: str
    entities: list[Entity]
    adjustments: list[Adjustment]
    """Claim-level CAS."""
    outpatient: OutpatientAdjudication | None
    inpatient: InpatientAdjudication | None
    statement_from: dt.date | None
    statement_to: dt.date | None
    received: dt.date | None
    references: list[Reference]
    amounts: list[Amount]
    lines: list[RemitLine]
    position: int

    def _entity(self, code: str) -> Entity | None:
        return next((e for e in self.entities if e.entity_code == code), None)

    @property
    def patient(self) -> Entity | None:
        """NM1*QC (PHI)."""
        return self._entity("QC")

    @property
    def insured(self) -> Entity | None:
        """NM1*IL (PHI)."""
        return self._entity("IL")

    @property
    def corrected_insured(self) -> Entity | None:
        """NM1*74 (PHI)."""
        return self._entity("74")

    @property
    def service_provider(self) -> Entity | None:
        """NM1*82: the rendering provider."""
        return self._entity("82")

    @property
    def crossover_carrier(self) -> Entity | None:
        """NM1*TT: the payer the claim was forwarded to (COB crossover)."""
        return self._entity("TT")

    @property
    def remark_codes(self) -> tuple[str, ...]:
        """Claim-level RARCs from MOA and MIA."""
        codes: tuple[str, ...] = ()
        if self.outpatient:
            codes += self.outpatient.remark_codes
        if self.inpatient:
            codes += self.inpatient.remark_codes
        return codes

    @property
    def all_adjustments(self) -> list[Adjustment]:
        """Claim-level then line-level adjustments."""
        return self.adjustments + [a for line in self.lines for a in line.adjustments]

    @property
    def is_denied(self) -> bool:
        """CLP02 is ``4``."""
        return self.status == "4"

    @property
    def is_reversal(self) -> bool:
        """CLP02 is ``22``: this loop takes back an earlier payment."""
        return self.status == "22"

    def reference(self, qualifier: str) -> str | None:
        """The first REF value with ``qualifier`` (``F8``, ``EA``, ``1K``...)."""
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    def amount(self, qualifier: str) -> Decimal | None:
        """The first AMT amount with ``qualifier`` (``AU``, ``D8``...)."""
        return next((a.amount for a in self.amounts if a.qualifier == qualifier), None)


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set.

    ST02 ``control_number``; BPR01 ``handling_code`` (``C`` payment with remittance, ``I``
    remittance only, ``H`` notification...), BPR02 ``total_paid``, BPR03 ``credit_debit``
    (``C``/``D``), BPR04 ``payment_method`` (``ACH``, ``CHK``, ``BOP``, ``FWT``, ``NON``),
    BPR16 ``payment_date``; TRN02 ``trace_number`` (check or EFT number, the re-association
    key), TRN03 ``trace_payer_id`` (``1`` + tax id); REF*EV ``receiver_id``; DTM*405
    ``production_date``. ``position`` is the ST (or first segment), ``bpr_position`` the BPR.
    """

    control_number: str
    handling_code: str
    total_paid: Decimal
    credit_debit: str
    payment_method: str
    payment_date: dt.date | None
    trace_number: str
    trace_payer_id: str
    receiver_id: str
    production_date: dt.date | None
    payer: Payer
    payee: Payee
    claims: list[RemitClaim]
    provider_adjustments: list[ProviderAdjustment]
    position: int
    bpr_position: int


# Balancing lives in its own module; re-exported here for callers of this module.
from cleanclaim.claims.remit_balance import BalanceIssue, check_balance  # noqa: E402, F401
