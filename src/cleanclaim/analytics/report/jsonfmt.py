"""The report as JSON: the same data, numbers exact (dollars and rates as decimal strings).

Dollars and fractions are strings (``"9840.50"``, ``"0.0519"``) so that nothing is rounded
through floating point; counts are JSON integers. Each KPI carries its numerator,
denominator, value and definition; each table row carries its derived rates.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, is_dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from cleanclaim.analytics.report.base import KpiValue, Month, Row
from cleanclaim.analytics.report.model import HeadlineKpi, ReportData

SCHEMA_VERSION = 1


def _value(obj: object) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Month):
        return str(obj)
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, KpiValue):
        value = obj.value
        out = {"numerator": _value(obj.numerator), "denominator": _value(obj.denominator),
               "value": None if value is None else str(round(value, 6))}  # fmt: skip
        if obj.note:
            out["note"] = obj.note
        return out
    if isinstance(obj, HeadlineKpi):
        d = obj.definition
        return {
            "key": obj.key, "name": d.name, "unit": d.unit.value, "source": d.source_label,
            "current": _value(obj.current),
            "prior": None if obj.prior is None else _value(obj.prior),
            "trend": [{"month": str(p.month), **_value(p.value)} for p in obj.trend],
        }  # fmt: skip
    if isinstance(obj, tuple | list):
        return [_value(v) for v in obj]
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _value(getattr(obj, f.name)) for f in fields(obj)}
        if isinstance(obj, Row):
            for derived in obj.DERIVED:
                rate = obj.rate(derived)
                out[derived.key] = None if rate is None else str(round(rate, 6))
        return out
    return obj


def report_json(report: ReportData) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    data.update(_value(report))
    return data


def render_json(report: ReportData) -> str:
    """The report as JSON text (indented, keys in field order)."""
    return json.dumps(report_json(report), indent=2) + "\n"
