"""``cleanclaim worklog import FILE.csv``: who registered, coded and billed each claim."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cleanclaim.cli._common import Format, console, current_practice, current_user, print_json

app = typer.Typer(help="The work log: who registered, coded and billed each claim.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV with columns claim_id, registrar, coder, "
                                              "biller, coded_at, billed_at.", metavar="FILE")],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:  # fmt: skip
    """Import a work-log CSV; the whole file is stored, or nothing (errors as path:line)."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.worklog import WorklogError, import_worklog
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import refresh_statistics, session_scope

    upgrade_database()
    try:
        with session_scope() as session:
            who = actor(session, current_user(), current_practice())
            report = import_worklog(session, who, file)
    except WorklogError as exc:
        for message in exc.errors:
            sys.stderr.write(f"error: {message}\n")
        sys.stderr.write(f"error: {file}: nothing imported\n")
        raise typer.Exit(1) from None
    if report.stored:
        refresh_statistics()
    if format is Format.json:
        print_json(report.to_json())
        return
    console.print(
        f"{report.path}: {report.rows} rows, {report.stored} stored, "
        f"{report.already} already known, {len(report.unknown)} for unknown claims"
    )
    for clm01, line in report.unknown:
        console.print(f"{report.path}:{line}: claim {clm01!r} is not a stored claim (kept; "
                      "attributed when the claim arrives)")  # fmt: skip
