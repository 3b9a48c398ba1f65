"""cleanclaim's own checks for ``cleanclaim validate`` (see :mod:`cleanclaim.x12.validate`).

Two passes over the file: segment by segment with the streaming reader (ISA facts, duplicate
ISA13, leading bytes, ISA11, characters, trailing separators), then set by set with the
envelope layer (envelope counts and control numbers, and each readable set parsed the way
ingest parses it, balancing excluded).
"""

from __future__ import annotations

from pathlib import Path

from cleanclaim.errors import X12Error
from cleanclaim.x12.envelope import (
    EnvelopeReader,
    InterchangeSummary,
    TransactionKind,
    TransactionSet,
)
from cleanclaim.x12.reader import X12Reader
from cleanclaim.x12.segments import Segment
from cleanclaim.x12.validate import (
    Finding,
    GroupFacts,
    InterchangeFacts,
    SetFacts,
    Severity,
    Unit,
    ValidationReport,
)

__all__ = ["run_structure"]

_UNEXPECTED = (ValueError, KeyError, IndexError, TypeError, ArithmeticError, AttributeError)
_READABLE = frozenset(
    {
        TransactionKind.PROFESSIONAL_837,
        TransactionKind.INSTITUTIONAL_837,
        TransactionKind.REMITTANCE_835,
        TransactionKind.ACK_999,
        TransactionKind.CLAIM_ACK_277CA,
    }
)

# -- codes -----------------------------------------------------------------------------------

_SET_CODES = (
    ("SE01", "4"),
    ("SE02", "3"),
    ("missing SE", "2"),
    ("ST03", "19"),
    ("duplicate ST02", "23"),
)
_GROUP_CODES = (("GE01", "5"), ("GE02", "4"), ("missing GE", "3"), ("duplicate GS06", "19"))
_INTERCHANGE_CODES = (
    ("IEA01", "021"),
    ("IEA02", "001"),
    ("missing IEA", "023"),
    ("duplicate ISA13", "025"),
    ("unusable delimiters", "026"),
    ("outside a functional group", "024"),
    ("GE without GS", "024"),
    ("expected ISA", "024"),
)


def _code(message: str, table: tuple[tuple[str, str], ...], default: str | None) -> str | None:
    return next((code for prefix, code in table if prefix in message), default)


def run_structure(path: Path, msb: int, report: ValidationReport) -> None:
    """Add cleanclaim's own findings and the file's structure to ``report``."""
    isa = _segment_pass(path, msb, report)
    _envelope_pass(path, msb, report, isa)


def _segment_pass(path: Path, msb: int, report: ValidationReport) -> dict[int, InterchangeFacts]:
    """Segment by segment: ISA facts, duplicate ISA13, characters, trailing separators."""
    reader = X12Reader(path, max_segment_bytes=msb, path_name=str(path))
    facts: dict[int, InterchangeFacts] = {}
    seen: dict[str, int] = {}
    ic = group = 0
    set_pos: int | None = None
    set_control: str | None = None
    add = report.findings.append
    try:
        for seg in reader:
            sid = seg.id
            if sid == "ISA":
                info = reader.interchange
                assert info is not None
                ic, group = info.index, 0
                facts[ic] = _isa_facts(seg, ic)
                _isa_warnings(
                    seg, info.byte_offset, info.bom_stripped, info.delimiters.repetition, ic, report
                )
                control = seg.get(13)
                if control in seen:
                    add(
                        Finding(
                            Severity.ERROR,
                            Unit.INTERCHANGE,
                            f"duplicate ISA13 {control!r}: interchange {seen[control]} of "
                            "this file has the same control number",
                            "cleanclaim",
                            1,
                            seg.position,
                            "ISA",
                            interchange=ic,
                            code="025",
                            code_element="TA105",
                        )
                    )
                seen.setdefault(control, ic)
                continue
            if sid == "GS":
                group += 1
            elif sid == "ST":
                set_pos, set_control = seg.position, seg.get(2)
            delimiters = reader.delimiters
            _check_characters(
                seg,
                delimiters.component + delimiters.repetition,
                (ic, group or None, set_pos, set_control),
                report,
            )
            if sid in ("SE", "GE", "IEA"):
                set_pos = set_control = None
    except X12Error:
        pass  # reported by the envelope pass, which meets the same error
    return facts


