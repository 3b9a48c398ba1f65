"""Decoding of the 837 segments that carry most of the data (SV1, SV2, SVD, HI), and the
choice between 837P and 837I."""

from __future__ import annotations

from cleanclaim.claims.model import ClaimType, Diagnosis, InstitutionalCode
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_build import (
    DIAGNOSIS_QUALIFIERS,
    AdjudicationBuilder,
    ClaimBuilder,
    LineBuilder,
)
from cleanclaim.x12._837_fast import fast_constructor, remember
from cleanclaim.x12._837_values import hi_codes, opt_decimal, procedure, to_decimal, to_int
from cleanclaim.x12._envelope_model import TransactionKind, TransactionSet
from cleanclaim.x12.segments import Delimiters, Segment


def _opt(seg: Segment, i: int) -> str | None:
    return seg.get(i).strip() or None


_PAD = ("",) * 12
_POINTERS: dict[str, tuple[int, ...]] = {}


def read_sv1(line: LineBuilder, seg: Segment, d: Delimiters) -> None:
    """SV1 (837P professional service) into ``line``."""
    e = seg[1] + _PAD
    line.qualifier, line.code, line.modifiers = procedure(e[1], d)
    if line.code is None:
        raise ValueError("SV101-2 procedure code is missing")
    if not e[2].strip():
        raise ValueError("SV102 line charge is missing")
    line.charge = to_decimal(e[2], "SV102")
    line.unit_basis = e[3].strip()
    line.units = opt_decimal(e[4], "SV104")
    line.place_of_service = e[5].strip() or None
    key = e[7] + d.component
    found = _POINTERS.get(key)
    if found is None:
        pointers = [p for p in e[7].split(d.component) if p.strip()]
        found = remember(_POINTERS, key, tuple(to_int(p, "SV107") for p in pointers))
    line.pointers = found
    line.emergency = e[9].strip() or None


def read_sv2(line: LineBuilder, seg: Segment, d: Delimiters) -> None:
    """SV2 (837I institutional service) into ``line``."""
    line.revenue_code = _opt(seg, 1)
    if line.revenue_code is None:
        raise ValueError("SV201 revenue code is missing")
    line.qualifier, line.code, line.modifiers = procedure(seg.get(2), d)
    if not seg.get(3).strip():
        raise ValueError("SV203 line charge is missing")
    line.charge = to_decimal(seg.get(3), "SV203")
    line.unit_basis = seg.get(4).strip()
    line.units = opt_decimal(seg.get(5), "SV205")


def read_svd(seg: Segment, d: Delimiters) -> AdjudicationBuilder:
    """SVD (2430 prior payer line adjudication)."""
    payer_id = seg.get(1).strip()
    if not payer_id:
        raise ValueError("SVD01 other payer id is missing")
    qualifier, code, modifiers = procedure(seg.get(3), d)
    return AdjudicationBuilder(
        svd=seg,
        payer_id=payer_id,
        paid=to_decimal(seg.get(2), "SVD02"),
        qualifier=qualifier,
        code=code,
        modifiers=modifiers,
        paid_units=opt_decimal(seg.get(5), "SVD05"),
    )


_new_diagnosis = fast_constructor(Diagnosis, ("qualifier", "code", "pointer", "poa"))
_DIAGNOSES: dict[tuple[str, str, int, str | None], Diagnosis] = {}
_SIMPLE_HI: dict[tuple[str, str], tuple[str, str]] = {}
"""(HI composite, component separator) -> (qualifier, code) for composites already read
that are plain diagnoses: two parts, no date, amount or POA."""


def add_hi(claim: ClaimBuilder, seg: Segment, d: Delimiters) -> None:
    """Sort the codes of one HI segment into diagnoses, DRG, condition and other codes."""
    diagnoses = claim.diagnoses
    elements, component = seg[1], d.component
    simple = [_SIMPLE_HI.get((elements[i], component)) for i in range(1, len(elements))]
    if None not in simple:  # every composite is a plain ``qualifier:code`` diagnosis seen before
        for q, code in simple:  # type: ignore[misc]
            _add_diagnosis(diagnoses, q, code, None)
        return
    for code in hi_codes(seg, d):
        q = code.qualifier
        if q in DIAGNOSIS_QUALIFIERS:
            _add_diagnosis(diagnoses, q, code.code, code.poa)
        elif q == "DR":
            claim.drg = code.code
        elif q == "BG":
            if claim.conditions is None:
                claim.conditions = []
            claim.conditions.append(code.code)
        else:
            start, end = (code.date.start, code.date.end) if code.date else (None, None)
            if claim.codes is None:
                claim.codes = []
            claim.codes.append(InstitutionalCode(q, code.code, start, end, code.amount))
    for raw in elements[1:]:
        parts = raw.split(component)
        if len(parts) == 2:
            q, code = parts[0].strip(), parts[1].strip()
            if q in DIAGNOSIS_QUALIFIERS and code:
                remember(_SIMPLE_HI, (raw, component), (q, code))


def _add_diagnosis(diagnoses: list[Diagnosis], q: str, code: str, poa: str | None) -> None:
    rank = len(diagnoses) + 1
    key = (q, code, rank, poa)
    found = _DIAGNOSES.get(key)
    if found is None:
        found = remember(_DIAGNOSES, key, _new_diagnosis(q, code, rank, poa))
    diagnoses.append(found)


def claim_type_of(ts: TransactionSet, path: str) -> ClaimType:
    """``professional`` or ``institutional``; an X12Error for any other set or version."""
    if ts.implementation and not ts.implementation.startswith("00501"):
        raise X12Error(
            path,
            f"version {ts.implementation!r} is not supported: cleanclaim reads 5010 (00501...) "
            f"837 files only",
            segment=ts.position,
            segment_id="ST",
        )
    if ts.kind is TransactionKind.PROFESSIONAL_837:
        return "professional"
    if ts.kind is TransactionKind.INSTITUTIONAL_837:
        return "institutional"
    raise X12Error(
        path,
        f"transaction set {ts.control_number!r} is not an 837P or 837I "
        f"(ST01 {ts.id!r}, version {ts.implementation!r})",
        segment=ts.position,
        segment_id="ST",
    )
