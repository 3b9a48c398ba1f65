"""Parse one 835 transaction set (005010X221A1) into a :class:`Remittance`.

The parser takes the segments of one transaction set (with or without its ST/SE) as
:class:`Segment` values; reading the file and splitting the envelope is the job of the
reader and envelope layers. It is lenient about segments it does not model (N3, N4, TS3,
QTY...) and strict about the content it does model: an amount that is not a number, a CAS
reason without an amount or a service line outside a claim raise :class:`X12Error` naming
the segment position, the segment id and the loop. Balancing is checked separately, as
values, by :func:`cleanclaim.claims.remittance.check_balance`.

:class:`ElementReader` is shared with the acknowledgment parsers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from cleanclaim.claims.remittance import (
    ADJUSTMENT_GROUPS,
    CLAIM_STATUS,
    Adjustment,
    Amount,
    Contact,
    Entity,
    InpatientAdjudication,
    OutpatientAdjudication,
    Payee,
    Payer,
    Procedure,
    ProviderAdjustment,
    Reference,
    RemitClaim,
    RemitLine,
    Remittance,
)
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_fast import DATES, DECIMALS, fast_constructor, remember
from cleanclaim.x12.segments import Delimiters, Segment

_AMOUNT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\d{8}")
_MAX_DIGITS = 18
ENVELOPE_IDS = frozenset({"ISA", "GS", "GE", "IEA", "SE"})

_new_adjustment = fast_constructor(
    Adjustment, ("group", "reason", "amount", "quantity", "position")
)
_new_reference = fast_constructor(Reference, ("qualifier", "value", "position"))
_new_amount = fast_constructor(Amount, ("qualifier", "amount", "position"))
_new_entity = fast_constructor(
    Entity,
    ("entity_code", "entity_type", "last_name", "first_name", "middle_name", "suffix",
     "id_qualifier", "id", "position"),
)  # fmt: skip
_new_line = fast_constructor(
    RemitLine,
    ("number", "procedure", "charge", "paid", "revenue_code", "units", "original_procedure",
     "original_units", "service_date", "service_from", "service_to", "adjustments",
     "remark_codes", "reject_codes", "references", "amounts", "position"),
)  # fmt: skip
_new_claim = fast_constructor(
    RemitClaim,
    ("patient_control_number", "status", "charge", "paid", "patient_responsibility",
     "filing_indicator", "payer_claim_control_number", "facility_code", "frequency", "drg",
     "entities", "adjustments", "outpatient", "inpatient", "statement_from", "statement_to",
     "received", "references", "amounts", "lines", "position"),
)  # fmt: skip
_PROCEDURES: dict[tuple[str, str], Procedure] = {}
_PAD = ("",) * 12
_LINE_DATES = {"472": "service_date", "150": "service_from", "151": "service_to"}
_CLAIM_DATES = {"232": "statement_from", "233": "statement_to", "050": "received"}


class ElementReader:
    """Reads typed elements out of segments and builds located :class:`X12Error` values.

    Error messages name elements by position and echo only code values (qualifiers,
    status codes), never amounts, dates or free text: a misaligned segment can put a
    name or a birth date where an amount should be, and errors end up in logs.
    """

    def __init__(self, path_name: str, delimiters: Delimiters) -> None:
        self.path_name = path_name
        self.delimiters = delimiters
        self.loop: str | None = None
        """The loop being read, named in errors."""

    def error(self, seg: Segment, reason: str) -> X12Error:
        """An error located at ``seg`` in the current loop."""
        return X12Error(
            self.path_name, reason, segment=seg.position, segment_id=seg.id, loop=self.loop
        )

    def text(self, seg: Segment, index: int) -> str:
        """Element ``index``, which must not be empty."""
        elements = seg[1]
        value = elements[index] if index < len(elements) else ""
        if not value:
            raise self.error(seg, f"{seg.id}{index:02d} is missing")
        return value

    def opt_amount(self, seg: Segment, index: int) -> Decimal | None:
        """Element ``index`` as a decimal (X12 ``R`` type), or ``None`` when empty."""
        elements = seg[1]
        value = elements[index] if index < len(elements) else ""
        if not value:
            return None
        found = DECIMALS.get(value)
        if found is not None:
            return found
        name = f"{seg.id}{index:02d}"
        if not _AMOUNT.fullmatch(value):
            raise self.error(seg, f"{name} is not a valid amount")
        if sum(ch.isdigit() for ch in value) > _MAX_DIGITS:
            raise self.error(seg, f"{name} has more than {_MAX_DIGITS} digits")
        return remember(DECIMALS, value, Decimal(value))

    def amount(self, seg: Segment, index: int) -> Decimal:
        """Element ``index`` as a decimal; it must not be empty."""
        value = self.opt_amount(seg, index)
        if value is None:
            raise self.error(seg, f"{seg.id}{index:02d} is missing")
        return value

    def integer(self, seg: Segment, index: int) -> int:
        """Element ``index`` as a non-negative integer (counts, positions)."""
        value = self.text(seg, index)
        if not value.isdigit():
            raise self.error(seg, f"{seg.id}{index:02d} is not a whole number")
        return int(value)

    def parse_date(self, seg: Segment, index: int, value: str) -> dt.date:
        """``value`` (from element ``index``) as a CCYYMMDD date."""
        found = DATES.get(value)
        if found is not None:
            return found
        if _DATE.fullmatch(value):
            try:
                day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                pass
            else:
                return remember(DATES, value, day)
        raise self.error(seg, f"{seg.id}{index:02d} is not a valid date (CCYYMMDD)")

    def opt_date(self, seg: Segment, index: int) -> dt.date | None:
        """Element ``index`` as a CCYYMMDD date, or ``None`` when empty."""
        value = seg.get(index)
        return self.parse_date(seg, index, value) if value else None

    def date(self, seg: Segment, index: int) -> dt.date:
        """Element ``index`` as a CCYYMMDD date; it must not be empty."""
        return self.parse_date(seg, index, self.text(seg, index))

    def components(self, seg: Segment, index: int) -> list[str]:
        """Element ``index`` split into its components."""
        return seg.components(index, self.delimiters)

    def entity(self, seg: Segment) -> Entity:
        """An NM1 segment as an :class:`Entity`."""
        e = seg[1] + _PAD
        return _new_entity(self.text(seg, 1), e[2], e[3], e[4], e[5], e[7], e[8], e[9], seg[0])

    def procedure(self, seg: Segment, index: int) -> Procedure:
        """A procedure composite (``HC:99213:25``) at element ``index``."""
        elements = seg[1]
        composite = elements[index] if index < len(elements) else ""
        key = (composite, self.delimiters.component)
        found = _PROCEDURES.get(key)
        if found is not None:
            return found
        parts = composite.split(self.delimiters.component)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise self.error(seg, f"{seg.id}{index:02d} has no procedure code")
        made = Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))
        return remember(_PROCEDURES, key, made)


def parse_835(
    segments: Sequence[Segment], delimiters: Delimiters, path_name: str, *, control_number: str = ""
) -> Remittance:
    """Parse the segments of one 835 transaction set.

    Args:
        segments: the transaction set's segments, ST to SE (both optional).
        delimiters: the interchange delimiters.
        path_name: the file name used in error messages.
        control_number: ST02, when ``segments`` does not start with the ST.

    Raises:
        X12Error: the content is malformed (bad amount or date, CAS or PLB pairs incomplete,
            a loop segment out of place, BPR/TRN/N1*PR/N1*PE missing).
    """
    parser = _Parser(ElementReader(path_name, delimiters), control_number)
    get = parser.handlers.get
    for seg in segments:
        if parser.first is None:
            parser.feed(seg)
            continue
        elements = seg[1]
        handler = get(elements[0]) if elements else None
        if handler is not None:
            handler(seg)
    return parser.finish()


class _ClaimDraft:
    """A CLP loop being read; frozen into a :class:`RemitClaim` when it ends. The class
    attributes are the values its later segments (MOA, MIA, DTM) may set."""

    outpatient: OutpatientAdjudication | None = None
    inpatient: InpatientAdjudication | None = None
    statement_from: dt.date | None = None
    statement_to: dt.date | None = None
    received: dt.date | None = None

    def __init__(self, clp: tuple[Any, ...]) -> None:
        self.clp = clp  # CLP01..CLP11 values (see _Parser._clp), then the position
        self.entities: list[Entity] = []
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: list[Amount] = []
        self.lines: list[RemitLine] = []

    def freeze(self) -> RemitClaim:
        (pcn, status, charge, paid, responsibility, filing, control, facility, frequency,
         drg, position) = self.clp  # fmt: skip
        return _new_claim(
            pcn, status, charge, paid, responsibility, filing, control, facility, frequency,
            drg, self.entities, self.adjustments, self.outpatient, self.inpatient,
            self.statement_from, self.statement_to, self.received, self.references,
            self.amounts, self.lines, position,
        )  # fmt: skip


class _LineDraft:
    """An SVC loop being read; frozen into a :class:`RemitLine` when it ends."""

    service_date: dt.date | None = None
    service_from: dt.date | None = None
    service_to: dt.date | None = None
    remark_codes: tuple[str, ...] = ()
    reject_codes: tuple[str, ...] = ()

    def __init__(self, svc: tuple[Any, ...]) -> None:
        self.svc = svc  # number, SVC01..SVC07 values (see _Parser._svc), then the position
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: list[Amount] = []

    def freeze(self) -> RemitLine:
        number, procedure, charge, paid, revenue, units, original, original_units, position = (
            self.svc
        )
        return _new_line(
            number, procedure, charge, paid, revenue, units, original, original_units,
            self.service_date, self.service_from, self.service_to, self.adjustments,
            self.remark_codes, self.reject_codes, self.references, self.amounts, position,
        )  # fmt: skip


class _Parser:
    """A one-pass state machine over the 835 loops."""

    def __init__(self, reader: ElementReader, control_number: str) -> None:
        self.r = reader
        self.control_number = control_number
        self.first: Segment | None = None
        self.header: dict[str, Any] = {"receiver_id": "", "production_date": None}
        self.payer: Payer | None = None
        self.payee: Payee | None = None
        self.claims: list[RemitClaim] = []
        self.claim: _ClaimDraft | None = None
        self.line: _LineDraft | None = None
        self.plb: list[ProviderAdjustment] = []
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "ST": self._st,
            "BPR": self._bpr,
            "TRN": self._trn,
            "N1": self._n1,
            "REF": self._ref,
            "DTM": self._dtm,
            "PER": self._per,
            "LX": self._lx,
            "CLP": self._clp,
            "CAS": self._cas,
            "NM1": self._nm1,
            "MIA": self._mia,
            "MOA": self._moa,
            "AMT": self._amt,
            "SVC": self._svc,
            "LQ": self._lq,
            "PLB": self._plb,
        }

    def feed(self, seg: Segment) -> None:
        if self.first is None and seg.id not in ENVELOPE_IDS:
            self.first = seg
        handler = self.handlers.get(seg.id)
        if handler is not None:
            handler(seg)

    def finish(self) -> Remittance:
        self._close_claim()
        first = self.first
        missing = [
            name
            for name, ok in (
                ("BPR", "total_paid" in self.header),
                ("TRN", "trace_number" in self.header),
                ("N1*PR (payer)", self.payer is not None),
                ("N1*PE (payee)", self.payee is not None),
            )
            if not ok
        ]
        if first is None or missing:
            what = ", ".join(missing) if first is not None else "segments"
            raise X12Error(
                self.r.path_name,
                f"835 transaction set has no {what}",
                segment=first.position if first else None,
                segment_id=first.id if first else None,
            )
        assert self.payer is not None and self.payee is not None
        return Remittance(
            control_number=self.control_number,
            payer=self.payer,
            payee=self.payee,
            claims=self.claims,
            provider_adjustments=self.plb,
            position=first.position,
            **self.header,
        )

    # -- header and parties ---------------------------------------------------------
    def _st(self, seg: Segment) -> None:
        if seg.get(1) != "835":
            raise self.r.error(seg, f"expected an 835 transaction set, found {seg.get(1)!r}")
        self.control_number = seg.get(2) or self.control_number

    def _bpr(self, seg: Segment) -> None:
        self.r.loop = None
        if "total_paid" in self.header:
            raise self.r.error(seg, "second BPR in one transaction set")
        credit_debit = self.r.text(seg, 3)
        if credit_debit not in ("C", "D"):
            raise self.r.error(seg, f"BPR03 must be C or D, found {credit_debit!r}")
        self.header.update(
            handling_code=self.r.text(seg, 1),
            total_paid=self.r.amount(seg, 2),
            credit_debit=credit_debit,
            payment_method=seg.get(4),
            payment_date=self.r.opt_date(seg, 16),
            bpr_position=seg.position,
        )

    def _trn(self, seg: Segment) -> None:
        self.header.update(trace_number=self.r.text(seg, 2), trace_payer_id=seg.get(3))

    def _n1(self, seg: Segment) -> None:
        code = seg.get(1)
        if code == "PR":
            self.r.loop = "1000A"
            self.payer = Payer(seg.get(2), seg.get(4), [], [], seg.position)
        elif code == "PE":
            self.r.loop = "1000B"
            self.payee = Payee(seg.get(2), seg.get(3), seg.get(4), [], seg.position)

    def _ref(self, seg: Segment) -> None:
        ref = _new_reference(self.r.text(seg, 1), seg.get(2), seg[0])
        if self.line is not None:
            self.line.references.append(ref)
        elif self.claim is not None:
            self.claim.references.append(ref)
        elif self.r.loop == "1000A" and self.payer is not None:
            self.payer.references.append(ref)
            if ref.qualifier == "2U" and not self.payer.id:
                self.payer = replace(self.payer, id=ref.value)
        elif self.r.loop == "1000B" and self.payee is not None:
            self.payee.references.append(ref)
        elif self.r.loop is None and ref.qualifier == "EV":
            self.header["receiver_id"] = ref.value

    def _dtm(self, seg: Segment) -> None:
        qualifier, day = self.r.text(seg, 1), self.r.date(seg, 2)
        if self.line is not None:
            key = _LINE_DATES.get(qualifier)
            if key is not None:
                setattr(self.line, key, day)
        elif self.claim is not None:
            key = _CLAIM_DATES.get(qualifier)
            if key is not None:
                setattr(self.claim, key, day)
        elif qualifier == "405":
            self.header["production_date"] = day

    def _per(self, seg: Segment) -> None:
        if self.r.loop == "1000A" and self.payer is not None:
            channels = tuple((seg.get(i), seg.get(i + 1)) for i in (3, 5, 7) if seg.get(i))
            self.payer.contacts.append(Contact(seg.get(1), seg.get(2), channels, seg.position))

    def _lx(self, seg: Segment) -> None:
        self._close_claim()
        self.r.loop = "2000"

    # -- claims ---------------------------------------------------------------------
    def _clp(self, seg: Segment) -> None:
        self._close_claim()
        self.r.loop = "2100"
        r = self.r
        status = r.text(seg, 2)
        if status not in CLAIM_STATUS:
            raise r.error(seg, f"CLP02 claim status {status!r} is not a valid code")
        e = seg[1] + _PAD
        self.claim = _ClaimDraft((
            r.text(seg, 1), status, r.amount(seg, 3), r.amount(seg, 4), r.opt_amount(seg, 5),
            e[6], e[7], e[8], e[9], e[11], seg[0],
        ))  # fmt: skip

    def _need_claim(self, seg: Segment) -> _ClaimDraft:
        if self.claim is None:
            raise self.r.error(seg, f"{seg.id} before any CLP")
        return self.claim

    def _cas(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        target = self.line.adjustments if self.line is not None else claim.adjustments
        target.extend(parse_cas(self.r, seg))

    def _nm1(self, seg: Segment) -> None:
        self._need_claim(seg).entities.append(self.r.entity(seg))

    def _moa(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        remarks = tuple(seg.get(i) for i in range(3, 8) if seg.get(i))
        claim.outpatient = OutpatientAdjudication(
            self.r.opt_amount(seg, 1), self.r.opt_amount(seg, 2), remarks, seg.position
        )

    def _mia(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        remarks = tuple(seg.get(i) for i in (5, 20, 21, 22, 23) if seg.get(i))
        claim.inpatient = InpatientAdjudication(
            self.r.opt_amount(seg, 1), self.r.opt_amount(seg, 4), remarks, seg.position
        )

    def _amt(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        amount = _new_amount(self.r.text(seg, 1), self.r.amount(seg, 2), seg[0])
        (self.line.amounts if self.line is not None else claim.amounts).append(amount)

    def _close_claim(self) -> None:
        self._close_line()
        if self.claim is not None:
            self.claims.append(self.claim.freeze())
        self.claim = None

    # -- service lines --------------------------------------------------------------
    def _svc(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        self._close_line()
        self.r.loop = "2110"
        r = self.r
        e = seg[1] + _PAD
        original = r.procedure(seg, 6) if e[6] else None
        self.line = _LineDraft((
            len(claim.lines) + 1, r.procedure(seg, 1), r.amount(seg, 2), r.amount(seg, 3), e[4],
            r.opt_amount(seg, 5), original, r.opt_amount(seg, 7), seg[0],
        ))  # fmt: skip

    def _lq(self, seg: Segment) -> None:
        line = self.line
        if line is None:
            raise self.r.error(seg, "LQ outside a service line (SVC)")
        qualifier, code = self.r.text(seg, 1), self.r.text(seg, 2)
        if qualifier == "HE":
            line.remark_codes = (*line.remark_codes, code)
        elif qualifier == "RX":
            line.reject_codes = (*line.reject_codes, code)
        else:
            raise self.r.error(seg, f"LQ01 must be HE or RX, found {qualifier!r}")

    def _close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim.lines.append(self.line.freeze())
            self.r.loop = "2100"
        self.line = None

    # -- provider adjustments -------------------------------------------------------
    def _plb(self, seg: Segment) -> None:
        self._close_claim()
        self.r.loop = None
        self.plb.extend(parse_plb(self.r, seg))


def parse_cas(r: ElementReader, seg: Segment) -> list[Adjustment]:
    """The adjustments of one CAS segment: a group code, then up to 6 triples of
    (reason, amount, quantity)."""
    group = r.text(seg, 1)
    if group not in ADJUSTMENT_GROUPS:
        raise r.error(
            seg, f"CAS01 group code {group!r} is not one of {', '.join(sorted(ADJUSTMENT_GROUPS))}"
        )
    elements = seg[1]
    size = len(elements)
    if size > 20:
        raise r.error(seg, "CAS has more than 6 reason/amount/quantity triples")
    e = elements + _PAD
    position = seg[0]
    adjustments: list[Adjustment] = []
    for i in range(2, size, 3):
        reason, amount = e[i], e[i + 1]
        if not reason and not amount and not e[i + 2]:
            continue
        if not reason:
            raise r.error(seg, f"CAS{i:02d} is missing: an amount has no reason code")
        if not amount:
            raise r.error(seg, f"CAS{i + 1:02d} is missing: reason {reason} has no amount")
        adjustments.append(
            _new_adjustment(group, reason, r.amount(seg, i + 1), r.opt_amount(seg, i + 2), position)
        )
    if not adjustments:
        raise r.error(seg, "CAS02 is missing: a CAS needs at least one adjustment")
    return adjustments


def parse_plb(r: ElementReader, seg: Segment) -> list[ProviderAdjustment]:
    """The adjustments of one PLB segment: provider, fiscal period end, then up to 6
    pairs of (reason composite ``code:reference``, amount)."""
    provider, period = r.text(seg, 1), r.date(seg, 2)
    entries: list[ProviderAdjustment] = []
    for i in range(3, len(seg.elements), 2):
        composite, amount = seg.get(i), seg.get(i + 1)
        if not composite and not amount:
            continue
        parts = r.components(seg, i)
        if not parts[0]:
            raise r.error(seg, f"PLB{i:02d} is missing: an amount has no reason code")
        if not amount:
            raise r.error(seg, f"PLB{i + 1:02d} is missing: reason {parts[0]} has no amount")
        reference = parts[1] if len(parts) > 1 else ""
        entries.append(
            ProviderAdjustment(
                provider, period, parts[0], reference, r.amount(seg, i + 1), seg.position
            )
        )
    if not entries:
        raise r.error(seg, "PLB03 is missing: a PLB needs at least one adjustment")
    return entries
