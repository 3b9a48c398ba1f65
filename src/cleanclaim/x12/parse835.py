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
from cleanclaim.x12.segments import Delimiters, Segment

_AMOUNT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\d{8}")
_MAX_DIGITS = 18
ENVELOPE_IDS = frozenset({"ISA", "GS", "GE", "IEA", "SE"})


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
        return X12Error(self.path_name, reason, segment=seg.position, segment_id=seg.id,
                        loop=self.loop)

    def text(self, seg: Segment, index: int) -> str:
        """Element ``index``, which must not be empty."""
        value = seg.get(index)
        if not value:
            raise self.error(seg, f"{seg.id}{index:02d} is missing")
        return value

    def opt_amount(self, seg: Segment, index: int) -> Decimal | None:
        """Element ``index`` as a decimal (X12 ``R`` type), or ``None`` when empty."""
        value = seg.get(index)
        if not value:
            return None
        name = f"{seg.id}{index:02d}"
        if not _AMOUNT.fullmatch(value):
            raise self.error(seg, f"{name} is not a valid amount")
        if sum(ch.isdigit() for ch in value) > _MAX_DIGITS:
            raise self.error(seg, f"{name} has more than {_MAX_DIGITS} digits")
        return Decimal(value)

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
        if _DATE.fullmatch(value):
            try:
                return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                pass
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
        return Entity(entity_code=self.text(seg, 1), entity_type=seg.get(2),
                      last_name=seg.get(3), first_name=seg.get(4), middle_name=seg.get(5),
                      suffix=seg.get(7), id_qualifier=seg.get(8), id=seg.get(9),
                      position=seg.position)

    def procedure(self, seg: Segment, index: int) -> Procedure:
        """A procedure composite (``HC:99213:25``) at element ``index``."""
        parts = self.components(seg, index)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise self.error(seg, f"{seg.id}{index:02d} has no procedure code")
        return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))


