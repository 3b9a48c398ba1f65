"""``cleanclaim codesets ...``: which reference data is loaded, for which dates, and gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, parse_date, print_json, require_date
from cleanclaim.errors import UsageError

if TYPE_CHECKING:
    from cleanclaim.codesets.store import CodesetStore

app = typer.Typer(help="Reference code sets: list, import, update, coverage.", no_args_is_help=True)


def _store() -> CodesetStore:
    from cleanclaim.codesets.store import default_store

    store = default_store()
    with console.status("Preparing bundled code sets...", spinner="dots"):
        store.releases()
    return store


@app.command("list")
def list_(
    kind: Annotated[str | None, typer.Option(help="Only this kind (slug).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """List installed releases: window, completeness, rows, origin."""
    from cleanclaim.codesets.kinds import kind as kind_spec

    if kind is not None:
        kind_spec(kind)
    releases = _store().releases(kind)
    if format is Format.json:
        print_json([r.to_json() for r in releases])
        return
    table = Table(title="Installed code-set releases")
    for col in ("kind", "version", "name", "from", "to", "completeness", "rows", "origin"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for r in releases:
        table.add_row(
            r.kind,
            r.version,
            r.name,
            r.effective_from.isoformat(),
            r.effective_to.isoformat() if r.effective_to else "open",
            r.completeness.value,
            f"{r.row_count:,}",
            r.origin,
        )
    console.print(table)


@app.command("import")
def import_(
    kind: Annotated[
        str, typer.Argument(help="Code-set kind, e.g. icd10cm, hcpcs, ncci-ptp-practitioner.")
    ],
    path: Annotated[Path, typer.Argument(help="The official file or zip.")],
    effective_from: Annotated[
        str | None, typer.Option(help="First day covered (YYYY-MM-DD).")
    ] = None,
    effective_to: Annotated[str | None, typer.Option(help="Last day covered (YYYY-MM-DD).")] = None,
    version: Annotated[
        str | None, typer.Option(help="Version label, when the name has none.")
    ] = None,
    completeness: Annotated[str | None, typer.Option(help="full, partial or fixture.")] = None,
) -> None:
    """Import an official file; re-importing the same file changes nothing."""
    from cleanclaim.codesets.kinds import ImportOptions
    from cleanclaim.codesets.kinds import kind as kind_spec

    kind_spec(kind)
    if completeness is not None and completeness not in ("full", "partial", "fixture"):
        raise UsageError(f"--completeness: {completeness!r} is not full, partial or fixture")
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    options = ImportOptions(
        effective_from=parse_date(effective_from, "--effective-from"),
        effective_to=parse_date(effective_to, "--effective-to"),
        version=version,
        completeness=completeness,
    )
    store = _store()
    with console.status(f"Importing {path.name} as {kind}...", spinner="dots"):
        release, new = store.import_file(kind, path, options)
    if new:
        window = f"{release.effective_from} to {release.effective_to or 'open'}"
        console.print(
            f"imported {release.name}: {release.row_count:,} rows, "
            f"{window} ({release.completeness.value})"
        )
    else:
        console.print(
            f"already installed: {release.name} (sha256 {release.sha256[:12]}); nothing changed"
        )


@app.command("coverage")
def coverage_(
    from_: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD).")],
    format: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Which code sets cover the dates, how completely, and every gap."""
    from cleanclaim.codesets.coverage import coverage

    start, end = require_date(from_, "--from"), require_date(to, "--to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    report = coverage(_store(), start, end)
    if format is Format.json:
        print_json(report.to_json())
        return
    table = Table(title=f"Code-set coverage {start} to {end}")
    for col in ("code set", "version", "from", "to", "completeness"):
        table.add_column(col)
    for r in report.releases:
        style = {"full": "green", "partial": "yellow", "fixture": "magenta"}[r.completeness.value]
        table.add_row(
            r.kind,
            r.version,
            r.effective_from.isoformat(),
            r.effective_to.isoformat() if r.effective_to else "open",
            f"[{style}]{r.completeness.value}[/]",
        )
    console.print(table)
    gaps = Table(title="Gaps: no release covers these dates")
    for col in ("code set", "from", "to"):
        gaps.add_column(col)
    for g in report.gaps:
        gaps.add_row(g.codeset, g.start.isoformat(), g.end.isoformat(), style="red")
    console.print(gaps if report.gaps else "[green]no gaps[/]")


@app.command("update")
def update_(
    through: Annotated[
        str | None, typer.Option(help="Fetch editions in force up to this date (default today).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="First date to cover (default: a year before --through).")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Fetch official files that have a stable public URL (ICD-10-CM, HCPCS, POA-exempt).

    Files behind the AMA licence page (NCCI, MUE, fee schedule) are never imported from the
    licence page: the report says what to download by hand and how to import it.
    """
    from cleanclaim.codesets import update as updater

    day = parse_date(through, "--through") or dt.date.today()
    first = parse_date(since, "--since")
    report = updater.update(_store(), day, since=first)
    if format is Format.json:
        print_json(report.to_json())
    else:
        for line in report.lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
