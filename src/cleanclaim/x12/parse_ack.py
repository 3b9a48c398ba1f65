"""Parse acknowledgments: the 999 (005010X231A1) and the 277CA (005010X214).

Like :mod:`cleanclaim.x12.parse835`, each parser takes the segments of one transaction set
(ST and SE optional) and raises :class:`X12Error` with the segment position, id and loop
when the content is malformed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from cleanclaim.claims.acks import (
    GROUP_STATUS,
    TRANSACTION_STATUS,
    AckParty,
    ClaimAck,
    ClaimAcknowledgment,
    ElementError,
    ErrorContext,
    ImplementationAck,
    LineAck,
    SegmentError,
    Status,
    StatusCode,
    TransactionAck,
)
from cleanclaim.claims.remittance import Entity
from cleanclaim.errors import X12Error
from cleanclaim.x12.parse835 import ElementReader
from cleanclaim.x12.segments import Delimiters, Segment


def _check_st(r: ElementReader, seg: Segment, expected: str) -> str:
    if seg.get(1) != expected:
        raise r.error(seg, f"expected a {expected} transaction set, found {seg.get(1)!r}")
    return seg.get(2)


def _codes(seg: Segment, indexes: range) -> tuple[str, ...]:
    return tuple(seg.get(i) for i in indexes if seg.get(i))


# -- 999 ---------------------------------------------------------------------------------
def parse_999(
    segments: Sequence[Segment], delimiters: Delimiters, path_name: str, *, control_number: str = ""
) -> ImplementationAck:
    """Parse the segments of one 999 transaction set.

    Raises:
        X12Error: AK1 or AK9 missing, IK3/IK4/IK5 outside an AK2, an AK2 without IK5,
            an unknown status code or a non-numeric count or position.
    """
    r = ElementReader(path_name, delimiters)
    head: dict[str, Any] = {"control_number": control_number}
    transactions: list[TransactionAck] = []
    open_set: dict[str, Any] | None = None
    ik3: SegmentError | None = None
    ik4: ElementError | None = None
    first: Segment | None = None
    for seg in segments:
        if first is None and seg.id not in ("ISA", "GS", "GE", "IEA", "SE"):
            first = seg
        if seg.id == "ST":
            head["control_number"] = _check_st(r, seg, "999") or control_number
        elif seg.id == "AK1":
            head.update(
                functional_id=r.text(seg, 1),
                group_control_number=r.text(seg, 2),
                version=seg.get(3),
            )
        elif seg.id == "AK2":
            _no_open_set(r, seg, open_set)
            r.loop = "2000"
            open_set = {
                "set_id": r.text(seg, 1),
                "control_number": r.text(seg, 2),
                "version": seg.get(3),
                "segment_errors": [],
                "position": seg.position,
            }
            ik3 = ik4 = None
        elif seg.id == "IK3":
            if open_set is None:
                raise r.error(seg, "IK3 before any AK2")
            r.loop = "2100"
            ik3 = SegmentError(
                r.text(seg, 1), r.integer(seg, 2), seg.get(3), seg.get(4), [], [], seg.position
            )
            open_set["segment_errors"].append(ik3)
            ik4 = None
        elif seg.id == "IK4":
            if ik3 is None:
                raise r.error(seg, "IK4 before any IK3")
            r.loop = "2110"
            ik4 = _ik4(r, seg)
            ik3.element_errors.append(ik4)
        elif seg.id == "CTX" and ik3 is not None:
            (ik4 or ik3).contexts.append(_ctx(r, seg))
        elif seg.id == "IK5":
            if open_set is None:
                raise r.error(seg, "IK5 before any AK2")
            r.loop = "2000"
            transactions.append(
                TransactionAck(
                    status=_status(r, seg, TRANSACTION_STATUS),
                    error_codes=_codes(seg, range(2, 7)),
                    **open_set,
                )
            )
            open_set, ik3, ik4 = None, None, None
        elif seg.id == "AK9":
            _no_open_set(r, seg, open_set)
            r.loop = None
            head.update(
                group_status=_status(r, seg, GROUP_STATUS),
                included=r.integer(seg, 2),
                received=r.integer(seg, 3),
                accepted_count=r.integer(seg, 4),
                group_error_codes=_codes(seg, range(5, 10)),
            )
    for needed, key in (("AK1", "functional_id"), ("AK9", "group_status")):
        if key not in head:
            raise X12Error(
                path_name,
                f"999 transaction set has no {needed}",
                segment=first.position if first else None,
                segment_id=first.id if first else None,
            )
    assert first is not None
    return ImplementationAck(transactions=transactions, position=first.position, **head)


def _no_open_set(r: ElementReader, seg: Segment, open_set: dict[str, Any] | None) -> None:
    if open_set is not None:
        raise r.error(seg, f"the AK2 at segment {open_set['position']} has no IK5")


def _status(r: ElementReader, seg: Segment, codes: dict[str, str]) -> str:
    status = r.text(seg, 1)
    if status not in codes:
        raise r.error(seg, f"{seg.id}01 status {status!r} is not one of {', '.join(codes)}")
    return status


def _component_int(r: ElementReader, seg: Segment, index: int, value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise r.error(seg, f"{seg.id}{index:02d} is not a whole number")
    return int(value)


def _ik4(r: ElementReader, seg: Segment) -> ElementError:
    parts = [*r.components(seg, 1), "", ""]
    element = _component_int(r, seg, 1, parts[0])
    if element is None:
        raise r.error(seg, "IK401 is missing")
    return ElementError(
        element,
        _component_int(r, seg, 1, parts[1]),
        _component_int(r, seg, 1, parts[2]),
        seg.get(2),
        r.text(seg, 3),
        seg.get(4),
        [],
        seg.position,
    )


def _ctx(r: ElementReader, seg: Segment) -> ErrorContext:
    parts = [*r.components(seg, 1), ""]
    return ErrorContext(
        parts[0],
        parts[1],
        seg.get(2),
        _component_int(r, seg, 3, seg.get(3)),
        seg.get(4),
        seg.position,
    )


# -- 277CA -------------------------------------------------------------------------------
_LEVEL_LETTER = {"20": "A", "21": "B", "19": "C", "PT": "D", "22": "D", "23": "D"}
_PARTY_LEVELS = ("20", "21", "19")


def parse_277ca(
    segments: Sequence[Segment], delimiters: Delimiters, path_name: str, *, control_number: str = ""
) -> ClaimAcknowledgment:
    """Parse the segments of one 277CA transaction set.

    Raises:
        X12Error: an unknown HL level, a claim segment before its HL or TRN, an STC
            without a category, a bad date, amount or date format.
    """
    parser = _Parser277(ElementReader(path_name, delimiters), control_number)
    for seg in segments:
        parser.feed(seg)
    return parser.finish()


class _Parser277:
    def __init__(self, reader: ElementReader, control_number: str) -> None:
        self.r = reader
        self.head: dict[str, Any] = {
            "control_number": control_number,
            "reference": "",
            "created": None,
        }
        self.first: Segment | None = None
        self.level = ""
        self.party: AckParty | None = None
        self.parties: list[AckParty] = []
        self.provider_id = ""
        self.patient: Entity | None = None
        self.claim: ClaimAck | None = None
        self.claim_updates: dict[str, Any] = {}
        self.claims: list[ClaimAck] = []
        self.line: LineAck | None = None
        self.line_updates: dict[str, Any] = {}
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "ST": self._st,
            "BHT": self._bht,
            "HL": self._hl,
            "NM1": self._nm1,
            "TRN": self._trn,
            "STC": self._stc,
            "REF": self._ref,
            "DTP": self._dtp,
            "QTY": self._total,
            "AMT": self._total,
            "SVC": self._svc,
        }

    def feed(self, seg: Segment) -> None:
        if self.first is None and seg.id not in ("ISA", "GS", "GE", "IEA", "SE"):
            self.first = seg
        handler = self.handlers.get(seg.id)
        if handler is None:
            return
        if seg.id not in ("ST", "BHT", "HL"):
            if not self.level:
                raise self.r.error(seg, f"{seg.id} before any HL")
            self.r.loop = self._loop(seg.id)
        handler(seg)

    def _loop(self, segment_id: str) -> str:
        if segment_id == "NM1":
            return "2100" + _LEVEL_LETTER[self.level]
        if self.line is not None and segment_id not in ("TRN", "SVC"):
            return "2220D"
        return "2200" + _LEVEL_LETTER[self.level]

    def finish(self) -> ClaimAcknowledgment:
        self._close_party()
        by_level = {p.level: p for p in self.parties}
        return ClaimAcknowledgment(
            source=by_level.get("20"),
            receiver=by_level.get("21"),
            providers=[p for p in self.parties if p.level == "19"],
            claims=self.claims,
            position=self.first.position if self.first else 0,
            **self.head,
        )

    def _st(self, seg: Segment) -> None:
        self.head["control_number"] = _check_st(self.r, seg, "277") or self.head["control_number"]

    def _bht(self, seg: Segment) -> None:
        self.head.update(reference=seg.get(3), created=self.r.opt_date(seg, 4))

    def _hl(self, seg: Segment) -> None:
        self._close_party()
        level = self.r.text(seg, 3)
        if level not in _LEVEL_LETTER:
            raise self.r.error(seg, f"HL03 level code {level!r} is not used in a 277CA")
        self.level = level
        self.r.loop = "2000" + _LEVEL_LETTER[level]
        if level in _PARTY_LEVELS:
            self.party = AckParty(level, "", "", "", "", [], {}, {}, {}, seg.position)
        else:
            self.patient = None

    def _nm1(self, seg: Segment) -> None:
        if self.party is not None:
            self.party = replace(
                self.party, name=seg.get(3), id_qualifier=seg.get(8), id=seg.get(9)
            )
            if self.level == "19":
                self.provider_id = seg.get(9)
        else:
            self.patient = self.r.entity(seg)

    def _trn(self, seg: Segment) -> None:
        if self.party is not None:
            self.party = replace(self.party, trace_number=self.r.text(seg, 2))
            return
        self._close_claim()
        self.claim = ClaimAck(
            patient_control_number=self.r.text(seg, 2),
            payer_claim_control_number="",
            clearinghouse_trace="",
            bill_type="",
            statuses=[],
            service_from=None,
            service_to=None,
            patient=self.patient,
            billing_provider_id=self.provider_id,
            lines=[],
            position=seg.position,
        )

    def _stc(self, seg: Segment) -> None:
        r = self.r
        codes: list[StatusCode] = []
        for index in (1, 10, 11):
            if index != 1 and not seg.get(index):
                continue
            parts = [*r.components(seg, index), "", ""]
            if not parts[0]:
                raise r.error(seg, f"STC{index:02d} has no status category code")
            codes.append(StatusCode(parts[0], parts[1], parts[2]))
        status = Status(
            tuple(codes), r.opt_date(seg, 2), seg.get(3), r.opt_amount(seg, 4), seg.position
        )
        self._statuses(seg).append(status)

    def _statuses(self, seg: Segment) -> list[Status]:
        if self.line is not None:
            return self.line.statuses
        if self.claim is not None:
            return self.claim.statuses
        if self.party is not None:
            return self.party.statuses
        raise self.r.error(seg, f"{seg.id} before the claim's TRN")

    def _ref(self, seg: Segment) -> None:
        qualifier, value = self.r.text(seg, 1), seg.get(2)
        if self.line is not None and qualifier == "FJ":
            self.line_updates["line_control_number"] = value
        elif self.line is None and self.claim is not None:
            key = {
                "1K": "payer_claim_control_number",
                "D9": "clearinghouse_trace",
                "BLT": "bill_type",
            }.get(qualifier)
            if key:
                self.claim_updates[key] = value

    def _dtp(self, seg: Segment) -> None:
        qualifier, start, end = self.r.text(seg, 1), *self._period(seg)
        if self.party is not None:
            self.party.dates[qualifier] = start
        elif qualifier == "472":
            updates = self.line_updates if self.line is not None else self.claim_updates
            updates.update(service_from=start, service_to=end)

    def _period(self, seg: Segment) -> tuple[dt.date, dt.date]:
        fmt, value = self.r.text(seg, 2), self.r.text(seg, 3)
        if fmt == "D8":
            day = self.r.parse_date(seg, 3, value)
            return day, day
        if fmt == "RD8":
            start, _, end = value.partition("-")
            return self.r.parse_date(seg, 3, start), self.r.parse_date(seg, 3, end)
        raise self.r.error(seg, f"DTP02 must be D8 or RD8, found {fmt!r}")

    def _total(self, seg: Segment) -> None:
        if self.party is not None:
            target = self.party.quantities if seg.id == "QTY" else self.party.amounts
            target[self.r.text(seg, 1)] = self.r.amount(seg, 2)

    def _svc(self, seg: Segment) -> None:
        if self.claim is None:
            raise self.r.error(seg, "SVC before any claim (TRN)")
        self._close_line()
        self.r.loop = "2220D"
        r = self.r
        self.line = LineAck(
            procedure=r.procedure(seg, 1),
            charge=r.amount(seg, 2),
            revenue_code=seg.get(4),
            units=r.opt_amount(seg, 7),
            statuses=[],
            line_control_number="",
            service_from=None,
            service_to=None,
            position=seg.position,
        )

    def _close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim.lines.append(replace(self.line, **self.line_updates))
        self.line, self.line_updates = None, {}

    def _close_claim(self) -> None:
        self._close_line()
        if self.claim is not None:
            self.claims.append(replace(self.claim, **self.claim_updates))
        self.claim, self.claim_updates = None, {}

    def _close_party(self) -> None:
        self._close_claim()
        if self.party is not None:
            self.parties.append(self.party)
        self.party = None
