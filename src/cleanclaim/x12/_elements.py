"""Typed element access for the acknowledgment and remittance parsers.

:class:`ElementReader` reads typed elements out of :class:`Segment` values and builds located
:class:`~cleanclaim.errors.X12Error` values. It is shared by the 835, 999 and 277CA parsers.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from cleanclaim.claims.remittance import Entity, Procedure
from cleanclaim.errors import X12Error
from cleanclaim.x12._837_fast import DATES, DECIMALS, fast_constructor, remember
from cleanclaim.x12.segments import Delimiters, Segment

__all__ = ["ElementReader"]

_AMOUNT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\d{8}")
_MAX_DIGITS = 18
_PAD = ("",) * 12
_new_entity = fast_constructor(
    Entity,
    ("entity_code", "entity_type", "last_name", "first_name", "middle_name", "suffix",
     "id_qualifier", "id", "position"),
)  # fmt: skip
_PROCEDURES: dict[tuple[str, str], Procedure] = {}


class ElementReader:
    """Reads typed elements out of segments and builds located :class:`X12Error` values.

    Error messages name elements by position and echo only code values (qualifiers,
    status codes), never amounts, dates or free text: a misaligned segment can put a
    name or a birth date where an amount should be, and errors end up in logs.
    """

    def __init__(self, path_name: str, delimiters: Delimiters) -> None:
        self.path_name = path_name
        self.delimiters = delimiters
        self.loop: str | None = None
        """The loop being read, named in errors."""

    def error(self, seg: Segment, reason: str) -> X12Error:
        """An error located at ``seg`` in the current loop."""
        return X12Error(
            self.path_name, reason, segment=seg.position, segment_id=seg.id, loop=self.loop
        )

    def text(self, seg: Segment, index: int) -> str:
        """Element ``index``, which must not be empty."""
        elements = seg[1]
        value = elements[index] if index < len(elements) else ""
        if not value:
            raise self.error(seg, f"{seg.id}{index:02d} is missing")
        return value

    def opt_amount(self, seg: Segment, index: int) -> Decimal | None:
        """Element ``index`` as a decimal (X12 ``R`` type), or ``None`` when empty."""
        elements = seg[1]
        value = elements[index] if index < len(elements) else ""
        if not value:
            return None
        found = DECIMALS.get(value)
        if found is not None:
            return found
        name = f"{seg.id}{index:02d}"
        if not _AMOUNT.fullmatch(value):
            raise self.error(seg, f"{name} is not a valid amount")
        # the pattern leaves digits, at most one point and one leading minus
        if len(value) - ("." in value) - (value[0] == "-") > _MAX_DIGITS:
            raise self.error(seg, f"{name} has more than {_MAX_DIGITS} digits")
        return remember(DECIMALS, value, Decimal(value))

    def amount(self, seg: Segment, index: int) -> Decimal:
        """Element ``index`` as a decimal; it must not be empty."""
        value = self.opt_amount(seg, index)
        if value is None:
            raise self.error(seg, f"{seg.id}{index:02d} is missing")
        return value

    def integer(self, seg: Segment, index: int) -> int:
        """Element ``index`` as a non-negative integer (counts, positions)."""
        value = self.text(seg, index)
        if not value.isdigit():
            raise self.error(seg, f"{seg.id}{index:02d} is not a whole number")
        return int(value)

    def parse_date(self, seg: Segment, index: int, value: str) -> dt.date:
        """``value`` (from element ``index``) as a CCYYMMDD date."""
        found = DATES.get(value)
        if found is not None:
            return found
        if _DATE.fullmatch(value):
            try:
                day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                pass
            else:
                return remember(DATES, value, day)
        raise self.error(seg, f"{seg.id}{index:02d} is not a valid date (CCYYMMDD)")

    def opt_date(self, seg: Segment, index: int) -> dt.date | None:
        """Element ``index`` as a CCYYMMDD date, or ``None`` when empty."""
        value = seg.get(index)
        return self.parse_date(seg, index, value) if value else None

    def date(self, seg: Segment, index: int) -> dt.date:
        """Element ``index`` as a CCYYMMDD date; it must not be empty."""
        return self.parse_date(seg, index, self.text(seg, index))

    def components(self, seg: Segment, index: int) -> list[str]:
        """Element ``index`` split into its components."""
        return seg.components(index, self.delimiters)

    def entity(self, seg: Segment) -> Entity:
        """An NM1 segment as an :class:`Entity`."""
        e = seg[1] + _PAD
        return _new_entity(self.text(seg, 1), e[2], e[3], e[4], e[5], e[7], e[8], e[9], seg[0])

    def procedure(self, seg: Segment, index: int) -> Procedure:
        """A procedure composite (``HC:99213:25``) at element ``index``."""
        elements = seg[1]
        composite = elements[index] if index < len(elements) else ""
        key = (composite, self.delimiters.component)
        found = _PROCEDURES.get(key)
        if found is not None:
            return found
        parts = composite.split(self.delimiters.component)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise self.error(seg, f"{seg.id}{index:02d} has no procedure code")
        made = Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m))
        return remember(_PROCEDURES, key, made)
