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

from datetime import date
from itertools import count, repeat
from pathlib import Path
from typing import Final

from cleanclaim.claims.model import Claim, ClaimType, Submission
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_build import HL, LOOPS_2310, LOOPS_2330, LOOPS_2420, Entity
from cleanclaim.x12._837_claim import Segments, read_claim
from cleanclaim.x12._837_freeze import build_submission
from cleanclaim.x12._837_hash import claim_content_hash
from cleanclaim.x12._837_segments import claim_type_of
from cleanclaim.x12._837_values import parse_date
from cleanclaim.x12.envelope import TransactionSet
from cleanclaim.x12.segments import Delimiters, raw_texts

__all__ = ["claim_content_hash", "parse_837"]

_HL_LOOPS: Final = {"20": "2000A", "22": "2000B", "23": "2000C"}
_HL_PARENT: Final = {"22": "20", "23": "22"}
_LOOPS_1000: Final = {"41": "1000A", "40": "1000B"}
_LOOPS_2010A: Final = {"85": "2010AA", "87": "2010AB"}
_LOOPS_2010B: Final = {"IL": "2010BA", "PR": "2010BB"}
_PAD: Final = [""] * 24
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


def birth_date(fmt: str, text: str) -> date | None:
    """DMG02 in format DMG01 (``D8`` when empty). Birth dates seldom repeat, so a plain
    CCYYMMDD is read directly rather than through the date cache."""
    if fmt == "D8" and len(text) == 8 and text.isdigit():
        try:
            return date.fromisoformat(text)  # CCYYMMDD is ISO 8601's basic format
        except ValueError:
            pass  # parse_date raises the error
    return parse_date(fmt.strip() or "D8", text, "DMG02").start


def _opt(e: Elements, i: int) -> str | None:
    return (e[i] if i < len(e) else "").strip() or None


class _Parser:
    # Each handler gets the elements of one segment (a list, element 0 is the id) and its
    # position. Handlers that read several elements pad the list with empty strings first.
    # The segments of a claim (CLM to the next HL or CLM) are read by read_claim; the
    # handlers here see the header and hierarchy segments, and claim segments out of place.

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
        self.claims: list[Claim] = []
        self.loops_2310 = LOOPS_2310[self.type]
        self.loops_2330 = LOOPS_2330[self.type]
        self.loops_2420 = LOOPS_2420[self.type]

    def fail(self, e: Elements, pos: int, reason: str, loop: str | None = None) -> X12Error:
        return X12Error(
            self.path, reason, segment=pos, segment_id=e[0] if e else "", loop=loop or self.loop
        )

    def run(self) -> list[Claim]:
        # Segments are dispatched by an if-chain of direct calls, most frequent first: no
        # handler table (whose bound methods would also tie the parser in a reference cycle).
        items: Segments
        raw = raw_texts(self.ts.segments)
        if raw is not None:
            first, texts, sep = raw
            items = zip(count(first), texts, map(str.split, texts, repeat(sep)))
        else:
            items = iter([(seg[0], "", list(seg[1])) for seg in self.ts.segments if seg[1]])
        item = next(items, None)
        pos, e = 0, [""]
        try:
            while item is not None:
                pos, text, e = item
                sid = e[0]
                if sid == "CLM":
                    item = read_claim(self, items, pos, text, e)
                    continue
                if sid == "NM1":
                    self._nm1(e, pos)
                elif sid == "N3" or sid == "N4":
                    pass  # addresses are not read
                elif sid == "HL":
                    self._hl(e, pos)
                elif sid == "DMG":
                    self._dmg(e, pos)
                elif sid == "SBR":
                    self._sbr(e, pos)
                elif sid == "REF":
                    self._ref(e, pos)
                elif sid == "PRV":
                    self._prv(e, pos)
                elif sid == "PAT":
                    self._pat(e, pos)
                elif sid == "BHT":
                    self.read_bht(e, pos)
                elif sid == "LX":
                    raise self.fail(e, pos, "LX outside a claim (no CLM before it)")
                elif sid == "SV1" or sid == "SV2" or sid == "SVD":
                    raise self.fail(e, pos, f"{sid} outside a service line (no LX before it)")
                item = next(items, None)
        except ValueError as exc:
            raise self.fail(e, pos, str(exc)) from None
        return self.claims

    # -- header and hierarchy ----------------------------------------------------------------

    def read_bht(self, e: Elements, pos: int) -> None:
        self.bht, self.bht_position = e, pos
        self.loop = "HEADER"

    def _hl(self, e: Elements, pos: int) -> None:
        if len(e) < 4:
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
        ent = Entity(e)
        code, self.entity = ent.code, ent
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

    def _prv(self, e: Elements, pos: int) -> None:
        if self.entity is not None:
            self.entity.taxonomy = _opt(e, 3)
        elif self.hl is not None and self.hl.level == "20":
            self.hl.taxonomy = _opt(e, 3)

    def _ref(self, e: Elements, pos: int) -> None:
        entity = self.entity
        if entity is None:
            return
        if len(e) < 3:
            e = e + _PAD
        qualifier, value = e[1].strip(), e[2].strip()
        if qualifier in ("EI", "SY"):
            entity.tin = value
        elif entity.refs is None:
            entity.refs = [(qualifier, value)]
        else:
            entity.refs.append((qualifier, value))

    def _dmg(self, e: Elements, pos: int) -> None:
        entity = self.entity
        if entity is None:
            return
        if len(e) < 4:
            e = e + _PAD
        if e[2].strip():
            entity.birth_date = birth_date(e[1], e[2])
        entity.sex = e[3].strip() or None

    def _sbr(self, e: Elements, pos: int) -> None:
        self.entity = None
        if len(e) < 2 or not e[1].strip():
            raise ValueError("SBR01 payer responsibility sequence is missing")
        if self.hl is None or self.hl.level != "22":
            raise self.fail(e, pos, "SBR outside a subscriber HL (level 22)")
        self.loop = "2000B"
        self.hl.sbr = tuple(e)

    def _pat(self, e: Elements, pos: int) -> None:
        if self.hl is not None and self.hl.level == "23":
            self.hl.relationship = _opt(e, 1)

    def submission_of_claims(self) -> Submission:
        """The submission header shared by the claims of the set (made at the first)."""
        if self.submission is None:
            try:
                self.submission = build_submission(self.bht, self.sender, self.receiver, self.ts)
            except ValueError as exc:
                assert self.bht is not None
                raise self.fail(self.bht, self.bht_position, str(exc), "HEADER") from None
        return self.submission
