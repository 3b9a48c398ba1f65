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
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from cleanclaim.claims.remittance import (
    CLAIM_STATUS,
    Adjustment,
    Amount,
    Contact,
    Entity,
    InpatientAdjudication,
    OutpatientAdjudication,
    Payee,
    Payer,
    ProviderAdjustment,
    Reference,
    RemitClaim,
    RemitLine,
    Remittance,
)
from cleanclaim.errors import X12Error
from cleanclaim.x12._835_values import Values, parse_cas
from cleanclaim.x12._837_fast import fast_constructor
from cleanclaim.x12._elements import ElementReader
from cleanclaim.x12.segments import Delimiters, Segment, make_segment, raw_texts

__all__ = ["ENVELOPE_IDS", "ElementReader", "parse_835", "parse_cas", "parse_plb"]

ENVELOPE_IDS = frozenset({"ISA", "GS", "GE", "IEA", "SE"})

_new_reference = fast_constructor(Reference, ("qualifier", "value", "position"))
_new_amount = fast_constructor(Amount, ("qualifier", "amount", "position"))
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
_PAD = [""] * 12
_LINE_DATES = {"472": "service_date", "150": "service_from", "151": "service_to"}
_CLAIM_DATES = {"232": "statement_from", "233": "statement_to", "050": "received"}
Elements = list[str]


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
    handlers = parser.handlers()  # local: no reference cycle keeps the parser alive
    get = handlers.get
    feed = parser.feed
    raw = raw_texts(segments)
    if raw is not None:
        pos, texts, sep = raw
        for text in texts:
            e = text.split(sep)
            if parser.first is None:
                feed(e, pos, handlers)
            else:
                handler = get(e[0])
                if handler is not None:
                    handler(e, pos)
            pos += 1
    else:
        for seg in segments:
            e = list(seg[1])
            if parser.first is None:
                feed(e, seg[0], handlers)
                continue
            handler = get(e[0]) if e else None
            if handler is not None:
                handler(e, seg[0])
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


