"""Parse an 837P or 837I transaction set into :class:`~cleanclaim.claims.model.Claim` values.

The hierarchy is followed through the HL segments: billing provider (HL level 20, loops
2000A/2010AA) -> subscriber (22, 2000B/2010BA/2010BB) -> optional patient (23, 2000C/2010CA).
Each 2300 claim inherits its billing provider, subscriber, payer and patient from its HL
ancestors. The parser tracks the loop it is in so that errors can name it.

Lenient where it can be: unknown or unneeded segments are skipped. Missing required data
(no CLM01, a charge that is not a number, a claim without a billing provider or without
lines...) raises :class:`~cleanclaim.errors.X12Error` naming the segment and the loop.
Error texts never repeat PHI (names, member ids, birth dates).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleanclaim.claims.model import (
    Claim,
    ClaimDate,
    ClaimType,
    Person,
    Submission,
)
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_build import (
    HL,
    LOOPS_2310,
    LOOPS_2330,
    LOOPS_2420,
    AdjudicationBuilder,
    ClaimBuilder,
    Entity,
    LineBuilder,
    OtherPayerBuilder,
)
from cleanclaim.x12._837_fast import fast_constructor
from cleanclaim.x12._837_freeze import build_submission, freeze_claim
from cleanclaim.x12._837_hash import claim_content_hash
from cleanclaim.x12._837_lines import LineHandlers
from cleanclaim.x12._837_segments import add_hi, claim_type_of
from cleanclaim.x12._837_values import cas_adjustments, parse_date, to_decimal
from cleanclaim.x12.envelope import TransactionSet
from cleanclaim.x12.segments import Delimiters, raw_texts

__all__ = ["claim_content_hash", "parse_837"]

_HL_LOOPS = {"20": "2000A", "22": "2000B", "23": "2000C"}
_HL_PARENT = {"22": "20", "23": "22"}
_LOOPS_1000 = {"41": "1000A", "40": "1000B"}
_LOOPS_2010A = {"85": "2010AA", "87": "2010AB"}
_LOOPS_2010B = {"IL": "2010BA", "PR": "2010BB"}
_PAD = [""] * 24
_new_claim_date = fast_constructor(ClaimDate)
Elements = list[str]


def parse_837(
    ts: TransactionSet,
    delimiters: Delimiters | None = None,
    path_name: str | Path = "<x12>",
) -> list[Claim]:
    """Every claim of one 837P/837I transaction set, in file order.

    ``delimiters`` defaults to the set's own. Raises :class:`X12Error` for a set that is not
    an 837P/837I or that lacks required data.
    """
    return _Parser(ts, delimiters or ts.delimiters, str(path_name)).run()


def _opt(e: Elements, i: int) -> str | None:
    return (e[i] if i < len(e) else "").strip() or None


class _Parser(LineHandlers):
    # Each handler gets the elements of one segment (a list, element 0 is the id) and its
    # position. Handlers that read several elements pad the list with empty strings first.

    def __init__(self, ts: TransactionSet, d: Delimiters, path: str) -> None:
        self.ts, self.d, self.path = ts, d, path
        self.component = d.component
        self.type: ClaimType = claim_type_of(ts, path)
        self.professional = self.type == "professional"
        self.loop = "HEADER"
        self.bht: Elements | None = None
        self.bht_position = 0
        self.sender: Entity | None = None
        self.receiver: Entity | None = None
        self.submission: Submission | None = None
        self.hls: dict[str, HL] = {}
        self.hl: HL | None = None
        self.entity: Entity | None = None  # the NM1 that PRV/REF/DMG apply to
        self.claim: ClaimBuilder | None = None
        self.other: OtherPayerBuilder | None = None  # open 2320
        self.line: LineBuilder | None = None  # open 2400
        self.adj: AdjudicationBuilder | None = None  # open 2430
        self.in_2410 = False
        self.claims: list[Claim] = []
        self.loops_2310 = LOOPS_2310[self.type]
        self.loops_2330 = LOOPS_2330[self.type]
        self.loops_2420 = LOOPS_2420[self.type]

    def fail(self, e: Elements, pos: int, reason: str, loop: str | None = None) -> X12Error:
        return X12Error(
            self.path, reason, segment=pos, segment_id=e[0] if e else "", loop=loop or self.loop
        )

    def run(self) -> list[Claim]:
        # The handler table holds bound methods; it is local so that no reference cycle
        # keeps the parser (and its claims) alive after it returns.
        handlers: dict[str, Callable[[Elements, int], None]] = {
            "BHT": self._bht, "HL": self._hl, "NM1": self._nm1, "PRV": self._prv,
            "REF": self._ref, "DMG": self._dmg, "SBR": self._sbr, "PAT": self._pat,
            "CLM": self._clm, "DTP": self._dtp, "CL1": self._cl1, "HI": self._hi,
            "AMT": self._amt, "CAS": self._cas, "LX": self._lx, "SV1": self._sv1,
            "SV2": self._sv2, "LIN": self._lin, "CTP": self._ctp, "SVD": self._svd,
        }  # fmt: skip
        get = handlers.get
        e: Elements = []
        pos = 0
        raw = raw_texts(self.ts.segments)
        try:
            if raw is not None:
                pos, texts, sep = raw
                for text in texts:
                    e = text.split(sep)
                    handler = get(e[0])
                    if handler is not None:
                        handler(e, pos)
                    pos += 1
            else:
                for seg in self.ts.segments:
                    pos, e = seg[0], list(seg[1])
                    handler = get(e[0]) if e else None
                    if handler is not None:
                        handler(e, pos)
        except ValueError as exc:
            raise self.fail(e, pos, str(exc)) from None
        self._end_claim()
        return self.claims

    # -- header and hierarchy ----------------------------------------------------------------

    def _bht(self, e: Elements, pos: int) -> None:
        self.bht, self.bht_position = e, pos
        self.loop = "HEADER"

    def _hl(self, e: Elements, pos: int) -> None:
        if self.claim is not None:
            self._end_claim()
        e = e + _PAD
        ident, parent, level = e[1].strip(), e[2].strip(), e[3].strip()
        self.loop = _HL_LOOPS.get(level, "2000")
        if not ident:
            raise self.fail(e, pos, "HL01 hierarchical id is missing")
        hls = self.hls
        if ident in hls:
            raise self.fail(e, pos, f"duplicate HL01 {ident!r}")
        if level not in _HL_LOOPS:
            raise self.fail(e, pos, f"HL03 level code {level!r} is not 20, 22 or 23")
        if level in _HL_PARENT:
            want = _HL_PARENT[level]
            found = hls.get(parent)
            if found is None:
                raise self.fail(e, pos, f"HL02 parent {parent!r} is not an earlier HL")
            if found.level != want:
                raise self.fail(
                    e, pos,
                    f"an HL of level {level} must be under level {want}, not {found.level}",
                )  # fmt: skip
        self.hl = hls[ident] = HL(ident, parent, level, pos)
        self.entity = None

    def _nm1(self, e: Elements, pos: int) -> None:
        ent = Entity(tuple(e))
        code, self.entity = ent.code, ent
        if self.claim is None:
            hl = self.hl
            if hl is None:
                self.loop = _LOOPS_1000.get(code, "1000")
                if code == "41":
                    self.sender = ent
                elif code == "40":
                    self.receiver = ent
            elif hl.level == "20":
                self.loop = _LOOPS_2010A.get(code, "2010AC")
                if code == "85":
                    hl.billing = ent
                elif code == "87":
                    hl.pay_to = ent
            elif hl.level == "22":
                self.loop = _LOOPS_2010B.get(code, "2010B")
                if code == "IL":
                    hl.subscriber = ent
                elif code == "PR":
                    hl.payer = ent
            else:
                self.loop = "2010CA"
                if code == "QC":
                    hl.patient = ent
        elif self.line is not None:
            self.adj, self.in_2410 = None, False
            self.loop = "2420" + self.loops_2420.get(code, "")
            self.line.add_provider(ent)
        elif self.other is not None:
            self.loop = "2330" + self.loops_2330.get(code, "")
            if code == "IL":
                self.other.subscriber = ent
            elif code == "PR":
                self.other.payer = ent
        else:
            self.loop = "2310" + self.loops_2310.get(code, "")
            self.claim.providers.setdefault(code, ent)

    def _prv(self, e: Elements, pos: int) -> None:
        if self.entity is not None:
            self.entity.taxonomy = _opt(e, 3)
        elif self.claim is None and self.hl is not None and self.hl.level == "20":
            self.hl.taxonomy = _opt(e, 3)

    def _ref(self, e: Elements, pos: int) -> None:
        if len(e) < 3:
            e = e + _PAD
        qualifier, value = e[1].strip(), e[2].strip()
        entity = self.entity
        if entity is not None:
            if qualifier in ("EI", "SY"):
                entity.tin = value
            elif entity.refs is None:
                entity.refs = [(qualifier, value)]
            else:
                entity.refs.append((qualifier, value))
        elif self.line is not None:
            if not self.in_2410 and self.adj is None:
                self.line.add_ref(qualifier, value)
        elif self.claim is not None and self.other is None:
            self.claim.refs.setdefault(qualifier, value)

    def _dmg(self, e: Elements, pos: int) -> None:
        entity = self.entity
        if entity is None:
            return
        e = e + _PAD
        if e[2].strip():
            when = parse_date(e[1].strip() or "D8", e[2], "DMG02")
            entity.birth_date = when.start
        entity.sex = e[3].strip() or None

    def _sbr(self, e: Elements, pos: int) -> None:
        self.entity = None
        if len(e) < 2 or not e[1].strip():
            raise ValueError("SBR01 payer responsibility sequence is missing")
        if self.claim is None:
            if self.hl is None or self.hl.level != "22":
                raise self.fail(e, pos, "SBR outside a subscriber HL (level 22)")
            self.loop = "2000B"
            self.hl.sbr = tuple(e)
            return
        if self.line is not None:
            raise self.fail(e, pos, "other-payer SBR (loop 2320) after the service lines")
        self.loop = "2320"
        self.other = OtherPayerBuilder(e, pos)
        if self.claim.other_payers is None:
            self.claim.other_payers = []
        self.claim.other_payers.append(self.other)

    def _pat(self, e: Elements, pos: int) -> None:
        if self.claim is None and self.hl is not None and self.hl.level == "23":
            self.hl.relationship = _opt(e, 1)

    # -- claim (2300) ---------------------------------------------------------------------

    def _clm(self, e: Elements, pos: int) -> None:
        if self.claim is not None:
            self._end_claim()
        self.loop = "2300"
        self.entity = None
        hl = self.hl
        if hl is None or hl.level not in ("22", "23"):
            raise self.fail(e, pos, "CLM outside a subscriber or patient HL")
        e = e + _PAD
        claim_id = e[1].strip()
        if not claim_id:
            raise self.fail(e, pos, "CLM01 patient control number is missing")
        if not e[2].strip():
            raise self.fail(e, pos, "CLM02 total claim charge is missing")
        total = to_decimal(e[2], "CLM02")
        c05 = [c.strip() for c in e[5].split(self.component)] + ["", "", ""]
        if not c05[0]:
            what = "place of service" if self.professional else "facility type code"
            raise self.fail(e, pos, f"CLM05-1 {what} is missing")
        if not c05[2]:
            raise self.fail(e, pos, "CLM05-3 claim frequency code is missing")
        sub_hl = hl if hl.level == "22" else self.hls[hl.parent]
        bill_hl = self.hls[sub_hl.parent]
        if bill_hl.billing is None:
            raise self.fail(e, pos, "no billing provider (NM1*85 in loop 2010AA) for this claim")
        if sub_hl.sbr is None:
            raise self.fail(e, pos, "no SBR in loop 2000B for this claim")
        if sub_hl.subscriber is None:
            raise self.fail(e, pos, "no subscriber (NM1*IL in loop 2010BA) for this claim")
        if sub_hl.payer is None:
            raise self.fail(e, pos, "no payer (NM1*PR in loop 2010BB) for this claim")
        sbr = sub_hl.sbr
        subscriber = sub_hl.subscriber.person((sbr[2] if len(sbr) > 2 else "").strip() or None)
        patient: Person = subscriber
        if hl.level == "23":
            if hl.patient is None:
                raise self.fail(e, pos, "no patient (NM1*QC in loop 2010CA) for this claim")
            patient = hl.patient.person(hl.relationship)
        self.claim = ClaimBuilder(
            e,
            pos,
            claim_id,
            total,
            c05[0],
            c05[2],
            bill_hl.billing.provider("billing", bill_hl.taxonomy),
            bill_hl.pay_to.provider("pay_to") if bill_hl.pay_to else None,
            sub_hl.to_payer(),
            subscriber,
            patient,
        )

    def _dtp(self, e: Elements, pos: int) -> None:
        if len(e) < 4:
            e = e + _PAD
        qualifier, value = e[1].strip(), e[3]
        if self.adj is not None:
            if qualifier == "573":
                self.adj.adjudication_date = parse_date(e[2].strip(), value, "DTP03").start
        elif self.line is not None:
            if qualifier == "472":
                when = parse_date(e[2].strip(), value, "DTP03")
                self.line.service_from, self.line.service_to = when.start, when.end or when.start
        elif self.other is not None:
            if qualifier == "573":
                self.other.adjudication_date = parse_date(e[2].strip(), value, "DTP03").start
        elif self.claim is not None:
            when = parse_date(e[2].strip(), value, "DTP03")
            claim = self.claim
            if claim.dates is None:
                claim.dates = []
            claim.dates.append(_new_claim_date(qualifier, when.start, when.end, when.time))
            if qualifier == "434":
                claim.statement_from, claim.statement_to = when.start, when.end or when.start
            elif qualifier == "435":
                claim.admission_date, claim.admission_hour = when.start, when.time
            elif qualifier == "096":
                claim.discharge_hour = when.time

    def _cl1(self, e: Elements, pos: int) -> None:
        if self.claim is not None:
            self.claim.cl1 = e

    def _hi(self, e: Elements, pos: int) -> None:
        claim = self.claim
        if claim is not None and self.line is None:
            add_hi(claim, e, self.d)

    def _amt(self, e: Elements, pos: int) -> None:
        if self.other is not None and self.line is None:
            e = e + _PAD
            if e[1].strip() == "D":
                self.other.paid = to_decimal(e[2], "AMT02")
            elif e[1].strip() == "EAF":
                self.other.remaining = to_decimal(e[2], "AMT02")

    def _cas(self, e: Elements, pos: int) -> None:
        if self.adj is not None:
            self.adj.adjustments.extend(cas_adjustments(e))
        elif self.other is not None and self.line is None:
            self.other.adjustments.extend(cas_adjustments(e))

    def _submission(self) -> Submission:
        if self.submission is None:
            try:
                self.submission = build_submission(self.bht, self.sender, self.receiver, self.ts)
            except ValueError as exc:
                assert self.bht is not None
                raise self.fail(self.bht, self.bht_position, str(exc), "HEADER") from None
        return self.submission

    def _end_claim(self) -> None:
        cb = self.claim
        if cb is None:
            return
        if self.line is not None:
            self._end_line()
        self.claim = self.other = self.entity = None
        if not cb.lines:
            raise self.fail(["CLM"], cb.position, "claim has no service lines (loop 2400)", "2300")
        self.claims.append(freeze_claim(cb, self.type, self._submission(), self.d))
