"""Acknowledgment models: the 999 (005010X231A1) and the 277CA (005010X214).

A **999** says whether each transaction set of a functional group passed the syntax and
implementation-guide checks of the receiver: IK5 per set, AK9 for the group. It says
nothing about the claims' business content: a 999 "accepted" is not a claim accepted by
the payer.

A **277CA** says, claim by claim, whether the payer's front end accepted the claim into
adjudication. The verdict comes from the claim status *category* code (STC01-1, external
code list 507); see :data:`ACCEPTED_CATEGORIES` and :data:`REJECTED_CATEGORIES`. A rejected
claim was never adjudicated: there will be no 835 for it and timely filing keeps running.

Patient names and ids (NM1*QC) and the bad data copied into IK404 may be PHI: they are
kept out of ``repr()``; never log them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from cleanclaim.claims.remittance import Entity, Procedure

TRANSACTION_STATUS: dict[str, str] = {
    "A": "accepted",
    "E": "accepted, but errors were noted",
    "R": "rejected",
    "M": "rejected: message authentication failed",
    "W": "rejected: assurance failed validity tests",
    "X": "rejected: content could not be analysed after decryption",
}
"""IK501 (transaction set) status codes, our wording."""

GROUP_STATUS: dict[str, str] = {**TRANSACTION_STATUS, "P": "partially accepted"}
"""AK901 (functional group) status codes, our wording."""

ACCEPTING_STATUSES = frozenset({"A", "E"})
"""IK501/AK901 codes under which the transaction sets were accepted."""

ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})
"""277CA categories under which a claim passed the front end: A0 forwarded to another
entity, A1 received, A2 accepted into adjudication, A5 split by the payer."""

REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})
"""277CA categories under which a claim (or line) was rejected: A3 returned as
unprocessable, A4 not found, A6 missing information, A7 invalid information, A8 a
relational field in error."""


# -- 999 ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ErrorContext:
    """A CTX segment: context name and reference (``CLM01:<claim id>`` names the claim),
    and where the trigger segment sits in the acknowledged set."""

    name: str
    reference: str
    segment_id: str
    segment_position: int | None
    loop: str
    position: int


@dataclass(frozen=True, slots=True)
class ElementError:
    """IK4: one element error inside an IK3 segment error."""

    element_position: int
    """IK401-1: position of the element in the segment."""
    component_position: int | None
    """IK401-2: position of the component in a composite."""
    repetition_position: int | None
    """IK401-3: which repetition of a repeating element."""
    element_reference: str
    """IK402: the data element dictionary number (e.g. ``1325``)."""
    code: str
    """IK403: the element syntax error code."""
    bad_value: str = field(repr=False)
    """IK404: a copy of the bad data (may be PHI)."""
    contexts: list[ErrorContext] = field(default_factory=list)
    position: int = 0


@dataclass(frozen=True, slots=True)
class SegmentError:
    """IK3: one segment error in an acknowledged transaction set."""

    segment_id: str
    """IK301."""
    segment_position: int
    """IK302: position of the segment in the acknowledged set (ST is 1)."""
    loop: str
    """IK303: the loop identifier, e.g. ``2300``."""
    code: str
    """IK304: the segment syntax error code."""
    contexts: list[ErrorContext]
    element_errors: list[ElementError]
    position: int

    @property
    def claim_id(self) -> str | None:
        """The CLM01 named by a ``CLM01`` business-unit CTX, if any."""
        return next((c.reference for c in self.contexts if c.name == "CLM01"), None)


@dataclass(frozen=True, slots=True)
class TransactionAck:
    """Loop 2000 (AK2 ... IK5): the verdict on one transaction set."""

    set_id: str
    """AK201, e.g. ``837``."""
    control_number: str
    """AK202: the ST02 of the acknowledged set."""
    version: str
    """AK203."""
    status: str
    """IK501, see :data:`TRANSACTION_STATUS`."""
    error_codes: tuple[str, ...]
    """IK502-IK506."""
    segment_errors: list[SegmentError]
    position: int

    @property
    def accepted(self) -> bool:
        """IK501 is ``A`` or ``E``."""
        return self.status in ACCEPTING_STATUSES


@dataclass(frozen=True, slots=True)
class ImplementationAck:
    """One 999 transaction set: the verdict on one functional group."""

    control_number: str
    """ST02 of the 999 itself."""
    functional_id: str
    """AK101, e.g. ``HC`` for an 837 group."""
    group_control_number: str
    """AK102: the GS06 of the acknowledged group."""
    version: str
    """AK103."""
    transactions: list[TransactionAck]
    group_status: str
    """AK901, see :data:`GROUP_STATUS`."""
    included: int
    """AK902: sets in the group."""
    received: int
    """AK903: sets received."""
    accepted_count: int
    """AK904: sets accepted."""
    group_error_codes: tuple[str, ...]
    """AK905-AK909."""
    position: int

    @property
    def accepted(self) -> bool:
        """The whole group was accepted (AK901 ``A`` or ``E``)."""
        return self.group_status in ACCEPTING_STATUSES

    @property
    def partially_accepted(self) -> bool:
        """AK901 is ``P``: some sets were accepted, some rejected."""
        return self.group_status == "P"


# -- 277CA -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StatusCode:
    """One STC composite: category (list 507), status (list 508) and entity code."""

    category: str
    code: str
    entity: str = ""

    def __str__(self) -> str:
        return ":".join(p for p in (self.category, self.code, self.entity) if p)


@dataclass(frozen=True, slots=True)
class Status:
    """One STC segment: its status composites (STC01, STC10, STC11), the effective date
    (STC02), the action code (STC03: ``WQ`` accept, ``U`` reject) and amount (STC04)."""

    codes: tuple[StatusCode, ...]
    date: dt.date | None
    action: str
    amount: Decimal | None
    position: int

    @property
    def rejected(self) -> bool:
        """A composite carries a rejecting category."""
        return any(c.category in REJECTED_CATEGORIES for c in self.codes)

    @property
    def accepted(self) -> bool:
        """No rejecting category, and at least one accepting category."""
        return not self.rejected and any(c.category in ACCEPTED_CATEGORIES for c in self.codes)


@dataclass(frozen=True, slots=True)
class AckParty:
    """A 277CA information source (2000A), receiver (2000B) or billing provider (2000C)."""

    level: str
    """HL03: ``20`` source, ``21`` receiver, ``19`` billing provider."""
    name: str
    id_qualifier: str
    id: str
    trace_number: str
    """TRN02 of the party's 2200 loop."""
    statuses: list[Status]
    quantities: dict[str, Decimal]
    """QTY by qualifier (``90``/``AA`` receiver, ``QA``/``QC`` provider: accepted/rejected)."""
    amounts: dict[str, Decimal]
    """AMT by qualifier (``YU`` accepted, ``YY`` rejected)."""
    dates: dict[str, dt.date]
    """DTP by qualifier (``050`` received, ``009`` processed)."""
    position: int


