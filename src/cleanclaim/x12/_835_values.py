"""Typed element access for the 835 parser, on element lists rather than segments.

The fast path of each reader is a look-up of the element text in a cache of texts already
validated; anything else goes to :class:`~cleanclaim.x12._elements.ElementReader` (on a
:class:`Segment` made for the purpose), which validates, caches and builds the errors, so the
two paths accept, return and reject exactly the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cleanclaim.claims.remittance import ADJUSTMENT_GROUPS, Adjustment, Entity, Procedure
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_fast import DATES, DECIMALS, fast_constructor
from cleanclaim.x12._elements import _PROCEDURES, ElementReader
from cleanclaim.x12.segments import Segment, make_segment

__all__ = ["Values", "new_adjustment", "new_entity", "parse_cas"]

new_adjustment = fast_constructor(Adjustment, ("group", "reason", "amount", "quantity", "position"))
new_entity = fast_constructor(
    Entity,
    ("entity_code", "entity_type", "last_name", "first_name", "middle_name", "suffix",
     "id_qualifier", "id", "position"),
)  # fmt: skip
_PAD = [""] * 12


def _segment(e: list[str], pos: int) -> Segment:
    return make_segment(pos, tuple(e))


class Values:
    """Element readers over ``(elements, position)``; errors name the reader's loop."""

    def __init__(self, reader: ElementReader) -> None:
        self.r = reader
        self.component = reader.delimiters.component

    def error(self, e: list[str], pos: int, reason: str) -> X12Error:
        return self.r.error(_segment(e, pos), reason)

    def text(self, e: list[str], pos: int, i: int) -> str:
        value = e[i] if i < len(e) else ""
        if not value:
            return self.r.text(_segment(e, pos), i)  # raises
        return value

    def opt_amount(self, e: list[str], pos: int, i: int) -> Decimal | None:
        value = e[i] if i < len(e) else ""
        if not value:
            return None
        found = DECIMALS.get(value)
        if found is not None:
            return found
        return self.r.opt_amount(_segment(e, pos), i)

    def amount(self, e: list[str], pos: int, i: int) -> Decimal:
        value = e[i] if i < len(e) else ""
        found = DECIMALS.get(value)
        if found is not None:
            return found
        return self.r.amount(_segment(e, pos), i)

    def date(self, e: list[str], pos: int, i: int) -> dt.date:
        value = e[i] if i < len(e) else ""
        found = DATES.get(value)
        if found is not None:
            return found
        return self.r.date(_segment(e, pos), i)

    def opt_date(self, e: list[str], pos: int, i: int) -> dt.date | None:
        value = e[i] if i < len(e) else ""
        if not value:
            return None
        found = DATES.get(value)
        if found is not None:
            return found
        return self.r.date(_segment(e, pos), i)

    def procedure(self, e: list[str], pos: int, i: int) -> Procedure:
        value = e[i] if i < len(e) else ""
        found = _PROCEDURES.get((value, self.component))
        if found is not None:
            return found
        return self.r.procedure(_segment(e, pos), i)

    def entity(self, e: list[str], pos: int) -> Entity:
        """An NM1 segment as an :class:`Entity`."""
        p = e + _PAD
        return new_entity(self.text(e, pos, 1), p[2], p[3], p[4], p[5], p[7], p[8], p[9], pos)

    def cas(self, e: list[str], pos: int) -> list[Adjustment]:
        """The adjustments of one CAS segment (see :func:`parse835.parse_cas`)."""
        found = _known_cas(e, pos)
        if found is not None:
            return found
        return parse_cas(self.r, _segment(e, pos))


def _known_cas(e: list[str], pos: int) -> list[Adjustment] | None:
    """The adjustments of a CAS whose group is valid and whose amounts and quantities were
    all seen before, else ``None`` (:func:`parse_cas` then reads it, or rejects it)."""
    size = len(e)
    if size < 4 or size > 20 or e[1] not in ADJUSTMENT_GROUPS:
        return None
    group, get = e[1], DECIMALS.get
    padded = [*e, "", ""]
    out: list[Adjustment] = []
    for i in range(2, size, 3):
        reason, amount, quantity = padded[i], padded[i + 1], padded[i + 2]
        if not reason:
            if amount or quantity:
                return None
            continue
        value = get(amount)
        if value is None:
            return None
        if quantity:
            number = get(quantity)
            if number is None:
                return None
        else:
            number = None
        out.append(new_adjustment(group, reason, value, number, pos))
    return out or None


def parse_cas(r: ElementReader, seg: Segment) -> list[Adjustment]:
    """The adjustments of one CAS segment: a group code, then up to 6 triples of
    (reason, amount, quantity)."""
    group = r.text(seg, 1)
    if group not in ADJUSTMENT_GROUPS:
        raise r.error(
            seg, f"CAS01 group code {group!r} is not one of {', '.join(sorted(ADJUSTMENT_GROUPS))}"
        )
    elements = seg[1]
    size = len(elements)
    if size > 20:
        raise r.error(seg, "CAS has more than 6 reason/amount/quantity triples")
    e = elements + ("",) * 3
    position = seg[0]
    adjustments: list[Adjustment] = []
    for i in range(2, size, 3):
        reason, amount = e[i], e[i + 1]
        if not reason and not amount and not e[i + 2]:
            continue
        if not reason:
            raise r.error(seg, f"CAS{i:02d} is missing: an amount has no reason code")
        if not amount:
            raise r.error(seg, f"CAS{i + 1:02d} is missing: reason {reason} has no amount")
        adjustments.append(
            new_adjustment(group, reason, r.amount(seg, i + 1), r.opt_amount(seg, i + 2), position)
        )
    if not adjustments:
        raise r.error(seg, "CAS02 is missing: a CAS needs at least one adjustment")
    return adjustments
