"""``cleanclaim payers list|import|export``: the payer registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, current_user, print_json
from cleanclaim.errors import UsageError

app = typer.Typer(
    help="The payer registry: ids, type, filing limits, appeal windows.", no_args_is_help=True
)


@app.command("list")
def list_(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List every dated registry entry."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.payers.registry import all_entries
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        entries = all_entries(session)
    if format is Format.json:
        print_json([e.to_toml_dict() for e in entries])
        return
    table = Table(title="Payer registry")
    for col in (
        "key",
        "name",
        "type",
        "837 ids",
        "835 ids",
        "filing",
        "appeal",
        "NCCI/MUE",
        "from",
        "to",
    ):
        table.add_column(col)
    for e in entries:
        table.add_row(
            e.key,
            e.name,
            e.type,
            ", ".join(e.claim_payer_ids),
            ", ".join(e.remit_payer_ids),
            e.timely_filing,
            f"{e.appeal_window_days}d (+{e.receipt_presumption_days}d receipt)",
            f"{'yes' if e.ncci_applies else 'no'}/{'yes' if e.mue_applies else 'no'}",
            e.effective_from.isoformat(),
            e.effective_to.isoformat() if e.effective_to else "open",
        )
    console.print(table)


@app.command("import")
def import_(path: Annotated[Path, typer.Argument(help="A registry TOML file.")]) -> None:
    """Import registry entries; the whole file is validated before anything is written."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.payers.registry import import_file
    from cleanclaim.storage.db import session_scope

    if not path.exists():
        raise UsageError(f"{path}: no such file")
    upgrade_database()
    with session_scope() as session:
        result = import_file(session, path, by=current_user())
    console.print(
        f"added {len(result.added)}, updated {len(result.updated)}, "
        f"unchanged {len(result.unchanged)}"
    )


@app.command("export")
def export(
    out: Annotated[Path | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Export the registry in the import format."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.payers.registry import all_entries, export_toml
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        text = export_toml(all_entries(session))
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, "utf-8")
        console.print(f"wrote {out}")
