"""``cleanclaim demo generate``: write the synthetic demo practice."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from cleanclaim.cli._common import Format, console, require_date

app = typer.Typer(help="The main job on the embedded database, and the synthetic practice.")


@app.callback(invoke_without_command=True)
def _group(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option(help="Last date of service of the demo.")] = "2026-09-30",
    seed: Annotated[int, typer.Option(help="Seed of the synthetic practice.")] = 1,
    months: Annotated[int, typer.Option(help="Months of service.")] = 24,
    claims_per_month: Annotated[int, typer.Option(help="Claims per month of service.")] = 1500,
) -> None:
    """Without a subcommand: run the main job on the embedded default database.

    Generates (or reuses) the synthetic practice under ``<data dir>/demo``, ingests it,
    classifies its denials and writes the report of the as-of month in every format.
    ``cleanclaim demo generate`` only writes the synthetic practice.
    """
    if ctx.invoked_subcommand is None:
        from cleanclaim.cli.admin import demo

        demo(as_of, seed, months, claims_per_month)


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


@app.command("recovery")
def recovery(
    ledger: Annotated[Path, typer.Option("--ledger", help="The demo's truth-ledger.csv.",
                                         metavar="PATH")],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:  # fmt: skip
    """Score the classified denials against a truth ledger: per root cause and macro."""
    from rich.table import Table

    from cleanclaim.analytics.recovery import measure
    from cleanclaim.cli._common import current_practice, current_user, print_json
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.payer_error import reconcile_resubmissions
    from cleanclaim.denials.service import classify_practice
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        classify_practice(session, who.practice_id, user=who.user)
        reconcile_resubmissions(session, who.practice_id, user=who.user)
    with session_scope() as session:
        result = measure(session, who.practice_id, ledger)
    if format is Format.json:
        print_json(result.to_json())
        return
    table = Table(title=f"Recovery of the true root causes ({result.scored} denials scored)")
    for col in ("root cause", "support", "predicted", "correct", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "root cause" else "right")
    for c in result.classes:
        table.add_row(c.root_cause, str(c.support), str(c.predicted), str(c.correct),
                      str(c.precision), str(c.recall), str(c.f1))  # fmt: skip
    table.add_row("macro", "", "", "", str(result.macro_precision), str(result.macro_recall),
                  str(result.macro_f1), style="bold")  # fmt: skip
    console.print(table)
    confusion = Table(title="Confusion (rows: true cause; columns: classified as)")
    columns = [c.root_cause for c in result.classes]
    columns += sorted({p for row in result.confusion.values() for p in row} - set(columns))
    confusion.add_column("true \\ classified")
    for col in columns:
        confusion.add_column(col, justify="right")
    for true, row in result.confusion.items():
        confusion.add_row(true, *(str(row.get(col, 0)) for col in columns))
    console.print(confusion)
    for why, counts in result.excluded.items():
        said = result.excluded_predicted.get(why, {})
        console.print(f"not scored, {why}: " + _counts(counts)
                      + (f" (classified as {_counts(said)})" if said else ""),
                      markup=False, highlight=False)  # fmt: skip
    console.print(
        f"{result.ledger_rows} ledger rows; unmatched: {len(result.unmatched_ledger)} ledger "
        f"rows, {len(result.unmatched_classified)} classified denials",
        highlight=False,
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
