"""``cleanclaim ingest FILE...``: store 837P/837I, 835, 999 and 277CA files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from cleanclaim.cli._common import (
    Format,
    console,
    current_practice,
    current_user,
    err_console,
    print_json,
)

if TYPE_CHECKING:
    from cleanclaim.claims.ingest import FileReport


def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="X12 files to store.", metavar="FILE", show_default=False)
    ],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Store claims (837P/837I), remittances (835) and acknowledgments (999, 277CA).

    Each transaction set is stored whole or quarantined with its reason (exit code 1).

    The same file again stores nothing new. Other kinds (270/271, 276/277, 834, 820) are
    skipped.
    """
    from cleanclaim.claims.ingest import check_input, ingest_file
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import refresh_statistics, session_scope

    sizes = [check_input(path) for path in files]
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
    reports: list[FileReport] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(
        *columns, console=err_console, transient=True, disable=not err_console.is_terminal
    ) as bar:
        for path, size in zip(files, sizes, strict=True):
            tracker = _Tracker(bar, path.name, size)
            reports.append(ingest_file(path, who, progress=tracker))
            bar.remove_task(tracker.task)
    if any(not r.duplicate for r in reports):
        refresh_statistics()  # PostgreSQL: plan the next queries on the grown tables
    if format is Format.json:
        print_json({"files": [r.to_json() for r in reports]})
    else:
        _print_table(reports)
    if any(not r.ok for r in reports):
        raise typer.Exit(1)


class _Tracker:
    """Feeds one file's progress (hashing, then reading) into the bar, by bytes."""

    def __init__(self, bar: Progress, name: str, size: int) -> None:
        self.bar = bar
        self.name = name
        self.phase = "hash"
        self.task: TaskID = bar.add_task(f"hashing {name}", total=size)

    def __call__(self, phase: str, done: int) -> None:
        if phase != self.phase:
            self.phase = phase
            self.bar.reset(self.task, description=f"reading {self.name}")
        self.bar.advance(self.task, done)


def _print_table(reports: list[FileReport]) -> None:
    table = Table(title="Ingested files")
    for col in (
        "file",
        "kind",
        "interchanges",
        "sets",
        "claims",
        "lines",
        "adjustments",
        "quarantined",
        "note",
    ):
        table.add_column(col, justify="left" if col in ("file", "kind", "note") else "right")
    for r in reports:
        notes = []
        if r.duplicate:
            notes.append("already ingested")
        if r.skipped_sets:
            notes.append(f"{r.skipped_sets} set(s) skipped")
        if r.duplicate_claims:
            notes.append(f"{r.duplicate_claims} already stored")
        if r.balance_issues:
            notes.append(f"{len(r.balance_issues)} balance issue(s)")
        table.add_row(
            Path(r.path).name,
            r.kind,
            str(r.interchanges),
            str(r.accepted_sets),
            str(r.claims),
            str(r.lines),
            str(r.adjustments),
            str(len(r.quarantined)),
            "; ".join(notes),
        )
    console.print(table)
    for r in reports:
        for q in r.quarantined:
            where = f"set {q.set}" if q.set else "file"
            seg = f" segment {q.segment}" if q.segment else ""
            console.print(
                f"quarantined: {Path(r.path).name} {where}{seg}: {q.reason}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        for issue in r.balance_issues:
            console.print(
                f"balance: {Path(r.path).name}: {issue['message']}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
