"""The pyx12 side of ``cleanclaim validate`` (see :mod:`cleanclaim.x12.validate`).

pyx12 4.0.0 validates a file against the implementation guides' maps (SNIP 1-2). It is run
in-process on the file decoded as latin-1 (pyx12 itself would open it as ASCII and raise on
the first non-ASCII byte), its logging and printing are silenced, and anything it raises
becomes one finding ``pyx12 could not validate: ...``. Its errors are read from its JSON
output and attached to the interchanges, groups and sets found by cleanclaim's own pass, in
file order; element values are masked in its messages (they may be PHI).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from pathlib import Path
from typing import Any

from cleanclaim.x12.validate import (
    Finding,
    GroupFacts,
    InterchangeFacts,
    SetFacts,
    Severity,
    Unit,
    ValidationReport,
)

__all__ = ["run_pyx12"]

_IK304 = frozenset({"1", "2", "3", "4", "5", "6", "7", "8", "I4", "I6", "I7", "I8", "I9"})
_IK403 = frozenset(
    {
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "12",
        "13",
        "I6",
        "I9",
        "I10",
        "I11",
        "I12",
        "I13",
    }
)
_NOT_FOUND = re.compile(r"^Segment .*? not found\.", re.DOTALL)
_MAX_MESSAGE = 300


class _Capture(logging.Handler):
    """Collects pyx12's error log lines instead of letting them reach stderr."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.lines.append(record.getMessage())


def _clean(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split()))
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _mask(text: str, value: Any, segment_id: str | None = None) -> str:
    """pyx12's message without the element value (or the whole segment) it quotes."""
    if isinstance(value, str) and value:
        for left, right in (("(", ")"), ('"', '"'), ("'", "'")):
            text = text.replace(f"{left}{value}{right}", f"{left}...{right}")
    if segment_id and _NOT_FOUND.match(text):
        text = _NOT_FOUND.sub(f"Segment {segment_id} not found.", text, count=1)
    return _clean(text)


def run_pyx12(path: Path, report: ValidationReport) -> None:
    """Run pyx12 over ``path`` and add its findings to ``report`` (never raises)."""
    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        report.pyx12 = "not installed"
        report.findings.append(
            Finding(
                Severity.WARNING,
                Unit.FILE,
                "pyx12 is not installed: the implementation-guide "
                "checks (SNIP 2) were skipped; install the 'oracles' extra",
                "pyx12",
                2,
            )
        )
        return
    capture = _Capture()
    logger = logging.getLogger("pyx12")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers, logger.propagate = [capture], False
    logger.setLevel(logging.ERROR)
    fd_json = io.StringIO()
    try:
        with (
            path.open("r", encoding="latin-1", newline="") as fh,
            contextlib.redirect_stdout(io.StringIO()),
        ):
            ok = pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(), src_file=fh, fd_997=None, fd_html=None, fd_json=fd_json
            )
            name = repr(fh)
    except Exception as exc:  # pyx12 crashes on some malformed input: report, never raise
        report.pyx12 = "crashed"
        _could_not(report, f"{type(exc).__name__}: {exc}")
        return
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    report.pyx12 = "ran"
    try:
        doc = json.loads(fd_json.getvalue() or "{}")
        added = _Mapper(report).run(doc)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        _could_not(report, f"unreadable pyx12 output ({type(exc).__name__})")
        return
    if not ok and not added:
        lines = [line.replace(name, str(path)) for line in capture.lines]
        _could_not(report, "; ".join(lines) or "it rejected the file without saying why")


def _could_not(report: ValidationReport, why: str) -> None:
    report.findings.append(
        Finding(Severity.ERROR, Unit.FILE, f"pyx12 could not validate: {_clean(why)}", "pyx12", 1)
    )


