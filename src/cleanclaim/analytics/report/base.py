"""Building blocks of the report data: column metadata, typed rows, months and KPI values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

Number = int | Decimal


class Fmt(StrEnum):
    """How a column's values read."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"
    RATE = "rate"
    DAYS = "days"
    DATE = "date"


NUMERIC_FMTS = frozenset({Fmt.INT, Fmt.MONEY, Fmt.RATE, Fmt.DAYS})


def col(label: str, fmt: Fmt, definition: str) -> dict[str, Any]:
    """Field metadata for a table column: ``x: int = field(metadata=col(...))``."""
    return {"label": label, "fmt": fmt, "definition": definition}


@dataclass(frozen=True)
class Derived:
    """A rate column computed from two fields of the same row (``None`` over zero)."""

    key: str
    label: str
    kpi: str
    numerator: str
    denominator: str
    after: str
    """The field the column follows."""


def _check_value(owner: str, name: str, value: object, fmt: Fmt | None) -> None:
    if isinstance(value, float):
        raise TypeError(f"{owner}.{name}: {value!r} is a float; use int or Decimal")
    if fmt in NUMERIC_FMTS and value is not None:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"{owner}.{name}: {value!r} is not an int or Decimal")
        if fmt is Fmt.INT and not isinstance(value, int):
            raise TypeError(f"{owner}.{name}: {value!r} must be an int")


class Row:
    """Base of table rows: checks number types; ``DERIVED`` declares rate columns."""

    DERIVED: ClassVar[tuple[Derived, ...]] = ()

    def __post_init__(self) -> None:
        owner = type(self).__name__
        for f in fields(self):  # type: ignore[arg-type]
            _check_value(owner, f.name, getattr(self, f.name), f.metadata.get("fmt"))

    def rate(self, derived: Derived) -> Decimal | None:
        """The value of one derived rate of this row."""
        num: Number = getattr(self, derived.numerator)
        den: Number = getattr(self, derived.denominator)
        return Decimal(num) / Decimal(den) if den else None


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-09`` -> Month(2026, 9); a ``ValueError`` names the expected form."""
        try:
            year, month = text.strip().split("-")
            return cls(int(year), int(month))
        except ValueError:
            raise ValueError(f"not a month: {text!r} (expected YYYY-MM)") from None

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``September 2026``."""
        return dt.date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def short(self) -> str:
        """``Sep 2026``."""
        return dt.date(self.year, self.month, 1).strftime("%b %Y")

    def shift(self, months: int) -> Month:
        """The month ``months`` later (negative: earlier)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class KpiValue:
    """A KPI as its two counts; ``value`` is numerator / denominator."""

    numerator: Number
    denominator: Number
    note: str = ""
    """How a figure was obtained when it matters (e.g. the basis of net revenue)."""

    def __post_init__(self) -> None:
        for name in ("numerator", "denominator"):
            _check_value("KpiValue", name, getattr(self, name), Fmt.MONEY)
        if self.denominator < 0 or self.numerator < 0:
            raise ValueError("KpiValue: numerator and denominator cannot be negative")

    @property
    def value(self) -> Decimal | None:
        """The fraction (rate) or the mean (days); ``None`` when the denominator is zero."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)
