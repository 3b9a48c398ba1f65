"""The service-line handlers of the 837 parser (loops 2400, 2410 and 2430), as a mixin of
its state machine (:class:`cleanclaim.x12.parse837._Parser`)."""

from __future__ import annotations

from cleanclaim.claims.model import ClaimType
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_build import (
    AdjudicationBuilder,
    ClaimBuilder,
    Entity,
    LineBuilder,
    OtherPayerBuilder,
)
from cleanclaim.x12._837_freeze import freeze_line
from cleanclaim.x12._837_segments import read_sv1, read_sv2, read_svd
from cleanclaim.x12._837_values import opt_decimal, to_int
from cleanclaim.x12.segments import Delimiters

__all__ = ["LineHandlers"]

_PAD = [""] * 24
Elements = list[str]


def _opt(e: Elements, i: int) -> str | None:
    return (e[i] if i < len(e) else "").strip() or None


class LineHandlers:
    """LX, SV1/SV2, LIN/CTP and SVD; the parser state they read and set is declared here."""

    d: Delimiters
    component: str
    type: ClaimType
    professional: bool
    loop: str
    entity: Entity | None
    claim: ClaimBuilder | None
    other: OtherPayerBuilder | None
    line: LineBuilder | None
    adj: AdjudicationBuilder | None
    in_2410: bool

    def fail(self, e: Elements, pos: int, reason: str, loop: str | None = None) -> X12Error:
        raise NotImplementedError

    # -- service lines (2400-2430) -----------------------------------------------------------

    def _lx(self, e: Elements, pos: int) -> None:
        if self.claim is None:
            raise self.fail(e, pos, "LX outside a claim (no CLM before it)")
        if self.line is not None:
            self._end_line()
        self.other = self.entity = self.adj = None
        self.in_2410 = False
        self.loop = "2400"
        self.line = LineBuilder(pos, to_int(e[1] if len(e) > 1 else "", "LX01"))

    def _service(self, e: Elements, pos: int, wanted: ClaimType) -> LineBuilder:
        line = self.line
        if line is None:
            raise self.fail(e, pos, f"{e[0]} outside a service line (no LX before it)")
        if self.type != wanted:
            kind = "837P" if self.professional else "837I"
            raise self.fail(e, pos, f"{e[0]} ({wanted} service line) in an {kind}")
        if line.has_service:
            raise self.fail(e, pos, f"second service segment in one line ({e[0]})")
        line.has_service = True
        return line

    def _sv1(self, e: Elements, pos: int) -> None:
        read_sv1(self._service(e, pos, "professional"), e, self.d)

    def _sv2(self, e: Elements, pos: int) -> None:
        read_sv2(self._service(e, pos, "institutional"), e, self.d)

    def _lin(self, e: Elements, pos: int) -> None:
        if self.line is not None:
            self.loop, self.in_2410, self.entity = "2410", True, None
            if len(e) > 2 and e[2].strip() == "N4":
                self.line.ndc = _opt(e, 3)

    def _ctp(self, e: Elements, pos: int) -> None:
        if self.line is not None and self.in_2410:
            e = e + _PAD
            self.line.ndc_quantity = opt_decimal(e[4], "CTP04")
            self.line.ndc_unit = e[5].split(self.component)[0].strip() or None

    def _svd(self, e: Elements, pos: int) -> None:
        if self.line is None:
            raise self.fail(e, pos, "SVD outside a service line (no LX before it)")
        self.loop, self.in_2410, self.entity = "2430", False, None
        self.adj = read_svd(e, pos, self.d)
        self.line.add_adjudication(self.adj)

    def _end_line(self) -> None:
        line, claim = self.line, self.claim
        self.line = self.adj = None
        if line is None or claim is None:
            return
        if not line.has_service:
            wanted = "SV1" if self.professional else "SV2"
            lx = ["LX"]
            raise self.fail(lx, line.position, f"service line has no {wanted}", "2400")
        claim.lines.append(freeze_line(line))
