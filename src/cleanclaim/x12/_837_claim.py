"""Loop 2300 of the 837 (one CLM claim) with its loops 2310-2430, read in one go.

:func:`read_claim` consumes the segments of one claim with local state (no handler call per
segment, no builder object per service line) and freezes the claim when the next HL or CLM
(or the end of the set) comes. It does, in the same order, what the 837 parser's segment
handlers do in those loops, so that values and errors (segment, loop, reason) are theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Final

from cleanclaim.claims.model import ClaimDate, Provider, ServiceLine
from cleanclaim.x12._837_build import (
    HL,
    AdjudicationBuilder,
    ClaimBuilder,
    Entity,
    OtherPayerBuilder,
    Parties,
)
from cleanclaim.x12._837_fast import fast_constructor, remember
from cleanclaim.x12._837_freeze import freeze_claim
from cleanclaim.x12._837_segments import Service, add_hi, read_sv1, read_sv2, read_svd
from cleanclaim.x12._837_values import (
    D8_VALUES,
    cas_adjustments,
    opt_decimal,
    parse_date,
    to_decimal,
    to_int,
)

if TYPE_CHECKING:
    from cleanclaim.x12.parse837 import _Parser

__all__ = ["read_claim"]

_PAD: Final = [""] * 24
_new_line: Final = fast_constructor(
    ServiceLine,
    ("charge", "units", "unit_basis", "procedure_qualifier", "procedure_code", "modifiers",
     "revenue_code", "place_of_service", "diagnosis_pointers", "emergency", "number",
     "service_date_from", "service_date_to", "rendering_provider", "other_providers",
     "line_item_control_number", "prior_authorization", "ndc", "ndc_quantity", "ndc_unit",
     "adjudications", "source_segment"),
)  # fmt: skip
_new_claim_date: Final = fast_constructor(ClaimDate)
_NO_REFS: Final[dict[str, str]] = {}
_SV1: Final[dict[str, dict[str, Service]]] = {}
"""Component separator -> SV1 text -> what :func:`read_sv1` made of it. The text starts
with ``SV1`` and its element separator, so files with other separators cannot share keys."""
Item = tuple[int, str, list[str]]
"""A segment: its position, its text (or ``""``) and its elements."""
Segments = Iterator[Item]
_END_ELEMENTS: Final = ["HL"]
_END: Final[tuple[Item]] = ((0, "", _END_ELEMENTS),)
"""Follows the last segment of the set: ends the claim as an HL would."""
_CLM05: Final[dict[tuple[str, str], tuple[str, str]]] = {}
"""(CLM05 text, component separator) -> CLM05-1 and CLM05-3, both present."""


def read_claim(p: _Parser, segments: Segments, pos: int, text: str, e: list[str]) -> Item | None:
    """Read the claim whose CLM (text ``text``, elements ``e``) is at position ``pos``,
    taking its other segments from ``segments``, append it to ``p.claims`` and return the
    segment that ended it (``None`` at the end of the set).

    ``segments`` gives the position, the text and the elements of each segment; the text is
    ``""`` when the segments were not read from text (it only serves as a cache key).
    """
    d, component, professional = p.d, p.component, p.professional
    loops_2310, loops_2330, loops_2420 = p.loops_2310, p.loops_2330, p.loops_2420
    loop = p.loop = "2300"
    p.entity = None
    entity: Entity | None = None  # the NM1 that PRV, REF and DMG apply to
    other: OtherPayerBuilder | None = None  # open 2320
    adj: AdjudicationBuilder | None = None  # open 2430
    in_2410 = False
    lines: list[ServiceLine] = []
    # the open 2400 line (none while ``number`` is None)
    number: int | None = None
    l_pos = 0
    svc: Service | None = None
    l_from: date | None = None
    l_to: date | None = None
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    l_refs: dict[str, str] | None = None
    l_providers: list[Entity] | None = None
    l_adjs: list[AdjudicationBuilder] | None = None
    sv1_cache, d8 = _SV1.get(component), D8_VALUES
    if sv1_cache is None:
        sv1_cache = _SV1.setdefault(component, {})
    ended: Item | None = None
    try:
        cb = _start(p, e, pos)
        for pos, text, e in chain(segments, _END):
            sid = e[0]
            if sid == "DTP":
                f = e if len(e) >= 4 else e + _PAD
                qualifier, value = f[1].strip(), f[3]
                if adj is not None:
                    if qualifier == "573":
                        adj.adjudication_date = parse_date(f[2].strip(), value, "DTP03").start
                elif number is not None:
                    if qualifier == "472":
                        when = d8.get(value) if f[2] == "D8" else None
                        if when is None:
                            when = parse_date(f[2].strip(), value, "DTP03")
                        l_from, l_to = when.start, when.end or when.start
                elif other is not None:
                    if qualifier == "573":
                        other.adjudication_date = parse_date(f[2].strip(), value, "DTP03").start
                else:
                    when = parse_date(f[2].strip(), value, "DTP03")
                    if cb.dates is None:
                        cb.dates = []
                    cb.dates.append(_new_claim_date(qualifier, when.start, when.end, when.time))
                    if qualifier == "434":
                        cb.statement_from, cb.statement_to = when.start, when.end or when.start
                    elif qualifier == "435":
                        cb.admission_date, cb.admission_hour = when.start, when.time
                    elif qualifier == "096":
                        cb.discharge_hour = when.time
                continue
            if sid == "REF":
                f = e if len(e) >= 3 else e + _PAD
                qualifier, value = f[1].strip(), f[2].strip()
                if entity is not None:
                    if qualifier in ("EI", "SY"):
                        entity.tin = value
                    elif entity.refs is None:
                        entity.refs = [(qualifier, value)]
                    else:
                        entity.refs.append((qualifier, value))
                elif number is not None:
                    if not in_2410 and adj is None:
                        if l_refs is None:
                            l_refs = {qualifier: value}
                        else:
                            l_refs.setdefault(qualifier, value)
                elif other is None:
                    if cb.refs is None:
                        cb.refs = {qualifier: value}
                    else:
                        cb.refs.setdefault(qualifier, value)
                continue
            if sid == "SV1" or sid == "SV2":
                wanted = "professional" if sid == "SV1" else "institutional"
                if number is None:
                    why = f"{sid} outside a service line (no LX before it)"
                    raise p.fail(e, pos, why, loop)
                if professional != (sid == "SV1"):
                    kind = "837P" if professional else "837I"
                    why = f"{sid} ({wanted} service line) in an {kind}"
                    raise p.fail(e, pos, why, loop)
                if svc is not None:
                    why = f"second service segment in one line ({sid})"
                    raise p.fail(e, pos, why, loop)
                if sid == "SV2":
                    svc = read_sv2(e, d)
                elif not text:
                    svc = read_sv1(e, d)
                else:
                    svc = sv1_cache.get(text)
                    if svc is None:
                        svc = remember(sv1_cache, text, read_sv1(e, d))
                continue
            if sid == "NM1":
                entity = Entity(e)
                code = entity.code
                if number is not None:
                    adj, in_2410 = None, False
                    loop = "2420" + loops_2420.get(code, "")
                    if l_providers is None:
                        l_providers = [entity]
                    else:
                        l_providers.append(entity)
                elif other is not None:
                    loop = "2330" + loops_2330.get(code, "")
                    if code == "IL":
                        other.subscriber = entity
                    elif code == "PR":
                        other.payer = entity
                else:
                    loop = "2310" + loops_2310.get(code, "")
                    if cb.providers is None:
                        cb.providers = {code: entity}
                    else:
                        cb.providers.setdefault(code, entity)
                continue
            if sid == "PRV":
                if entity is not None:
                    entity.taxonomy = (e[3] if len(e) > 3 else "").strip() or None
                continue
            if sid == "HI":
                if number is None:
                    add_hi(cb, e, d)
                continue
            if sid == "CAS":
                if adj is not None:
                    adj.adjustments.extend(cas_adjustments(e))
                elif other is not None and number is None:
                    other.adjustments.extend(cas_adjustments(e))
                continue
            if sid == "SBR":
                entity = None
                if len(e) < 2 or not e[1].strip():
                    raise ValueError("SBR01 payer responsibility sequence is missing")
                if number is not None:
                    why = "other-payer SBR (loop 2320) after the service lines"
                    raise p.fail(e, pos, why, loop)
                loop = "2320"
                other = OtherPayerBuilder(e, pos)
                if cb.other_payers is None:
                    cb.other_payers = []
                cb.other_payers.append(other)
                continue
            if sid == "AMT":
                if other is not None and number is None:
                    f = e + _PAD
                    if f[1].strip() == "D":
                        other.paid = to_decimal(f[2], "AMT02")
                    elif f[1].strip() == "EAF":
                        other.remaining = to_decimal(f[2], "AMT02")
                continue
            if sid == "DMG":
                if entity is not None:
                    f = e + _PAD
                    if f[2].strip():
                        when = parse_date(f[1].strip() or "D8", f[2], "DMG02")
                        entity.birth_date = when.start
                    entity.sex = f[3].strip() or None
                continue
            if sid == "SVD":
                if number is None:
                    why = "SVD outside a service line (no LX before it)"
                    raise p.fail(e, pos, why, loop)
                loop, in_2410, entity = "2430", False, None
                adj = read_svd(e, pos, d)
                if l_adjs is None:
                    l_adjs = [adj]
                else:
                    l_adjs.append(adj)
                continue
            if sid == "LIN":
                if number is not None:
                    loop, in_2410, entity = "2410", True, None
                    if len(e) > 2 and e[2].strip() == "N4":
                        ndc = (e[3] if len(e) > 3 else "").strip() or None
                continue
            if sid == "CTP":
                if number is not None and in_2410:
                    f = e + _PAD
                    ndc_quantity = opt_decimal(f[4], "CTP04")
                    ndc_unit = f[5].split(component)[0].strip() or None
                continue
            if sid == "CL1":
                cb.cl1 = e
                continue
            if sid == "BHT":
                p.read_bht(e, pos)
                loop = p.loop
                continue
            if sid != "LX" and sid != "HL" and sid != "CLM":
                continue  # not read in these loops (N3, N4, PER, OI, NTE, PAT...)
            # the open line ends: at an LX, at the claim's end
            if number is not None:
                if svc is None:
                    why = f"service line has no {'SV1' if professional else 'SV2'}"
                    raise p.fail(["LX"], l_pos, why, "2400")
                rendering: Entity | None = None
                others: tuple[Provider, ...] = ()
                if l_providers is not None:
                    for ent in l_providers:
                        if ent.code == "82":
                            rendering = ent
                            break
                    others = tuple(x.provider() for x in l_providers if x is not rendering)
                refs = l_refs or _NO_REFS
                lines.append(_new_line(
                    *svc, number, l_from, l_to, rendering.provider() if rendering else None,
                    others, refs.get("6R"), refs.get("G1"), ndc, ndc_quantity, ndc_unit,
                    tuple(a.build() for a in l_adjs) if l_adjs else (), l_pos,
                ))  # fmt: skip
                number = None
            if sid != "LX":
                if e is not _END_ELEMENTS:
                    ended = (pos, text, e)
                break
            other = entity = adj = None
            in_2410 = False
            loop = "2400"
            l_pos = pos
            number = to_int(e[1] if len(e) > 1 else "", "LX01")
            svc = l_from = l_to = ndc = ndc_quantity = ndc_unit = None
            l_refs = l_providers = l_adjs = None
    except ValueError as exc:
        raise p.fail(e, pos, str(exc), loop) from None
    p.loop = loop
    if not lines:
        raise p.fail(["CLM"], cb.position, "claim has no service lines (loop 2400)", "2300")
    p.claims.append(freeze_claim(cb, lines, p.type, p.submission_of_claims(), d))
    return ended


def _start(p: _Parser, e: list[str], pos: int) -> ClaimBuilder:
    """The CLM segment: the claim with its parties, inherited from its HL parents."""
    hl = p.hl
    if hl is None or hl.level not in ("22", "23"):
        raise p.fail(e, pos, "CLM outside a subscriber or patient HL")
    e = e + _PAD
    claim_id = e[1].strip()
    if not claim_id:
        raise p.fail(e, pos, "CLM01 patient control number is missing")
    if not e[2].strip():
        raise p.fail(e, pos, "CLM02 total claim charge is missing")
    total = to_decimal(e[2], "CLM02")
    key = (e[5], p.component)
    c05 = _CLM05.get(key)
    if c05 is None:
        parts = [c.strip() for c in e[5].split(p.component)] + ["", "", ""]
        if not parts[0]:
            what = "place of service" if p.professional else "facility type code"
            raise p.fail(e, pos, f"CLM05-1 {what} is missing")
        if not parts[2]:
            raise p.fail(e, pos, "CLM05-3 claim frequency code is missing")
        c05 = remember(_CLM05, key, (parts[0], parts[2]))
    parties = hl.parties
    if parties is None:
        parties = hl.parties = _parties(p, hl, e, pos)
    return ClaimBuilder(e, pos, claim_id, total, c05[0], c05[1], parties)


def _parties(p: _Parser, hl: HL, e: list[str], pos: int) -> Parties:
    """Billing and pay-to providers, payer, subscriber and patient of a claim under ``hl``."""
    sub_hl = hl if hl.level == "22" else p.hls[hl.parent]
    bill_hl = p.hls[sub_hl.parent]
    if bill_hl.billing is None:
        raise p.fail(e, pos, "no billing provider (NM1*85 in loop 2010AA) for this claim")
    if sub_hl.sbr is None:
        raise p.fail(e, pos, "no SBR in loop 2000B for this claim")
    if sub_hl.subscriber is None:
        raise p.fail(e, pos, "no subscriber (NM1*IL in loop 2010BA) for this claim")
    if sub_hl.payer is None:
        raise p.fail(e, pos, "no payer (NM1*PR in loop 2010BB) for this claim")
    sbr = sub_hl.sbr
    subscriber = sub_hl.subscriber.person((sbr[2] if len(sbr) > 2 else "").strip() or None)
    patient = subscriber
    if hl.level == "23":
        if hl.patient is None:
            raise p.fail(e, pos, "no patient (NM1*QC in loop 2010CA) for this claim")
        patient = hl.patient.person(hl.relationship)
    providers = bill_hl.providers
    if providers is None:
        pay_to = bill_hl.pay_to
        providers = bill_hl.providers = (
            bill_hl.billing.provider("billing", bill_hl.taxonomy),
            pay_to.provider("pay_to") if pay_to else None,
        )
    return (providers[0], providers[1], sub_hl.to_payer(), subscriber, patient)
