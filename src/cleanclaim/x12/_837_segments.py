"""Decoding of the 837 segments that carry most of the data (SV1, SV2, SVD, HI), and the
choice between 837P and 837I."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from cleanclaim.claims.model import ClaimType, Diagnosis, InstitutionalCode
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_build import DIAGNOSIS_QUALIFIERS, AdjudicationBuilder, ClaimBuilder
from cleanclaim.x12._837_fast import fast_constructor, remember
from cleanclaim.x12._837_values import hi_codes, opt_decimal, procedure, to_decimal, to_int
from cleanclaim.x12._envelope_model import TransactionKind, TransactionSet
from cleanclaim.x12.segments import Delimiters

_PAD: Final = [""] * 12
_POINTERS: Final[dict[str, tuple[int, ...]]] = {}


Service = tuple[
    Decimal,  # charge
    Decimal | None,  # units
    str,  # unit basis
    str | None,  # procedure qualifier
    str | None,  # procedure code
    tuple[str, ...],  # modifiers
    str | None,  # revenue code
    str | None,  # place of service
    tuple[int, ...],  # diagnosis pointers
    str | None,  # emergency indicator
]
"""What the service segment (SV1 or SV2) of a line gives, in :class:`ServiceLine` order."""


def read_sv1(e: list[str], d: Delimiters) -> Service:
    """SV1 (837P professional service)."""
    e = e + _PAD
    qualifier, code, modifiers = procedure(e[1], d)
    if code is None:
        raise ValueError("SV101-2 procedure code is missing")
    if not e[2].strip():
        raise ValueError("SV102 line charge is missing")
    charge = to_decimal(e[2], "SV102")
    unit_basis = e[3].strip()
    units = opt_decimal(e[4], "SV104")
    place_of_service = e[5].strip() or None
    key = e[7] + d.component
    found = _POINTERS.get(key)
    if found is None:
        pointers = [p for p in e[7].split(d.component) if p.strip()]
        found = remember(_POINTERS, key, tuple(to_int(p, "SV107") for p in pointers))
    emergency = e[9].strip() or None
    return (charge, units, unit_basis, qualifier, code, modifiers, None, place_of_service,
            found, emergency)  # fmt: skip


def read_sv2(e: list[str], d: Delimiters) -> Service:
    """SV2 (837I institutional service)."""
    e = e + _PAD
    revenue_code = e[1].strip() or None
    if revenue_code is None:
        raise ValueError("SV201 revenue code is missing")
    qualifier, code, modifiers = procedure(e[2], d)
    if not e[3].strip():
        raise ValueError("SV203 line charge is missing")
    charge = to_decimal(e[3], "SV203")
    unit_basis = e[4].strip()
    units = opt_decimal(e[5], "SV205")
    return (charge, units, unit_basis, qualifier, code, modifiers, revenue_code, None, (),
            None)  # fmt: skip


def read_svd(e: list[str], position: int, d: Delimiters) -> AdjudicationBuilder:
    """SVD (2430 prior payer line adjudication)."""
    p = e + _PAD
    payer_id = p[1].strip()
    if not payer_id:
        raise ValueError("SVD01 other payer id is missing")
    qualifier, code, modifiers = procedure(p[3], d)
    return AdjudicationBuilder(
        svd=e,
        position=position,
        payer_id=payer_id,
        paid=to_decimal(p[2], "SVD02"),
        qualifier=qualifier,
        code=code,
        modifiers=modifiers,
        paid_units=opt_decimal(p[5], "SVD05"),
    )


_new_diagnosis: Final = fast_constructor(Diagnosis, ("qualifier", "code", "pointer", "poa"))
_DIAGNOSES: Final[dict[tuple[str, str, int, str | None], Diagnosis]] = {}
_SIMPLE_HI: Final[dict[tuple[str, str], tuple[str, str]]] = {}
"""(HI composite, component separator) -> (qualifier, code) for composites already read
that are plain diagnoses: two parts, no date, amount or POA."""


def add_hi(claim: ClaimBuilder, e: list[str], d: Delimiters) -> None:
    """Sort the codes of one HI segment into diagnoses, DRG, condition and other codes.

    An element may hold several composites joined by the repetition separator; each counts.
    """
    diagnoses = claim.diagnoses
    component, repetition = d.component, d.repetition
    composites, numbers = e[1:], None
    if repetition:
        for raw in composites:
            if repetition in raw:
                composites, numbers = _repeated(composites, repetition)
                break
    simple = [_SIMPLE_HI.get((raw, component)) for raw in composites]
    if None not in simple:  # every composite is a plain ``qualifier:code`` diagnosis seen before
        for q, code in simple:  # type: ignore[misc]
            _add_diagnosis(diagnoses, q, code, None)
        return
    for code in hi_codes(composites, d, numbers):
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
    for raw in composites:
        parts = raw.split(component)
        if len(parts) == 2:
            q, code = parts[0].strip(), parts[1].strip()
            if q in DIAGNOSIS_QUALIFIERS and code:
                remember(_SIMPLE_HI, (raw, component), (q, code))


def _repeated(composites: list[str], repetition: str) -> tuple[list[str], list[int]]:
    """The composites with repeated ones split apart, and the element number of each."""
    out: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(composites, 1):
        parts = raw.split(repetition)
        out.extend(parts)
        numbers.extend([number] * len(parts))
    return out, numbers


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
