"""Write the 999 (005010X231A1) that answers a validated file.

One acknowledgment interchange answers each interchange of the file, its sender and receiver
swapped:

* an interchange whose envelope is damaged (a finding on the interchange, or one that could
  not be read to its end) gets a ``TA1`` with ``TA104 = R`` and the TA105 code of its first
  finding, and no 999: ingest quarantines all of it, whatever its sets hold;
* otherwise each functional group gets one 999 transaction set: ``AK1``, then per
  transaction set ``AK2``, an ``IK3`` (with ``IK4`` for element errors) per segment in error,
  and ``IK5`` (``A`` accepted, ``R`` rejected with its IK502 codes), and ``AK9`` (``A``,
  ``P`` partially accepted, ``R`` rejected, with AK905 codes when the group's own envelope
  is damaged, in which case no set counts as accepted).

Warnings are not acknowledged. The bad element values are never copied into ``IK404``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cleanclaim.x12.validate import (
    Finding,
    GroupFacts,
    InterchangeFacts,
    SetFacts,
    Severity,
    Unit,
    ValidationReport,
)

__all__ = ["VERSION_999", "render_999"]

VERSION_999 = "005010X231A1"
_UNSAFE = str.maketrans({"*": " ", ":": " ", "^": " ", "~": " "})


def render_999(report: ValidationReport, *, created: dt.datetime, control_number: int = 1) -> str:
    """The acknowledgment interchanges for ``report`` (``""`` when the file had none)."""
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    out: list[str] = []
    for n, ic in enumerate(sorted(report.interchanges, key=lambda i: i.index)):
        mine = [f for f in errors if f.interchange == ic.index]
        out.append(_interchange(ic, mine, created, (control_number + n - 1) % 999_999_999 + 1))
    return "".join(out)


def _safe(value: str, width: int | None = None) -> str:
    text = "".join(ch for ch in value.translate(_UNSAFE) if " " <= ch <= "}").strip()
    return text if width is None else text[:width]


def _interchange(
    ic: InterchangeFacts, errors: list[Finding], created: dt.datetime, control: int
) -> str:
    ctl9 = f"{control:09d}"
    sender, receiver = _safe(ic.receiver, 15) or "UNKNOWN", _safe(ic.sender, 15) or "UNKNOWN"
    usage = ic.usage if ic.usage in ("P", "T") else "P"
    segs = [
        "*".join(
            (
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                _safe(ic.receiver_qualifier, 2) or "ZZ",
                f"{sender:<15}",
                _safe(ic.sender_qualifier, 2) or "ZZ",
                f"{receiver:<15}",
                created.strftime("%y%m%d"),
                created.strftime("%H%M"),
                "^",
                "00501",
                ctl9,
                "0",
                usage,
                ":",
            )
        )
    ]
    envelope = [f for f in errors if f.unit is Unit.INTERCHANGE]
    if envelope or not ic.complete:
        code = next((f.code for f in envelope if f.code_element == "TA105" and f.code), "022")
        segs.append(f"TA1*{_safe(ic.control, 9)}*{_safe(ic.date, 6)}*{_safe(ic.time, 4)}*R*{code}")
        segs.append(f"IEA*0*{ctl9}")
        return "~".join(segs) + "~\n"
    groups = [g for g in ic.groups if g.sets or g.functional_id]
    if not groups:
        segs.append(f"IEA*0*{ctl9}")
        return "~".join(segs) + "~\n"
    first = next((s for g in groups for s in g.sets), None)
    gs_sender = _safe(first.receiver if first else "", 15) or sender
    gs_receiver = _safe(first.sender if first else "", 15) or receiver
    segs.append(
        "*".join(
            (
                "GS",
                "FA",
                gs_sender,
                gs_receiver,
                created.strftime("%Y%m%d"),
                created.strftime("%H%M"),
                str(control),
                "X",
                VERSION_999,
            )
        )
    )
    for n, group in enumerate(groups, start=1):
        body = _group(group, [f for f in errors if f.group == group.index])
        st02 = f"{n:04d}"
        segs.append(f"ST*999*{st02}*{VERSION_999}")
        segs.extend(body)
        segs.append(f"SE*{len(body) + 2}*{st02}")
    segs.append(f"GE*{len(groups)}*{control}")
    segs.append(f"IEA*1*{ctl9}")
    return "~".join(segs) + "~\n"


def _group(group: GroupFacts, errors: list[Finding]) -> list[str]:
    body = [_seg("AK1", group.functional_id, group.control, group.version)]
    accepted = 0
    for one in group.sets:
        lines, ok = _set(one, [f for f in errors if f.set_position == one.position])
        body.extend(lines)
        accepted += ok
    own = [f for f in errors if f.unit is Unit.GROUP]
    codes = _codes(f.code for f in own if f.code_element == "AK905")
    n = len(group.sets)
    if own:
        status, accepted = "R", 0
    elif accepted == n:
        status = "A"
    else:
        status = "R" if accepted == 0 else "P"
    body.append(_seg("AK9", status, str(n), str(n), str(accepted), *codes))
    return body


def _set(one: SetFacts, errors: list[Finding]) -> tuple[list[str], bool]:
    lines = [_seg("AK2", _safe(one.id, 3), _safe(one.control, 9), _safe(one.implementation, 35))]
    segment_errors = [f for f in errors if f.code_element == "IK304" and f.segment]
    by_segment: dict[int, list[Finding]] = {}
    for f in segment_errors:  # one IK3 per segment, one IK4 per element (checkers overlap)
        assert f.segment is not None
        by_segment.setdefault(f.segment, []).append(f)
    for position in sorted(by_segment):
        found = by_segment[position]
        codes = [f.code for f in found if f.code and f.code != "8"]
        lines.append(
            _seg(
                "IK3",
                _safe(found[0].segment_id or "", 3),
                str(position - one.position + 1),
                "",
                codes[0] if codes else "8",
            )
        )
        seen: set[tuple[int, int | None]] = set()
        for f in sorted(found, key=lambda f: f.data_element is None):
            if f.element and (f.element, f.component) not in seen:
                seen.add((f.element, f.component))
                where = f"{f.element}:{f.component}" if f.component else str(f.element)
                lines.append(_seg("IK4", where, f.data_element or "", f.element_code or "7"))
    codes = _codes(f.code for f in errors if f.code_element == "IK502")
    if segment_errors and "5" not in codes:
        codes = [*codes, "5"][:5]
    if not errors:
        lines.append("IK5*A")
        return lines, True
    lines.append(_seg("IK5", "R", *(codes or ["5"])))
    return lines, False


def _codes(codes: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for code in codes:
        if code and code not in out:
            out.append(code)
    return out[:5]


def _seg(*elements: str) -> str:
    return "*".join(elements).rstrip("*")
