"""Loop 2100 of the 835: one CLP claim with its service lines (loop 2110), read in one go.

:func:`read_claim` consumes the segments of one claim with local state (no draft objects,
no handler call per segment) and builds the :class:`RemitClaim` when the next CLP, LX or
PLB (or the end of the set) comes. Segments that belong to the header (ST, BPR, TRN, N1,
PER) go to the header parser's handlers and leave the claim open, as they always did.
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
from cleanclaim.x12._837_fast import DATES, DECIMALS, fast_constructor
from cleanclaim.x12._elements import _PROCEDURES

__all__ = ["CLAIM_ENDS", "read_claim"]

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
Handlers = dict[str, Callable[[list[str], int], None]]


def read_claim(
    v: Values,
    segments: Iterator[tuple[int, list[str]]],
    pos: int,
    e: list[str],
    handlers: Handlers,
    claims: list[RemitClaim],
) -> tuple[int, list[str]] | None:
    """Read the claim whose CLP (elements ``e``) is at position ``pos``, taking its other
    segments from ``segments`` (position and elements of each), append it to ``claims`` and
    return the segment that ended it (``None`` at the end of the set)."""
    v.r.loop = "2100"
    get_decimal = DECIMALS.get
    get_date = DATES.get
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
    procedures = _PROCEDURES
    component = v.component
    ended: tuple[int, list[str]] | None = None
    for pos, e in segments:
        sid = e[0]
        if sid == "CAS":
            target = l_adj if line is not None else adjustments
            size = len(e)
            if (size == 4 or size == 5) and e[1] in _GROUPS and e[2]:
                # the common case: one triple, amount (and quantity) already seen
                amount = get_decimal(e[3])
                quantity = get_decimal(e[4]) if size == 5 and e[4] else None
                if amount is not None and (size == 4 or not e[4] or quantity is not None):
                    target.append(new_adjustment(e[1], e[2], amount, quantity, pos))
                    continue
            target.extend(v.cas(e, pos))
        elif sid == "DTM":
            if len(e) > 2 and e[1]:
                qualifier, day = e[1], get_date(e[2]) or v.date(e, pos, 2)
            else:
                qualifier, day = v.text(e, pos, 1), v.date(e, pos, 2)
            if line is not None:
                if qualifier == "472":
                    l_date = day
                elif qualifier == "150":
                    l_from = day
                elif qualifier == "151":
                    l_to = day
            elif qualifier == "232":
                statement_from = day
            elif qualifier == "233":
                statement_to = day
            elif qualifier == "050":
                received = day
        elif sid == "NM1":
            if len(e) > 9 and e[1]:
                entities.append(new_entity(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9], pos))
            else:
                entities.append(v.entity(e, pos))
        elif sid == "REF":
            if len(e) > 2 and e[1]:
                ref = _new_reference(e[1], e[2], pos)
            else:
                ref = _new_reference(v.text(e, pos, 1), e[2] if len(e) > 2 else "", pos)
            (l_refs if line is not None else references).append(ref)
        elif sid == "SVC":
            if line is not None:
                lines.append(_new_line(
                    *line, l_date, l_from, l_to, l_adj, l_remarks, l_rejects, l_refs, l_amts,
                    l_pos,
                ))  # fmt: skip
            v.r.loop = "2110"
            p = e + _PAD
            procedure = procedures.get((p[1], component))
            original = procedures.get((p[6], component)) if p[6] else None
            charge, paid = get_decimal(p[2]), get_decimal(p[3])
            units, original_units = get_decimal(p[5]), get_decimal(p[7])
            if (
                procedure is not None and (original is not None or not p[6])
                and charge is not None and paid is not None
                and (units is not None or not p[5]) and (original_units is not None or not p[7])
            ):  # fmt: skip
                line = (len(lines) + 1, procedure, charge, paid, p[4], units, original,
                        original_units)  # fmt: skip
            else:
                line = _svc(v, e, pos, len(lines) + 1)
            l_adj, l_refs, l_amts, l_remarks, l_rejects = [], [], [], (), ()
            l_date = l_from = l_to = None
            l_pos = pos
        elif sid == "AMT":
            if len(e) > 2 and e[1] and e[2] in DECIMALS:
                amt = _new_amount(e[1], DECIMALS[e[2]], pos)
            else:
                amt = _new_amount(v.text(e, pos, 1), v.amount(e, pos, 2), pos)
            (l_amts if line is not None else amounts).append(amt)
        elif sid in CLAIM_ENDS:
            ended = (pos, e)
            break
        elif sid == "MOA":
            p = e + _PAD
            remarks = tuple(p[k] for k in range(3, 8) if p[k])
            outpatient = _new_outpatient(
                v.opt_amount(e, pos, 1), v.opt_amount(e, pos, 2), remarks, pos
            )
        elif sid == "MIA":
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
            if handler is not None:  # a header segment inside the claim: the claim stays open
                handler(e, pos)
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


def _svc(v: Values, e: list[str], pos: int, number: int) -> tuple[Any, ...]:
    """The line number and SVC01..SVC07 values, checked one by one (raises on bad content)."""
    p = e + _PAD
    original = v.procedure(e, pos, 6) if p[6] else None
    return (
        number, v.procedure(e, pos, 1), v.amount(e, pos, 2), v.amount(e, pos, 3), p[4],
        v.opt_amount(e, pos, 5), original, v.opt_amount(e, pos, 7),
    )  # fmt: skip