def _isa_facts(seg: Segment, index: int) -> InterchangeFacts:
    return InterchangeFacts(
        index=index,
        position=seg.position,
        control=seg.get(13).strip(),
        sender_qualifier=seg.get(5).strip() or "ZZ",
        sender=seg.get(6).strip(),
        receiver_qualifier=seg.get(7).strip() or "ZZ",
        receiver=seg.get(8).strip(),
        date=seg.get(9).strip(),
        time=seg.get(10).strip(),
        version=seg.get(12).strip(),
        usage=seg.get(15).strip(),
    )


def _isa_warnings(
    seg: Segment, offset: int, bom: bool, repetition: str, ic: int, report: ValidationReport
) -> None:
    def warn(message: str, unit: Unit = Unit.INTERCHANGE) -> None:
        report.findings.append(
            Finding(
                Severity.WARNING,
                unit,
                message,
                "cleanclaim",
                1,
                seg.position,
                "ISA",
                interchange=ic,
            )
        )

    if bom:
        warn("a UTF-8 byte-order mark before the ISA was skipped", Unit.FILE)
    if ic == 1 and offset > (3 if bom else 0):
        skipped = offset - (3 if bom else 0)
        warn(f"{skipped} whitespace byte(s) before the first ISA were skipped", Unit.FILE)
    if not repetition and seg.get(12) >= "00402":
        warn(
            f"ISA11 {seg.get(11)!r} is not a usable repetition separator for version "
            f"{seg.get(12)!r}: repeated elements are not split"
        )


def _check_characters(
    seg: Segment,
    extra: str,
    where: tuple[int, int | None, int | None, str | None],
    report: ValidationReport,
) -> None:
    """Printable ASCII only (the X12 extended character set); trailing separators warned."""
    ic, group, set_pos, set_control = where
    elements = seg.elements
    unit = Unit.SET if set_pos is not None else Unit.INTERCHANGE
    for i, value in enumerate(elements):
        if value.isascii() and value.isprintable():
            continue
        bad = next((ch for ch in value if not (" " <= ch <= "~" or ch in extra)), None)
        if bad is None:
            continue
        name = f"{elements[0]}{i:02d}" if i else "segment id"
        report.findings.append(
            Finding(
                Severity.ERROR,
                unit,
                f"invalid character 0x{ord(bad):02X} in {name} (X12 allows printable ASCII only)",
                "cleanclaim",
                1,
                seg.position,
                elements[0][:3] or None,
                interchange=ic,
                group=group,
                set_position=set_pos,
                set_control=set_control,
                code="8",
                code_element="IK304" if set_pos else None,
                element=i or None,
                element_code="6",
            )
        )
        break
    if len(elements) > 1 and elements[-1] == "":
        report.findings.append(
            Finding(
                Severity.WARNING,
                unit,
                "trailing element separator(s) at the end of the segment",
                "cleanclaim",
                1,
                seg.position,
                elements[0][:3] or None,
                interchange=ic,
                group=group,
                set_position=set_pos,
                set_control=set_control,
            )
        )


def _envelope_pass(
    path: Path, msb: int, report: ValidationReport, isa: dict[int, InterchangeFacts]
) -> None:
    """Envelope counts and control numbers, and cleanclaim's own reading of each set."""
    env = EnvelopeReader(path, path_name=str(path), max_segment_bytes=msb)
    sets: dict[int, list[tuple[int, SetFacts]]] = {}
    try:
        for item in env:
            if isinstance(item, TransactionSet):
                facts = SetFacts(
                    item.id,
                    item.control_number,
                    item.implementation,
                    item.position,
                    item.kind.value,
                    item.group_sender,
                    item.group_receiver,
                )
                sets.setdefault(item.interchange_index, []).append((item.group_index, facts))
                _check_set(item, str(path), report)
            else:
                _interchange(item, isa, sets.pop(item.index, []), report)
    except X12Error as exc:
        _fatal(exc, env, isa, sets, report)


