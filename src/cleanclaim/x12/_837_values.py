"""Element-level parsing shared by the 837 parser: numbers, dates, composites, CAS, HI.

Every function raises ``ValueError`` with a short reason; the parser turns it into an
:class:`~cleanclaim.errors.X12Error` with the segment and loop. Reasons name the element but
never repeat its value: dates of service are PHI, and a misaligned segment can put a name
or a member id where a number was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from cleanclaim.claims.model import Adjustment
from cleanclaim.x12._837_fast import DECIMALS, fast_constructor, remember
from cleanclaim.x12.segments import Delimiters

_DECIMAL: Final = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_MAX_DIGITS: Final = 18  # X12 R data type: at most 18 digits


def to_decimal(text: str, name: str) -> Decimal:
    """An X12 ``R``/``N`` value: optional minus, digits, optional point. No exponent, no commas."""
    found = DECIMALS.get(text)
    if found is not None:
        return found
    value = text.strip()
    if not _DECIMAL.fullmatch(value) or sum(ch.isdigit() for ch in value) > _MAX_DIGITS:
        raise ValueError(f"{name} is not an X12 decimal number")
    return remember(DECIMALS, text, Decimal(value))


def opt_decimal(text: str, name: str) -> Decimal | None:
    if not text:
        return None
    found = DECIMALS.get(text)
    if found is not None:
        return found
    return to_decimal(text, name) if text.strip() else None


_INTS: Final[dict[str, int]] = {}


def to_int(text: str, name: str) -> int:
    found = _INTS.get(text)
    if found is not None:
        return found
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise ValueError(f"{name} is not a whole number")
    return remember(_INTS, text, int(value))


def _show(value: str) -> str:
    """A value for an error message: truncated, and non-printable characters masked."""
    text = "".join(ch if ch.isprintable() else "?" for ch in value[:20])
    return repr(text + ("..." if len(value) > 20 else ""))


def _d8(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError("not CCYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _hhmm(text: str) -> str:
    if len(text) != 4 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:]) > 59:
        raise ValueError("not HHMM")
    return text


@dataclass(frozen=True, slots=True)
class DateValue:
    start: date | None
    end: date | None = None
    time: str | None = None


D8_VALUES: Final[dict[str, DateValue]] = {}
"""Element text -> value, for texts already read as D8 dates."""


def parse_date(fmt: str, text: str, name: str) -> DateValue:
    """A date in format ``D8``, ``RD8``, ``DT`` or ``TM``."""
    if fmt == "D8":
        found = D8_VALUES.get(text)
        if found is not None:
            return found
    value = text.strip()
    try:
        if fmt == "D8":
            return remember(D8_VALUES, text, DateValue(_d8(value)))
        if fmt == "RD8":
            first, sep, last = value.partition("-")
            if not sep:
                raise ValueError("no '-'")
            start, end = _d8(first), _d8(last)
            if end < start:
                raise ValueError(f"{name} is a date range that ends before it starts")
            return DateValue(start, end)
        if fmt == "DT":
            return DateValue(_d8(value[:8]), time=_hhmm(value[8:12]))
        if fmt == "TM":
            return DateValue(None, time=_hhmm(value[:4]))
    except ValueError as exc:
        if "ends before" in str(exc):
            raise
        raise ValueError(f"{name} is not a valid {fmt} date") from None
    raise ValueError(f"unsupported date format qualifier {_show(fmt)}")


_PROCEDURES: Final[dict[tuple[str, str], tuple[str | None, str | None, tuple[str, ...]]]] = {}


def procedure(composite: str, d: Delimiters) -> tuple[str | None, str | None, tuple[str, ...]]:
    """``HC:99213:25:59`` -> (qualifier, code, modifiers); empty parts become ``None``/dropped."""
    key = (composite, d.component)
    found = _PROCEDURES.get(key)
    if found is not None:
        return found
    parts = [p.strip() for p in composite.split(d.component)] if composite else []
    qualifier = parts[0] if parts and parts[0] else None
    code = parts[1] if len(parts) > 1 and parts[1] else None
    modifiers = tuple(m for m in parts[2:6] if m)
    return remember(_PROCEDURES, key, (qualifier, code, modifiers))


_new_adjustment: Final = fast_constructor(Adjustment)
_CAS_NAMES: Final = {i: (f"CAS{i + 1:02d}", f"CAS{i + 2:02d}") for i in range(2, 20, 3)}
_PAD: Final = [""] * 20


def cas_adjustments(elements: list[str]) -> list[Adjustment]:
    """The (reason, amount, quantity) triples of a CAS segment."""
    e = elements + _PAD
    group = e[1].strip()
    if not group:
        raise ValueError("CAS01 adjustment group code is missing")
    out: list[Adjustment] = []
    for i in range(2, 20, 3):
        reason = e[i].strip()
        if not reason:
            continue
        amount_name, quantity_name = _CAS_NAMES[i]
        amount = to_decimal(e[i + 1], amount_name)
        quantity = opt_decimal(e[i + 2], quantity_name)
        out.append(_new_adjustment(group, reason, amount, quantity))
    if not out:
        raise ValueError("CAS has no adjustment reason code")
    return out


@dataclass(frozen=True, slots=True)
class HiCode:
    qualifier: str
    code: str
    date: DateValue | None
    amount: Decimal | None
    poa: str | None


_HI_NAMES: Final = [f"HI{i:02d}" for i in range(100)]


def hi_codes(
    composites: list[str], d: Delimiters, numbers: list[int] | None = None
) -> list[HiCode]:
    """Every composite of an HI segment (HI01..HI12), in order. ``numbers`` gives the
    element number of each composite when they are not simply 1, 2, 3..."""
    out: list[HiCode] = []
    component = d.component
    for i, raw in enumerate(composites, 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split(component)]
        qualifier, code = parts[0], parts[1] if len(parts) > 1 else ""
        number = numbers[i - 1] if numbers is not None else i
        name = _HI_NAMES[number] if number < 100 else f"HI{number:02d}"
        if not qualifier or not code:
            raise ValueError(f"{name} has no code list qualifier or code")
        if len(parts) == 2:
            out.append(HiCode(qualifier, code, None, None, None))
            continue
        parts += [""] * (9 - len(parts))
        when = parse_date(parts[2], parts[3], f"{name}-4") if parts[2] and parts[3] else None
        amount = opt_decimal(parts[4], f"{name}-5")
        out.append(HiCode(qualifier, code, when, amount, parts[8] or None))
    return out