def parse_835(segments: Sequence[Segment], delimiters: Delimiters, path_name: str, *,
              control_number: str = "") -> Remittance:
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
    for seg in segments:
        parser.feed(seg)
    return parser.finish()


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
        self.claim: RemitClaim | None = None
        self.claim_updates: dict[str, Any] = {}
        self.line: RemitLine | None = None
        self.line_updates: dict[str, Any] = {}
        self.plb: list[ProviderAdjustment] = []
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "ST": self._st, "BPR": self._bpr, "TRN": self._trn, "N1": self._n1,
            "REF": self._ref, "DTM": self._dtm, "PER": self._per, "LX": self._lx,
            "CLP": self._clp, "CAS": self._cas, "NM1": self._nm1, "MIA": self._mia,
            "MOA": self._moa, "AMT": self._amt, "SVC": self._svc, "LQ": self._lq,
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
        missing = [name for name, ok in (("BPR", "total_paid" in self.header),
                                         ("TRN", "trace_number" in self.header),
                                         ("N1*PR (payer)", self.payer is not None),
                                         ("N1*PE (payee)", self.payee is not None)) if not ok]
        if first is None or missing:
            what = ", ".join(missing) if first is not None else "segments"
            raise X12Error(self.r.path_name, f"835 transaction set has no {what}",
                           segment=first.position if first else None,
                           segment_id=first.id if first else None)
        assert self.payer is not None and self.payee is not None
        return Remittance(control_number=self.control_number, payer=self.payer,
                          payee=self.payee, claims=self.claims,
                          provider_adjustments=self.plb, position=first.position,
                          **self.header)

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
        self.header.update(handling_code=self.r.text(seg, 1), total_paid=self.r.amount(seg, 2),
                           credit_debit=credit_debit, payment_method=seg.get(4),
                           payment_date=self.r.opt_date(seg, 16), bpr_position=seg.position)

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
        ref = Reference(self.r.text(seg, 1), seg.get(2), seg.position)
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
            key = {"472": "service_date", "150": "service_from", "151": "service_to"}
            if qualifier in key:
                self.line_updates[key[qualifier]] = day
        elif self.claim is not None:
            key = {"232": "statement_from", "233": "statement_to", "050": "received"}
            if qualifier in key:
                self.claim_updates[key[qualifier]] = day
        elif qualifier == "405":
            self.header["production_date"] = day

    def _per(self, seg: Segment) -> None:
        if self.r.loop == "1000A" and self.payer is not None:
            channels = tuple((seg.get(i), seg.get(i + 1)) for i in (3, 5, 7) if seg.get(i))
            self.payer.contacts.append(Contact(seg.get(1), seg.get(2), channels,
                                               seg.position))

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
        self.claim = RemitClaim(
            patient_control_number=r.text(seg, 1), status=status, charge=r.amount(seg, 3),
            paid=r.amount(seg, 4), patient_responsibility=r.opt_amount(seg, 5),
            filing_indicator=seg.get(6), payer_claim_control_number=seg.get(7),
            facility_code=seg.get(8), frequency=seg.get(9), drg=seg.get(11), entities=[],
            adjustments=[], outpatient=None, inpatient=None, statement_from=None,
            statement_to=None, received=None, references=[], amounts=[], lines=[],
            position=seg.position)

    def _need_claim(self, seg: Segment) -> RemitClaim:
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
        self._need_claim(seg)
        remarks = tuple(seg.get(i) for i in range(3, 8) if seg.get(i))
        self.claim_updates["outpatient"] = OutpatientAdjudication(
            self.r.opt_amount(seg, 1), self.r.opt_amount(seg, 2), remarks, seg.position)

    def _mia(self, seg: Segment) -> None:
        self._need_claim(seg)
        remarks = tuple(seg.get(i) for i in (5, 20, 21, 22, 23) if seg.get(i))
        self.claim_updates["inpatient"] = InpatientAdjudication(
            self.r.opt_amount(seg, 1), self.r.opt_amount(seg, 4), remarks, seg.position)

    def _amt(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        amount = Amount(self.r.text(seg, 1), self.r.amount(seg, 2), seg.position)
        (self.line.amounts if self.line is not None else claim.amounts).append(amount)

    def _close_claim(self) -> None:
        self._close_line()
        if self.claim is not None:
            self.claims.append(replace(self.claim, **self.claim_updates))
        self.claim, self.claim_updates = None, {}

    # -- service lines --------------------------------------------------------------
    def _svc(self, seg: Segment) -> None:
        claim = self._need_claim(seg)
        self._close_line()
        self.r.loop = "2110"
        r = self.r
        original = r.procedure(seg, 6) if seg.get(6) else None
        self.line = RemitLine(
            number=len(claim.lines) + 1, procedure=r.procedure(seg, 1), charge=r.amount(seg, 2),
            paid=r.amount(seg, 3), revenue_code=seg.get(4), units=r.opt_amount(seg, 5),
            original_procedure=original, original_units=r.opt_amount(seg, 7),
            service_date=None, service_from=None, service_to=None, adjustments=[],
            remark_codes=(), reject_codes=(), references=[], amounts=[],
            position=seg.position)

    def _lq(self, seg: Segment) -> None:
        if self.line is None:
            raise self.r.error(seg, "LQ outside a service line (SVC)")
        qualifier, code = self.r.text(seg, 1), self.r.text(seg, 2)
        key = {"HE": "remark_codes", "RX": "reject_codes"}.get(qualifier)
        if key is None:
            raise self.r.error(seg, f"LQ01 must be HE or RX, found {qualifier!r}")
        self.line_updates[key] = (*self.line_updates.get(key, ()), code)

    def _close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim.lines.append(replace(self.line, **self.line_updates))
            self.r.loop = "2100"
        self.line, self.line_updates = None, {}

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
        raise r.error(seg, f"CAS01 group code {group!r} is not one of "
                           f"{', '.join(sorted(ADJUSTMENT_GROUPS))}")
    if len(seg.elements) > 20:
        raise r.error(seg, "CAS has more than 6 reason/amount/quantity triples")
    adjustments: list[Adjustment] = []
    for i in range(2, len(seg.elements), 3):
        reason, amount = seg.get(i), seg.get(i + 1)
        if not reason and not amount and not seg.get(i + 2):
            continue
        if not reason:
            raise r.error(seg, f"CAS{i:02d} is missing: an amount has no reason code")
        if not amount:
            raise r.error(seg, f"CAS{i + 1:02d} is missing: reason {reason} has no amount")
        adjustments.append(Adjustment(group, reason, r.amount(seg, i + 1),
                                      r.opt_amount(seg, i + 2), seg.position))
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
        entries.append(ProviderAdjustment(provider, period, parts[0], reference,
                                          r.amount(seg, i + 1), seg.position))
    if not entries:
        raise r.error(seg, "PLB03 is missing: a PLB needs at least one adjustment")
    return entries
