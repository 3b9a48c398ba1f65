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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from itertools import count
from typing import Any

from cleanclaim.claims.remittance import (
    Contact,
    Payee,
    Payer,
    ProviderAdjustment,
    Reference,
    RemitClaim,
    Remittance,
)
from cleanclaim.errors import X12Error
from cleanclaim.x12._835_claims import KNOWN, read_claim, use_delimiters
from cleanclaim.x12._835_values import Values, parse_cas
from cleanclaim.x12._837_fast import fast_constructor
from cleanclaim.x12._elements import ElementReader
from cleanclaim.x12.segments import Delimiters, Segment, make_segment, raw_texts

__all__ = ["ENVELOPE_IDS", "ElementReader", "parse_835", "parse_cas", "parse_plb"]

ENVELOPE_IDS = frozenset({"ISA", "GS", "GE", "IEA", "SE"})

_new_reference = fast_constructor(Reference, ("qualifier", "value", "position"))
_PAD = [""] * 12
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
    raw = raw_texts(segments)
    if raw is not None:
        first, texts, sep = raw
        positions: Iterable[int] = count(first)
    else:
        positions, texts, sep = _joined(segments, delimiters.element)
    use_delimiters((sep, delimiters))
    # texts are split as they are read, unless their values are known
    items = zip(positions, texts, map(KNOWN.get, texts), strict=False)
    parser = _Parser(ElementReader(path_name, delimiters), control_number)
    handlers = parser.handlers()  # local: no reference cycle keeps the parser alive
    get = handlers.get
    claims = parser.claims
    item: tuple[int, list[str]] | None = None
    for pos, text, _ in items:  # segments before the first one that is not an envelope segment
        e = text.split(sep)
        if e[0] not in ENVELOPE_IDS:
            parser.first = (e[0], pos)
            item = (pos, e)
            break
    while item is not None:
        pos, e = item
        sid = e[0]
        if sid == "CLP":
            item = read_claim(parser, items, sep, pos, e, handlers, claims)
            continue
        handler = get(sid)
        if handler is not None:
            handler(e, pos)
        following = next(items, None)
        item = None if following is None else (following[0], following[1].split(sep))
    return parser.finish()


def _joined(segments: Sequence[Segment], sep: str) -> tuple[list[int], list[str], str]:
    """Positions and texts of the segments, their elements joined by ``sep`` or, when an
    element holds ``sep``, by a character that no element holds (so that splitting gives
    them back)."""
    elements = [seg[1] or ("",) for seg in segments]
    if any(sep in value for values in elements for value in values):
        used = {ch for values in elements for value in values for ch in value}
        sep = next(ch for ch in map(chr, range(1, 0x110000)) if ch not in used)
    return [seg[0] for seg in segments], [sep.join(values) for values in elements], sep


class _Parser(Values):
    """The 835 header, parties and provider adjustments; the claim loops are read by
    :func:`~cleanclaim.x12._835_claims.read_claim`. Handlers get the elements of one
    segment (a list, element 0 is the id) and its position."""

    def __init__(self, reader: ElementReader, control_number: str) -> None:
        super().__init__(reader)
        self.control_number = control_number
        self.first: tuple[str, int] | None = None
        self.header: dict[str, Any] = {"receiver_id": "", "production_date": None}
        self.payer: Payer | None = None
        self.payee: Payee | None = None
        self.claims: list[RemitClaim] = []
        self.plb: list[ProviderAdjustment] = []

    def handlers(self) -> dict[str, Callable[[Elements, int], None]]:
        """Handlers of the segments met outside a claim loop."""
        return {
            "ST": self._st,
            "BPR": self._bpr,
            "TRN": self._trn,
            "N1": self._n1,
            "REF": self._ref,
            "DTM": self._dtm,
            "PER": self._per,
            "LX": self._lx,
            "CAS": self._no_claim,
            "NM1": self._no_claim,
            "MIA": self._no_claim,
            "MOA": self._no_claim,
            "AMT": self._no_claim,
            "SVC": self._no_claim,
            "LQ": self._lq,
            "PLB": self._plb,
        }

    def finish(self) -> Remittance:
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
        if self.r.loop == "1000A" and self.payer is not None:
            self.payer.references.append(ref)
            if ref.qualifier == "2U" and not self.payer.id:
                self.payer = replace(self.payer, id=ref.value)
        elif self.r.loop == "1000B" and self.payee is not None:
            self.payee.references.append(ref)
        elif self.r.loop is None and ref.qualifier == "EV":
            self.header["receiver_id"] = ref.value

    def _dtm(self, e: Elements, pos: int) -> None:
        qualifier, day = self.text(e, pos, 1), self.date(e, pos, 2)
        if qualifier == "405":
            self.header["production_date"] = day

    def _per(self, e: Elements, pos: int) -> None:
        if self.r.loop == "1000A" and self.payer is not None:
            e = e + _PAD
            channels = tuple((e[i], e[i + 1]) for i in (3, 5, 7) if e[i])
            self.payer.contacts.append(Contact(e[1], e[2], channels, pos))

    def _lx(self, e: Elements, pos: int) -> None:
        self.r.loop = "2000"

    # -- claim segments outside a claim -----------------------------------------------
    def _no_claim(self, e: Elements, pos: int) -> None:
        raise self.error(e, pos, f"{e[0]} before any CLP")

    def _lq(self, e: Elements, pos: int) -> None:
        raise self.error(e, pos, "LQ outside a service line (SVC)")

    # -- provider adjustments -------------------------------------------------------
    def _plb(self, e: Elements, pos: int) -> None:
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