class _Mapper:
    """Turns pyx12's JSON error tree into findings on cleanclaim's interchanges and sets."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        self.added = 0
        self.known = {
            (f.code_element, f.code, f.interchange, f.group, f.set_position)
            for f in report.findings
            if f.code_element in ("TA105", "AK905", "IK502")
        }

    def add(self, finding: Finding) -> None:
        key = (
            finding.code_element,
            finding.code,
            finding.interchange,
            finding.group,
            finding.set_position,
        )
        self.added += 1  # a duplicate of cleanclaim's own finding still counts as found
        if finding.code_element in ("TA105", "AK905", "IK502") and key in self.known:
            return
        self.report.findings.append(finding)

    def run(self, doc: dict[str, Any]) -> int:
        ics = sorted(self.report.interchanges, key=lambda ic: ic.index)
        for i, isa in enumerate(doc.get("interchanges", [])):
            ic = ics[i] if i < len(ics) and ics[i].control == isa.get("isa_trn_set_id") else None
            for e in isa.get("errors", []):
                self.add(
                    Finding(
                        Severity.ERROR,
                        Unit.INTERCHANGE,
                        _clean(str(e["err_str"])),
                        "pyx12",
                        1,
                        ic.position if ic else isa.get("cur_line"),
                        "ISA",
                        interchange=ic.index if ic else None,
                        code=str(e["err_cde"]),
                        code_element="TA105",
                    )
                )
            for j, gs in enumerate(isa.get("groups", [])):
                self._group(ic, j, gs)
        return self.added

    def _group(self, ic: InterchangeFacts | None, j: int, gs: dict[str, Any]) -> None:
        group: GroupFacts | None = None
        if (
            ic is not None
            and j < len(ic.groups)
            and ic.groups[j].control == str(gs.get("gs_control_num"))
        ):
            group = ic.groups[j]
        for e in gs.get("errors", []):
            self.add(
                Finding(
                    Severity.ERROR,
                    Unit.GROUP,
                    _clean(str(e["err_str"])),
                    "pyx12",
                    1,
                    group.position if group else gs.get("cur_line"),
                    "GS",
                    interchange=ic.index if ic else None,
                    group=group.index if group else None,
                    code=str(e["err_cde"]),
                    code_element="AK905",
                )
            )
        for k, st in enumerate(gs.get("transactions", [])):
            one: SetFacts | None = None
            if (
                group is not None
                and k < len(group.sets)
                and group.sets[k].control == str(st.get("trn_set_control_num"))
            ):
                one = group.sets[k]
            self._set(ic, group, one, st)

    def _set(
        self,
        ic: InterchangeFacts | None,
        group: GroupFacts | None,
        one: SetFacts | None,
        st: dict[str, Any],
    ) -> None:
        control = one.control if one else str(st.get("trn_set_control_num"))

        def found(
            severity: Severity,
            message: str,
            snip: int,
            segment: Any,
            sid: str | None,
            code: str | None,
            code_element: str | None,
            *,
            element: Any = None,
            component: Any = None,
            data_element: str | None = None,
            element_code: str | None = None,
        ) -> None:
            self.add(
                Finding(
                    severity,
                    Unit.SET,
                    message,
                    "pyx12",
                    snip,
                    segment if isinstance(segment, int) else None,
                    sid,
                    interchange=ic.index if ic else None,
                    group=group.index if group else None,
                    set_position=one.position if one else None,
                    set_control=control,
                    code=code,
                    code_element=code_element,
                    element=element if isinstance(element, int) else None,
                    component=component if isinstance(component, int) else None,
                    data_element=data_element,
                    element_code=element_code,
                )
            )

        for e in st.get("errors", []):
            found(
                Severity.ERROR,
                _clean(str(e["err_str"])),
                1,
                one.position if one else st.get("cur_line"),
                "ST",
                str(e["err_cde"]),
                "IK502",
            )
        for sg in st.get("segments", []):
            sid = str(sg.get("seg_id") or "")[:3] or None
            count = sg.get("seg_count")
            pos = (
                one.position + count - 1
                if one and isinstance(count, int) and count > 0
                else sg.get("cur_line")
            )
            for e in sg.get("errors", []):
                code = str(e["err_cde"])
                message = _mask(str(e["err_str"]), e.get("err_val"), sid)
                if code == "SEG1":  # trailing element separators: a warning
                    found(Severity.WARNING, message, 1, pos, sid, None, None)
                else:
                    found(
                        Severity.ERROR,
                        message,
                        1 if code == "1" else 2,
                        pos,
                        sid,
                        code if code in _IK304 else "8",
                        "IK304",
                    )
            for el in sg.get("elements", []):
                for e in el.get("errors", []):
                    code = str(e["err_cde"])
                    found(
                        Severity.ERROR,
                        _mask(str(e["err_str"]), e.get("err_val")),
                        2,
                        pos,
                        sid,
                        "8",
                        "IK304",
                        element=el.get("ele_pos"),
                        component=el.get("subele_pos"),
                        data_element=str(el.get("ele_ref_num") or "") or None,
                        element_code=code if code in _IK403 else "7",
                    )