class _Parser(Values):
    """A one-pass state machine over the 835 loops. Handlers get the elements of one
    segment (a list, element 0 is the id) and its position."""

    def __init__(self, reader: ElementReader, control_number: str) -> None:
        super().__init__(reader)
        self.control_number = control_number
        self.first: tuple[str, int] | None = None
        self.header: dict[str, Any] = {"receiver_id": "", "production_date": None}
        self.payer: Payer | None = None
        self.payee: Payee | None = None
        self.claims: list[RemitClaim] = []
        self.claim: _ClaimDraft | None = None
        self.line: _LineDraft | None = None
        self.plb: list[ProviderAdjustment] = []

    def handlers(self) -> dict[str, Callable[[Elements, int], None]]:
        return {
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

    def feed(
        self, e: Elements, pos: int, handlers: dict[str, Callable[[Elements, int], None]]
    ) -> None:
        sid = e[0] if e else ""
        if self.first is None and sid not in ENVELOPE_IDS:
            self.first = (sid, pos)
        handler = handlers.get(sid)
        if handler is not None:
            handler(e, pos)

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
                segment=first[1] if first else None,
                segment_id=first[0] if first else None,
            )
        assert self.payer is not None and self.payee is not None
        return Remittance(
            control_number=self.control_number,
            payer=self.payer,
            payee=self.payee,
            claims=self.claims,
            provider_adjustments=self.plb,
            position=first[1],
            **self.header,
        )

    # -- header and parties ---------------------------------------------------------
    def _st(self, e: Elements, pos: int) -> None:
        e = e + _PAD
        if e[1] != "835":
            raise self.error(e, pos, f"expected an 835 transaction set, found {e[1]!r}")
        self.control_number = e[2] or self.control_number

    def _bpr(self, e: Elements, pos: int) -> None:
        self.r.loop = None
        if "total_paid" in self.header:
            raise self.error(e, pos, "second BPR in one transaction set")
        credit_debit = self.text(e, pos, 3)
        if credit_debit not in ("C", "D"):
            raise self.error(e, pos, f"BPR03 must be C or D, found {credit_debit!r}")
        self.header.update(
            handling_code=self.text(e, pos, 1),
            total_paid=self.amount(e, pos, 2),
            credit_debit=credit_debit,
            payment_method=e[4] if len(e) > 4 else "",
            payment_date=self.opt_date(e, pos, 16),
            bpr_position=pos,
        )

    def _trn(self, e: Elements, pos: int) -> None:
        trace = self.text(e, pos, 2)
        self.header.update(trace_number=trace, trace_payer_id=e[3] if len(e) > 3 else "")

    def _n1(self, e: Elements, pos: int) -> None:
        e = e + _PAD
        code = e[1]
        if code == "PR":
            self.r.loop = "1000A"
            self.payer = Payer(e[2], e[4], [], [], pos)
        elif code == "PE":
            self.r.loop = "1000B"
            self.payee = Payee(e[2], e[3], e[4], [], pos)

    def _ref(self, e: Elements, pos: int) -> None:
        ref = _new_reference(self.text(e, pos, 1), e[2] if len(e) > 2 else "", pos)
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

    def _dtm(self, e: Elements, pos: int) -> None:
        qualifier, day = self.text(e, pos, 1), self.date(e, pos, 2)
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

    def _per(self, e: Elements, pos: int) -> None:
        if self.r.loop == "1000A" and self.payer is not None:
            e = e + _PAD
            channels = tuple((e[i], e[i + 1]) for i in (3, 5, 7) if e[i])
            self.payer.contacts.append(Contact(e[1], e[2], channels, pos))

    def _lx(self, e: Elements, pos: int) -> None:
        self._close_claim()
        self.r.loop = "2000"

    # -- claims ---------------------------------------------------------------------
    def _clp(self, e: Elements, pos: int) -> None:
        if self.claim is not None:
            self._close_claim()
        self.r.loop = "2100"
        status = self.text(e, pos, 2)
        if status not in CLAIM_STATUS:
            raise self.error(e, pos, f"CLP02 claim status {status!r} is not a valid code")
        p = e + _PAD
        self.claim = _ClaimDraft((
            self.text(e, pos, 1), status, self.amount(e, pos, 3), self.amount(e, pos, 4),
            self.opt_amount(e, pos, 5), p[6], p[7], p[8], p[9], p[11], pos,
        ))  # fmt: skip

    def _need_claim(self, e: Elements, pos: int) -> _ClaimDraft:
        if self.claim is None:
            raise self.error(e, pos, f"{e[0]} before any CLP")
        return self.claim

    def _cas(self, e: Elements, pos: int) -> None:
        claim = self._need_claim(e, pos)
        target = self.line.adjustments if self.line is not None else claim.adjustments
        target.extend(self.cas(e, pos))

    def _nm1(self, e: Elements, pos: int) -> None:
        self._need_claim(e, pos).entities.append(self.entity(e, pos))

    def _moa(self, e: Elements, pos: int) -> None:
        claim = self._need_claim(e, pos)
        p = e + _PAD
        remarks = tuple(p[i] for i in range(3, 8) if p[i])
        claim.outpatient = OutpatientAdjudication(
            self.opt_amount(e, pos, 1), self.opt_amount(e, pos, 2), remarks, pos
        )

    def _mia(self, e: Elements, pos: int) -> None:
        claim = self._need_claim(e, pos)
        p = e + _PAD * 2
        remarks = tuple(p[i] for i in (5, 20, 21, 22, 23) if p[i])
        claim.inpatient = InpatientAdjudication(
            self.opt_amount(e, pos, 1), self.opt_amount(e, pos, 4), remarks, pos
        )

    def _amt(self, e: Elements, pos: int) -> None:
        claim = self._need_claim(e, pos)
        amount = _new_amount(self.text(e, pos, 1), self.amount(e, pos, 2), pos)
        (self.line.amounts if self.line is not None else claim.amounts).append(amount)

    def _close_claim(self) -> None:
        if self.line is not None:
            self._close_line()
        if self.claim is not None:
            self.claims.append(self.claim.freeze())
        self.claim = None

    # -- service lines --------------------------------------------------------------
    def _svc(self, e: Elements, pos: int) -> None:
        claim = self._need_claim(e, pos)
        if self.line is not None:
            self._close_line()
        self.r.loop = "2110"
        p = e + _PAD
        original = self.procedure(e, pos, 6) if p[6] else None
        self.line = _LineDraft((
            len(claim.lines) + 1, self.procedure(e, pos, 1), self.amount(e, pos, 2),
            self.amount(e, pos, 3), p[4], self.opt_amount(e, pos, 5), original,
            self.opt_amount(e, pos, 7), pos,
        ))  # fmt: skip

    def _lq(self, e: Elements, pos: int) -> None:
        line = self.line
        if line is None:
            raise self.error(e, pos, "LQ outside a service line (SVC)")
        qualifier, code = self.text(e, pos, 1), self.text(e, pos, 2)
        if qualifier == "HE":
            line.remark_codes = (*line.remark_codes, code)
        elif qualifier == "RX":
            line.reject_codes = (*line.reject_codes, code)
        else:
            raise self.error(e, pos, f"LQ01 must be HE or RX, found {qualifier!r}")

    def _close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim.lines.append(self.line.freeze())
            self.r.loop = "2100"
        self.line = None

    # -- provider adjustments -------------------------------------------------------
    def _plb(self, e: Elements, pos: int) -> None:
        self._close_claim()
        self.r.loop = None
        self.plb.extend(parse_plb(self.r, make_segment(pos, tuple(e))))


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
