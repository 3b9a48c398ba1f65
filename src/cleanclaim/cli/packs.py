"""``cleanclaim packs list|check FILE``: payer packs (declarative payer-specific edits)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, print_json

app = typer.Typer(
    help="Payer packs: dated payer- and state-specific edits (telehealth, modifiers, "
    "authorization lists, filing limits, NCCI adoption).",
    no_args_is_help=True,
)


@app.command("list")
def list_(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List the shipped packs and those in <data_dir>/packs (a bad file is reported)."""
    from cleanclaim.edits.packs import load_registry, shipped_packs, user_pack_dir

    folder = user_pack_dir()
    registry, errors = load_registry(folder)
    shipped = {p.name: p.source for p in shipped_packs()}
    rows: list[dict[str, Any]] = []
    for pack in registry:
        origin = "shipped" if shipped.get(pack.name) == pack.source else "user"
        kinds = sorted({e.kind for e in pack.edits})
        rows.append(
            {
                "name": pack.name,
                "title": pack.title,
                "origin": origin,
                "example": pack.example,
                "edits": len(pack.edits),
                "kinds": kinds,
                "source": pack.source,
            }
        )
    if format is Format.json:
        print_json({"packs": rows, "errors": [str(e) for e in errors], "user_dir": str(folder)})
    else:
        table = Table(title=f"Payer packs (user packs: {folder})")
        for col in ("name", "title", "origin", "edits", "kinds"):
            table.add_column(col)
        for row in rows:
            label = f"{row['origin']}{' (EXAMPLE)' if row['example'] else ''}"
            table.add_row(
                str(row["name"]),
                str(row["title"]),
                label,
                str(row["edits"]),
                ", ".join(row["kinds"]),
            )
        console.print(table)
    for error in errors:
        sys.stderr.write(f"error: {error} (pack not loaded)\n")


@app.command("check")
def check(path: Annotated[Path, typer.Argument(help="A pack TOML file.")]) -> None:
    """Validate a pack file: exit 0 when it is valid, 1 with a one-line error when not."""
    from cleanclaim.edits.packs import PackError, read_pack

    try:
        pack = read_pack(path)
    except PackError as exc:
        sys.stderr.write("error: " + " ".join(str(exc).split()) + "\n")
        raise typer.Exit(1) from None
    kinds = ", ".join(sorted({e.kind for e in pack.edits})) or "no edits"
    label = " (EXAMPLE)" if pack.example else ""
    console.print(f"{path}: ok: pack {pack.name}{label}, {len(pack.edits)} edit(s): {kinds}")