def _rejected(statuses: list[Status]) -> bool:
    return any(s.rejected for s in statuses)


def _accepted(statuses: list[Status]) -> bool:
    return not _rejected(statuses) and any(s.accepted for s in statuses)


@dataclass(frozen=True, slots=True)
class LineAck:
    """Loop 2220D: the status of one service line."""

    procedure: Procedure
    charge: Decimal
    revenue_code: str
    units: Decimal | None
    statuses: list[Status]
    line_control_number: str
    """REF*FJ: the line item control number from the 837 (REF*6R there)."""
    service_from: dt.date | None
    service_to: dt.date | None
    position: int

    @property
    def rejected(self) -> bool:
        """A status carries a rejecting category (A3, A4, A6, A7, A8)."""
        return _rejected(self.statuses)


@dataclass(frozen=True, slots=True)
class ClaimAck:
    """Loop 2200D: the front-end verdict on one claim."""

    patient_control_number: str
    """TRN02: the 837 CLM01."""
    payer_claim_control_number: str
    """REF*1K (usually only on accepted claims)."""
    clearinghouse_trace: str
    """REF*D9."""
    bill_type: str
    """REF*BLT (institutional)."""
    statuses: list[Status]
    service_from: dt.date | None
    service_to: dt.date | None
    patient: Entity | None
    """NM1*QC (PHI)."""
    billing_provider_id: str
    """NM109 of the billing provider (2100C) the claim sits under."""
    lines: list[LineAck]
    position: int

    @property
    def rejected(self) -> bool:
        """A status carries a rejecting category (A3, A4, A6, A7, A8)."""
        return _rejected(self.statuses)

    @property
    def accepted(self) -> bool:
        """Not rejected, and a status carries an accepting category (A0, A1, A2, A5).

        Claims whose only categories are neither (e.g. ``E0``-``E4``: the payer could not
        answer) are neither accepted nor rejected.
        """
        return _accepted(self.statuses)


@dataclass(frozen=True, slots=True)
class ClaimAcknowledgment:
    """One 277CA transaction set."""

    control_number: str
    """ST02."""
    reference: str
    """BHT03."""
    created: dt.date | None
    """BHT04."""
    source: AckParty | None
    receiver: AckParty | None
    providers: list[AckParty]
    claims: list[ClaimAck]
    position: int
