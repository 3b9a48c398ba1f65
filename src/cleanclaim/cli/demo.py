"""``cleanclaim demo generate``: write the synthetic demo practice."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from cleanclaim.cli._common import console, require_date

app = typer.Typer(help="The main job on the embedded database, and the synthetic practice.")


@app.callback(invoke_without_command=True)
def _group(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option(help="Last date of service of the demo.")] = "2026-09-30",
) -> None:
    """Without a subcommand: run the main job on the embedded default database.

    ``cleanclaim demo generate`` writes the synthetic practice instead.
    """
    if ctx.invoked_subcommand is None:
        from cleanclaim.cli.admin import demo

        demo(as_of)


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Output directory (new or empty).",
                                      metavar="DIR")],
    seed: Annotated[int, typer.Option("--seed", help="Seed: same seed, same bytes.")] = 1,
    months: Annotated[int, typer.Option("--months", help="Months of service.")] = 24,
    claims_per_month: Annotated[int, typer.Option(
        "--claims-per-month", help="Encounters billed per month of service.")] = 1500,
    as_of: Annotated[str, typer.Option(
        "--as-of", help="Last date of service and of every file (YYYY-MM-DD).")] = "2026-09-30",
) -> None:  # fmt: skip
    """Write X12 claims, acknowledgments and remittances, sidecars and a truth ledger."""
    from cleanclaim.analytics.synthetic import generate as run

    day = require_date(as_of, "--as-of")
    started = time.perf_counter()

    def progress(message: str) -> None:
        sys.stderr.write(f"{message}\n")
        sys.stderr.flush()

    summary = run(
        out,
        seed=seed,
        months=months,
        claims_per_month=claims_per_month,
        as_of=day,
        progress=progress,
    )
    elapsed = time.perf_counter() - started
    counts = summary.counts
    console.print(
        f"{out}: {len(summary.files)} files in {elapsed:.1f} s; "
        f"{counts['837 claims']} claims sent, {counts['835 claims']} claims remitted, "
        f"{counts['ledger rows']} truth-ledger rows, {counts['appeals']} appeals"
    )
