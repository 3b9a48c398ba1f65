"""``cleanclaim report monthly``: the monthly denial report from the database."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from cleanclaim.cli._common import console, current_practice, current_user
from cleanclaim.errors import UsageError

app = typer.Typer(help="Reports: the monthly denial report.", no_args_is_help=True)

FORMAT_HELP = "html (interactive, offline), xlsx (a sheet per table), pdf or json."


def _rate(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UsageError(f"--expected-collection-rate: {text!r} is not a number") from None
    if not Decimal(0) < value <= Decimal(1):
        raise UsageError("--expected-collection-rate must be above 0 and at most 1 (e.g. 0.62)")
    return value


@app.command("monthly")
def monthly(
    month: Annotated[str, typer.Option("--month", help="Report month (YYYY-MM).")],
    format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "html",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File, directory (default: the current directory), or - for standard "
            "output (html and json only).",
        ),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            "--expected-collection-rate",
            help="Net revenue as charges x this rate, instead of payments received.",
        ),
    ] = None,
) -> None:
    """Write the monthly denial report (classifying new remittance adjustments first)."""
    from cleanclaim.analytics.monthly import build_monthly_report, store_derived
    from cleanclaim.analytics.report import FORMATS, render, write_report
    from cleanclaim.analytics.report.base import Month
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.codesets.store import default_store
    from cleanclaim.denials.service import classify_and_reconcile
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    if format not in FORMATS:
        raise UsageError(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    try:
        report_month = Month.parse(month)
    except ValueError as exc:
        raise UsageError(f"--month: {exc}") from None
    collection_rate = _rate(rate)
    to_stdout = out is not None and str(out) == "-"
    if to_stdout and format not in ("html", "json"):
        raise UsageError(f"--out -: {format} is binary; give a file or directory")
    target = out if out is not None else Path.cwd()
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        with console.status("Classifying new remittance adjustments..."):
            classify_and_reconcile(session, who.practice_id, user=who.user)
        with console.status("Resolving denial episodes and HCC recapture..."):
            store_derived(session, who.practice_id, default_store(), user=who.user)
    status = console.status(f"Computing the {report_month.label} report...")
    with session_scope() as session, status:
        data = build_monthly_report(
            session, who.practice_id, report_month, store=default_store(),
            collection_rate=collection_rate,
        )  # fmt: skip
    if to_stdout:
        typer.echo(render(data, format).decode("utf-8"))
        return
    with console.status(f"Rendering {format}..."):
        path = write_report(data, format, target)
    print_headline(data)
    console.print(f"report: {path}", markup=False, highlight=False)


def print_headline(data: object) -> None:
    """The headline KPIs as a table on the console."""
    from rich.table import Table

    from cleanclaim.analytics.report.model import ReportData
    from cleanclaim.analytics.report.tables import fmt_for, format_cell

    assert isinstance(data, ReportData)
    table = Table(title=f"{data.practice}: {data.month.label}")
    for name in ("KPI", "value", "prior month", "numerator / denominator"):
        table.add_column(name)
    for h in data.headline:
        fmt = fmt_for(h.definition.unit)
        prior = format_cell(h.prior.value, fmt) if h.prior else "-"
        table.add_row(h.definition.name, format_cell(h.current.value, fmt), prior,
                      f"{h.current.numerator} / {h.current.denominator}")  # fmt: skip
    console.print(table)
