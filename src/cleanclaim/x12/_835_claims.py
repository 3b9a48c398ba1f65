"""Loop 2100 of the 835: one CLP claim with its service lines (loop 2110), read in one go.

:func:`read_claim` consumes the segments of one claim with local state (no draft objects,
no handler call per segment) and builds the :class:`RemitClaim` when the next CLP, LX or
PLB (or the end of the set) comes. Segments that belong to the header (ST, BPR, TRN, N1,
PER) go to the header parser's handlers and leave the claim open, as they always did.

Most segment texts of a remittance repeat (service dates, adjustments, procedures and
amounts, the rendering provider): the values read from a text (never the objects, which
carry positions) are kept in :data:`KNOWN`, so a text met again is neither split nor
checked again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from cleanclaim.claims.remittance import (
    ADJUSTMENT_GROUPS,
    CLAIM_STATUS,
    Adjustment,
    Amount,
    Entity,
    InpatientAdjudication,
    OutpatientAdjudication,
    Reference,
    RemitClaim,
    RemitLine,
)
from cleanclaim.x12._835_values import Values, new_adjustment, new_entity
from cleanclaim.x12._837_fast import CACHE_LIMIT, DATES, DECIMALS, fast_constructor
from cleanclaim.x12._elements import _PROCEDURES

__all__ = ["CLAIM_ENDS", "KNOWN", "read_claim", "use_delimiters"]

CLAIM_ENDS = frozenset({"CLP", "LX", "PLB"})
"""Segment ids that end a claim loop."""

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
_new_outpatient = fast_constructor(
    OutpatientAdjudication,
    ("reimbursement_rate", "hcpcs_payable_amount", "remark_codes", "position"),
)
_new_inpatient = fast_constructor(
    InpatientAdjudication, ("covered_days", "drg_amount", "remark_codes", "position")
)
_PAD = [""] * 12
_GROUPS = ADJUSTMENT_GROUPS
_PEOPLE = frozenset({"QC", "IL", "74"})
"""NM1 qualifiers of the patient and the insured: their texts rarely repeat, not kept."""
Handlers = dict[str, Callable[[list[str], int], None]]
Item = tuple[int, str, tuple[Any, ...] | None]
"""A segment: its position, its text and its values in :data:`KNOWN` when they are there
(looked up as the segment is reached, so that it sees what earlier segments added)."""

KNOWN: dict[str, tuple[Any, ...]] = {}
"""Segment text -> its values (see :func:`_values`), for texts already read; valid for the
delimiters last given to :func:`use_delimiters`."""
_KNOWN_FOR: list[object] = [None]


def use_delimiters(key: object) -> None:
    """Empty :data:`KNOWN` unless it was filled with the same delimiters (``key``)."""
    if _KNOWN_FOR[0] != key:
        KNOWN.clear()
        _KNOWN_FOR[0] = key


def read_claim(
    v: Values,
    segments: Iterator[Item],
    sep: str,
    pos: int,
    e: list[str],
    handlers: Handlers,
    claims: list[RemitClaim],
) -> tuple[int, list[str]] | None:
    """Read the claim whose CLP (elements ``e``) is at position ``pos``, taking its other
    segments from ``segments`` (position, text and known values of each, elements separated
    by ``sep``),
    append it to ``claims`` and return the segment that ended it, split into its elements
    (``None`` at the end of the set).

    A segment text met before (:data:`KNOWN`) is not split again: its values come from the
    first reading, and only its position is new."""
    v.r.loop = "2100"
    get_decimal = DECIMALS.get
    p = e + _PAD
    charge, paid, responsibility = get_decimal(p[3]), get_decimal(p[4]), get_decimal(p[5])
    if (
        p[1] and p[2] in CLAIM_STATUS and charge is not None and paid is not None
        and (responsibility is not None or not p[5])
    ):  # fmt: skip
        clp = (p[1], p[2], charge, paid, responsibility, p[6], p[7], p[8], p[9], p[11], pos)
    else:
        clp = _clp(v, e, pos)
    entities: list[Entity] = []
    adjustments: list[Adjustment] = []
    references: list[Reference] = []
    amounts: list[Amount] = []
    lines: list[RemitLine] = []
    outpatient: OutpatientAdjudication | None = None
    inpatient: InpatientAdjudication | None = None
    statement_from: dt.date | None = None
    statement_to: dt.date | None = None
    received: dt.date | None = None
    line: tuple[Any, ...] | None = None  # number and SVC01..SVC07 values of the open line
    l_pos = 0
    l_adj: list[Adjustment] = []
    l_refs: list[Reference] = []
    l_amts: list[Amount] = []
    l_date: dt.date | None = None
    l_from: dt.date | None = None
    l_to: dt.date | None = None
    l_remarks: tuple[str, ...] = ()
    l_rejects: tuple[str, ...] = ()
    known = KNOWN
    ended: tuple[int, list[str]] | None = None
    for pos, text, hit in segments:
        if hit is None:
            e = text.split(sep)
            sid = e[0]
            if sid == "REF":
                if len(e) > 2 and e[1]:
                    ref = _new_reference(e[1], e[2], pos)
                else:
                    ref = _new_reference(v.text(e, pos, 1), e[2] if len(e) > 2 else "", pos)
                (l_refs if line is not None else references).append(ref)
                continue
            if sid in CLAIM_ENDS:
                ended = (pos, e)
                break
            hit = _values(v, sid, e, pos)
            if hit is None:
                if sid == "MIA":
                    p = e + _PAD * 2
                    remarks = tuple(p[k] for k in (5, 20, 21, 22, 23) if p[k])
                    inpatient = _new_inpatient(
                        v.opt_amount(e, pos, 1), v.opt_amount(e, pos, 4), remarks, pos
                    )
                elif sid == "LQ":
                    if line is None:
                        raise v.error(e, pos, "LQ outside a service line (SVC)")
                    qualifier, code = v.text(e, pos, 1), v.text(e, pos, 2)
                    if qualifier == "HE":
                        l_remarks = (*l_remarks, code)
                    elif qualifier == "RX":
                        l_rejects = (*l_rejects, code)
                    else:
                        raise v.error(e, pos, f"LQ01 must be HE or RX, found {qualifier!r}")
                else:
                    handler = handlers.get(sid)
                    if handler is not None:  # a header segment inside the claim: it stays open
                        handler(e, pos)
                continue
            if sid != "NM1" or e[1] not in _PEOPLE:
                if len(known) >= CACHE_LIMIT:
                    known.clear()
                known[text] = hit
        tag = hit[0]
        if tag == "CAS":
            (l_adj if line is not None else adjustments).append(
                new_adjustment(hit[1], hit[2], hit[3], hit[4], pos)
            )
        elif tag == "DTM":
            qualifier = hit[1]
            if line is not None:
                if qualifier == "472":
                    l_date = hit[2]
                elif qualifier == "150":
                    l_from = hit[2]
                elif qualifier == "151":
                    l_to = hit[2]
            elif qualifier == "232":
                statement_from = hit[2]
            elif qualifier == "233":
                statement_to = hit[2]
            elif qualifier == "050":
                received = hit[2]
        elif tag == "NM1":
            entities.append(
                new_entity(hit[1], hit[2], hit[3], hit[4], hit[5], hit[6], hit[7], hit[8], pos)
            )
        elif tag == "SVC":
            if line is not None:
                lines.append(_new_line(
                    *line, l_date, l_from, l_to, l_adj, l_remarks, l_rejects, l_refs, l_amts,
                    l_pos,
                ))  # fmt: skip
            v.r.loop = "2110"
            line = (len(lines) + 1, hit[1], hit[2], hit[3], hit[4], hit[5], hit[6], hit[7])
            l_adj, l_refs, l_amts, l_remarks, l_rejects = [], [], [], (), ()
            l_date = l_from = l_to = None
            l_pos = pos
        elif tag == "AMT":
            (l_amts if line is not None else amounts).append(_new_amount(hit[1], hit[2], pos))
        elif tag == "CAS+":
            target = l_adj if line is not None else adjustments
            for group, reason, amount, quantity in hit[1]:
                target.append(new_adjustment(group, reason, amount, quantity, pos))
        else:  # MOA
            outpatient = _new_outpatient(hit[1], hit[2], hit[3], pos)
    if line is not None:
        lines.append(_new_line(
            *line, l_date, l_from, l_to, l_adj, l_remarks, l_rejects, l_refs, l_amts, l_pos
        ))  # fmt: skip
        v.r.loop = "2100"
    (pcn, status, charge, paid, responsibility, filing, control, facility, frequency, drg,
     position) = clp  # fmt: skip
    claim = _new_claim(
        pcn, status, charge, paid, responsibility, filing, control, facility, frequency, drg,
        entities, adjustments, outpatient, inpatient, statement_from, statement_to, received,
        references, amounts, lines, position,
    )  # fmt: skip
    claims.append(claim)
    return ended


def _values(v: Values, sid: str, e: list[str], pos: int) -> tuple[Any, ...] | None:
    """The values of a CAS, DTM, NM1, SVC, AMT or MOA segment, led by a tag (``CAS+`` for a
    CAS of several adjustments); ``None`` for any other segment. They depend on the text
    alone (and the delimiters), never on the loop; bad content raises."""
    get_decimal = DECIMALS.get
    if sid == "CAS":
        size = len(e)
        if (size == 4 or size == 5) and e[1] in _GROUPS and e[2]:
            amount = get_decimal(e[3])
            quantity = get_decimal(e[4]) if size == 5 and e[4] else None
            if amount is not None and (size == 4 or not e[4] or quantity is not None):
                return ("CAS", e[1], e[2], amount, quantity)
        found = [(a.group, a.reason, a.amount, a.quantity) for a in v.cas(e, pos)]
        return ("CAS", *found[0]) if len(found) == 1 else ("CAS+", tuple(found))
    if sid == "DTM":
        if len(e) > 2 and e[1]:
            return ("DTM", e[1], DATES.get(e[2]) or v.date(e, pos, 2))
        return ("DTM", v.text(e, pos, 1), v.date(e, pos, 2))
    if sid == "NM1":
        if len(e) > 9 and e[1]:
            return ("NM1", e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9])
        p = e + _PAD
        return ("NM1", v.text(e, pos, 1), p[2], p[3], p[4], p[5], p[7], p[8], p[9])
    if sid == "SVC":
        v.r.loop = "2110"  # named by its errors
        return ("SVC", *_svc(v, e, pos))
    if sid == "AMT":
        if len(e) > 2 and e[1] and e[2] in DECIMALS:
            return ("AMT", e[1], DECIMALS[e[2]])
        return ("AMT", v.text(e, pos, 1), v.amount(e, pos, 2))
    if sid == "MOA":
        p = e + _PAD
        remarks = tuple(p[k] for k in range(3, 8) if p[k])
        return ("MOA", v.opt_amount(e, pos, 1), v.opt_amount(e, pos, 2), remarks)
    return None


def _clp(v: Values, e: list[str], pos: int) -> tuple[Any, ...]:
    """CLP01..CLP11 values and the position, checked one by one (raises on bad content)."""
    status = v.text(e, pos, 2)
    if status not in CLAIM_STATUS:
        raise v.error(e, pos, f"CLP02 claim status {status!r} is not a valid code")
    p = e + _PAD
    return (
        v.text(e, pos, 1), status, v.amount(e, pos, 3), v.amount(e, pos, 4),
        v.opt_amount(e, pos, 5), p[6], p[7], p[8], p[9], p[11], pos,
    )  # fmt: skip


def _svc(v: Values, e: list[str], pos: int) -> tuple[Any, ...]:
    """SVC01..SVC07 values (raises on bad content)."""
    p = e + _PAD
    component = v.component
    procedure = _PROCEDURES.get((p[1], component))
    original = _PROCEDURES.get((p[6], component)) if p[6] else None
    charge, paid = DECIMALS.get(p[2]), DECIMALS.get(p[3])
    units, original_units = DECIMALS.get(p[5]), DECIMALS.get(p[7])
    if (
        procedure is not None and (original is not None or not p[6])
        and charge is not None and paid is not None
        and (units is not None or not p[5]) and (original_units is not None or not p[7])
    ):  # fmt: skip
        return (procedure, charge, paid, p[4], units, original, original_units)
    original = v.procedure(e, pos, 6) if p[6] else None
    return (
        v.procedure(e, pos, 1), v.amount(e, pos, 2), v.amount(e, pos, 3), p[4],
        v.opt_amount(e, pos, 5), original, v.opt_amount(e, pos, 7),
    )  # fmt: skip