def _check_set(ts: TransactionSet, name: str, report: ValidationReport) -> None:
    def found(
        message: str,
        segment: int | None,
        sid: str | None,
        code: str | None,
        code_element: str,
        snip: int,
    ) -> None:
        report.findings.append(
            Finding(
                Severity.ERROR,
                Unit.SET,
                message,
                "cleanclaim",
                snip,
                segment,
                sid,
                interchange=ts.interchange_index,
                group=ts.group_index or None,
                set_position=ts.position,
                set_control=ts.control_number,
                code=code,
                code_element=code_element,
            )
        )

    if not ts.ok:
        reason = ts.error or ""
        if reason.startswith("malformed segment id"):
            found(reason, ts.error_segment, ts.error_segment_id, "1", "IK304", 1)
        else:
            found(
                reason,
                ts.error_segment or ts.position,
                ts.error_segment_id or "ST",
                _code(reason, _SET_CODES, "5"),
                "IK502",
                1,
            )
        return
    if ts.kind not in _READABLE:
        return
    try:
        _read_set(ts, name)
    except X12Error as exc:
        if exc.segment is None or exc.segment_id in (None, "ST", "SE"):
            found(exc.reason, exc.segment or ts.position, exc.segment_id or "ST", "5", "IK502", 2)
        else:
            found(exc.reason, exc.segment, exc.segment_id, "8", "IK304", 2)
    except _UNEXPECTED as exc:
        found(f"could not read the set ({type(exc).__name__})", ts.position, "ST", "5", "IK502", 2)


def _read_set(ts: TransactionSet, name: str) -> None:
    """Parse a set the way ingest does (balancing excluded), for its X12Error."""
    from cleanclaim.x12.parse835 import parse_835
    from cleanclaim.x12.parse837 import parse_837
    from cleanclaim.x12.parse_ack import parse_277ca, parse_999

    kind, d, control = ts.kind, ts.delimiters, ts.control_number
    if kind in (TransactionKind.PROFESSIONAL_837, TransactionKind.INSTITUTIONAL_837):
        parse_837(ts, d, name)
    elif kind is TransactionKind.REMITTANCE_835:
        parse_835(ts.segments, d, name, control_number=control)
    elif kind is TransactionKind.ACK_999:
        parse_999(ts.segments, d, name, control_number=control)
    else:
        parse_277ca(ts.segments, d, name, control_number=control)


def _interchange(
    summary: InterchangeSummary,
    isa: dict[int, InterchangeFacts],
    sets: list[tuple[int, SetFacts]],
    report: ValidationReport,
) -> None:
    facts = isa.get(summary.index) or InterchangeFacts(summary.index, summary.position)
    facts.complete = True
    for g in summary.groups:
        group = GroupFacts(
            g.index,
            g.functional_id,
            g.control_number,
            g.version,
            g.position,
            [s for gi, s in sets if gi == g.index],
        )
        facts.groups.append(group)
        if g.error is not None:
            report.findings.append(
                Finding(
                    Severity.ERROR,
                    Unit.GROUP,
                    f"functional group {g.control_number}: {g.error}",
                    "cleanclaim",
                    1,
                    g.error_segment or g.position,
                    g.error_segment_id or "GS",
                    interchange=summary.index,
                    group=g.index,
                    code=_code(g.error, _GROUP_CODES, None),
                    code_element="AK905",
                )
            )
    report.interchanges.append(facts)
    if summary.error is not None:
        report.findings.append(
            Finding(
                Severity.ERROR,
                Unit.INTERCHANGE,
                f"interchange {summary.control_number}: {summary.error}",
                "cleanclaim",
                1,
                summary.error_segment or summary.position,
                summary.error_segment_id or "ISA",
                interchange=summary.index,
                code=_code(summary.error, _INTERCHANGE_CODES, "022"),
                code_element="TA105",
            )
        )


def _fatal(
    exc: X12Error,
    env: EnvelopeReader,
    isa: dict[int, InterchangeFacts],
    sets: dict[int, list[tuple[int, SetFacts]]],
    report: ValidationReport,
) -> None:
    """The reader stopped: the open interchange is rejected, and the rest is not read."""
    code = _code(exc.reason, _INTERCHANGE_CODES, "022")
    open_ic = env.reader.interchange
    if open_ic is not None and len(env.interchanges) < len(env.reader.interchanges):
        facts = isa.get(open_ic.index) or InterchangeFacts(open_ic.index, open_ic.position)
        for gi, one in sets.get(open_ic.index, []):
            if not facts.groups or facts.groups[-1].index != gi:
                facts.groups.append(GroupFacts(gi, "", "", "", one.position))
            facts.groups[-1].sets.append(one)
        report.interchanges.append(facts)
        report.findings.append(
            Finding(
                Severity.ERROR,
                Unit.INTERCHANGE,
                f"interchange {facts.control}: not read to its end: {exc.reason}",
                "cleanclaim",
                1,
                exc.segment or facts.position,
                exc.segment_id,
                interchange=open_ic.index,
                code=code,
                code_element="TA105",
            )
        )
    report.findings.append(
        Finding(Severity.ERROR, Unit.FILE, exc.reason, "cleanclaim", 1, exc.segment, exc.segment_id)
    )
