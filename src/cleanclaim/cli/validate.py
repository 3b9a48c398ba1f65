"""``cleanclaim validate FILE``: SNIP level 1-2 findings, and a 999 on request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, print_json

if TYPE_CHECKING:
    from cleanclaim.x12.validate import ValidationReport


def validate(
    file: Annotated[
        Path, typer.Argument(help="X12 file to check.", metavar="FILE", show_default=False)
    ],
    ack_999: Annotated[
        Path | None,
        typer.Option(
            "--999",
            metavar="OUT",
            help="Write a 999 acknowledgment (005010X231A1) to OUT.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Check an X12 file (WEDI SNIP levels 1-2) without storing anything.

    Runs cleanclaim's envelope and structure checks, its own reading of
    837P/837I, 835, 999 and 277CA, and pyx12's implementation-guide maps.

    Not checked here: balancing (SNIP 3) by 'cleanclaim ingest', code sets
    (SNIP 5) by 'cleanclaim scrub'.

    Exit code 0 when no error was found (warnings allowed), 1 otherwise.
    """
    from cleanclaim.errors import UsageError
    from cleanclaim.x12.ack_writer import render_999
    from cleanclaim.x12.validate import validate_file

    if ack_999 is not None and ack_999.is_dir():
        raise UsageError(f"--999 {ack_999}: is a directory")
    report = validate_file(file)
    written: Path | None = None
    if ack_999 is not None:
        text = render_999(report, created=dt.datetime.now().replace(microsecond=0))
        if text:
            try:
                ack_999.write_text(text, encoding="ascii", newline="")
            except OSError as exc:
                raise UsageError(f"--999 {ack_999}: cannot write: {exc.strerror}") from None
            written = ack_999
    if format is Format.json:
        data = report.to_json()
        data["ack_999"] = str(written) if written else None
        print_json(data)
    else:
        _print(report, ack_999, written)
    if not report.ok:
        raise typer.Exit(1)


def _print(report: ValidationReport, asked: Path | None, written: Path | None) -> None:
    from cleanclaim.x12.validate import CHECKED_ELSEWHERE, CHECKED_HERE

    name = Path(report.path).name
    if report.findings:
        table = Table(title=f"Findings in {name}")
        for col in ("severity", "unit", "set", "segment", "source", "SNIP", "message"):
            table.add_column(col, justify="right" if col in ("segment", "SNIP") else "left")
        for f in report.findings:
            seg = (
                f"{f.segment} ({f.segment_id})"
                if f.segment and f.segment_id
                else str(f.segment or "")
            )
            table.add_row(
                f.severity.value,
                f.unit.value,
                f.set_control or "",
                seg,
                f.source,
                str(f.snip),
                f.message,
            )
        console.print(table)
    summary = (
        f"{name}: {len(report.interchanges)} interchange(s), {report.set_count} "
        f"transaction set(s): {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s); pyx12 {report.pyx12}"
    )
    lines = (summary, f"checked here: {CHECKED_HERE}", f"not checked here: {CHECKED_ELSEWHERE}")
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if written is not None:
        console.print(f"999 written to {written}", markup=False, highlight=False)
    elif asked is not None:
        console.print(
            "no interchange to acknowledge: no 999 written", markup=False, highlight=False
        )
