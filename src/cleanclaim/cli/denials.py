"""``cleanclaim denials ...``: classified 835 adjustments, the work queue, appeals, patterns.

``denials list`` classifies what is new or changed (idempotent) and prints every adjustment
(CAS triples and PLB amounts) with its root cause. Outputs name claims by CLM01 and claim
key; never patient names, member ids or birth dates.
"""

from __future__ import annotations

import csv
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cleanclaim.cli._common import (
    Format,
    console,
    current_practice,
    current_user,
    print_json,
)
from cleanclaim.errors import UsageError

app = typer.Typer(help="Denials: root causes, work queue, appeals, patterns.", no_args_is_help=True)


class ListFormat(StrEnum):
    """Output formats of ``denials list``."""

    table = "table"
    json = "json"
    csv = "csv"


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str | None) -> str | None:
    """``--month YYYY-MM`` checked, or a one-line usage error."""
    if text is None:
        return None
    if not _MONTH.match(text):
        raise UsageError(f"--month: {text!r} is not a month (expected YYYY-MM)")
    return text


@app.command("list")
def list_(
    month: Annotated[
        str | None, typer.Option("--month", help="Remittance month (YYYY-MM).")
    ] = None,
    payer: Annotated[
        str | None, typer.Option("--payer", help="Payer key or payer id of the 835.")
    ] = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help="Only claims this coder worked on.")
    ] = None,
    denials_only: Annotated[
        bool, typer.Option("--denials-only", help="Leave out adjustments that are not denials.")
    ] = False,
    format: Annotated[
        ListFormat, typer.Option("--format", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """List every 835 adjustment with its root cause (classifying new ones first)."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.service import (
        DenialFilters,
        classify_practice,
        denial_kpis,
        denial_rows,
    )
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    filters = DenialFilters(
        month=parse_month(month), payer=payer, coder=coder, denials_only=denials_only
    )
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        classify_practice(session, who.practice_id, user=who.user)
    with session_scope() as session:
        views = denial_rows(session, who.practice_id, filters)
    rows = [r.to_json() for r in views]
    if format is ListFormat.json:
        print_json(rows)
    elif format is ListFormat.csv:
        _print_csv(rows)
    else:
        blame = [v.caused_by for v in views]
        _print_table(rows, blame, denial_kpis(views))


CSV_COLUMNS = (
    "claim_id", "claim_key", "line", "payer", "group", "carc", "rarcs", "amount", "denial",
    "root_cause", "reason", "responsible", "avoidable", "explanation", "coder", "biller",
    "registrar", "provider", "practice", "remit_date", "scrub_link",
)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def _print_csv(rows: list[dict[str, Any]]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for row in rows:
        out.writerow([_cell(row[c]) for c in CSV_COLUMNS])


TABLE_COLUMNS = (
    "CLM01", "claim key", "line", "payer", "CAS", "RARCs", "amount", "denial", "root cause",
    "reason", "responsible", "caused by", "coder", "scrub link",
)  # fmt: skip


def _print_table(rows: list[dict[str, Any]], blame: list[str | None],
                 kpis: dict[str, Any]) -> None:  # fmt: skip
    table = Table(title="Adjustments")
    for col in TABLE_COLUMNS:
        table.add_column(col)
    for r, who in zip(rows, blame, strict=True):
        table.add_row(
            _cell(r["claim_id"]) or "(PLB)", _cell(r["claim_key"]), _cell(r["line"]),
            _cell(r["payer"]), f"{r['group'] or 'PLB'}-{r['carc']}", _cell(r["rarcs"]),
            r["amount"], "yes" if r["denial"] else "no", r["root_cause"], r["reason"],
            r["responsible"], _cell(who), _cell(r["coder"]), _cell(r["scrub_link"]),
        )  # fmt: skip
    console.print(table)
    denials = sum(1 for r in rows if r["denial"])
    console.print(
        f"{len(rows)} adjustments, {denials} denial-type; "
        f"{kpis['unclassified_adjustments']} unclassified (unknown or unmapped codes)"
    )
    console.print(
        f"denied claims {kpis['denied_claims']}, partially denied claims "
        f"{kpis['partially_denied_claims']}, denied lines {kpis['denied_lines']} "
        "(each counted once; reversals and repeated denials are not counted)"
    )


# ---------------------------------------------------------------------------------------
# Engineer B: `denials queue`, `denials appeal`, `denials patterns` go below this line.
# ---------------------------------------------------------------------------------------


class Outcome(StrEnum):
    """Outcomes of an appeal."""

    overturned = "overturned"
    upheld = "upheld"
    partial = "partial"


def _prepare(session: Any, who: Any) -> None:
    """Classify what is new, then reclassify denials overturned on resubmission."""
    from cleanclaim.denials.service import classify_and_reconcile

    classify_and_reconcile(session, who.practice_id, user=who.user)


@app.command("queue")
def queue(
    format: Annotated[
        ListFormat, typer.Option("--format", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """Open denials by appeal deadline and dollars, with days left; CO-29 to write-off review."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.queue import build_queue
    from cleanclaim.edits.packs import load_registry
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    packs, _ = load_registry()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        _prepare(session, who)
    with session_scope() as session:
        data = build_queue(session, who.practice_id, packs=packs).to_json()
    if format is ListFormat.json:
        print_json(data)
    elif format is ListFormat.csv:
        _queue_csv(data)
    else:
        _queue_table(data)


QUEUE_COLUMNS = (
    "section", "claim_key", "clm01", "payer", "remit_date", "notice_date", "received",
    "appeal_deadline", "days_left", "service_date", "timely_filing_deadline",
    "filing_days_left", "amount", "carcs", "lines", "root_causes", "reasons", "why",
)  # fmt: skip


def _queue_csv(data: dict[str, Any]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(QUEUE_COLUMNS)
    for item in data["queue"] + data["write_off_review"]:
        out.writerow([_cell(item[c]) for c in QUEUE_COLUMNS])


def _queue_table(data: dict[str, Any]) -> None:
    table = Table(title=f"Open denials as of {data['today']} (by appeal deadline, then dollars)")
    for col in (
        "appeal by",
        "days left",
        "claim key",
        "CLM01",
        "payer",
        "CAS",
        "lines",
        "amount",
        "root cause",
        "filing by",
        "days left (filing)",
        "note",
    ):
        table.add_column(col, no_wrap=col in ("appeal by", "claim key", "filing by"))
    for i in data["queue"]:
        table.add_row(
            _cell(i["appeal_deadline"]) or "unknown", _cell(i["days_left"]), _cell(i["claim_key"]),
            _cell(i["clm01"]), i["payer"], _cell(i["carcs"]), _cell(i["lines"]) or "claim",
            i["amount"], _cell(i["root_causes"]), _cell(i["timely_filing_deadline"]),
            _cell(i["filing_days_left"]), i["why"],
        )  # fmt: skip
    console.print(table)
    review = Table(title="Write-off review (not appealable, or appeal upheld)")
    for col in ("claim key", "CLM01", "payer", "CAS", "amount", "why"):
        review.add_column(col, no_wrap=col == "claim key")
    for i in data["write_off_review"]:
        review.add_row(_cell(i["claim_key"]), _cell(i["clm01"]), i["payer"], _cell(i["carcs"]),
                       i["amount"], i["why"])  # fmt: skip
    console.print(review)
    console.print(f"{len(data['queue'])} to work, {len(data['write_off_review'])} for write-off "
                  "review")  # fmt: skip


@app.command("appeal")
def appeal(
    claim: Annotated[str, typer.Argument(help="Claim key, or a CLM01 unique in the practice.")],
    filed: Annotated[str, typer.Option("--filed", help="Date the appeal was filed.")],
    outcome: Annotated[
        Outcome | None, typer.Option("--outcome", help="Outcome, once decided.")
    ] = None,
    paid: Annotated[
        str | None, typer.Option("--paid", help="Amount paid on the appeal (e.g. 80.00).")
    ] = None,
) -> None:
    """Record an appeal of a claim's open denials (filed by the acting user), or its outcome."""
    from cleanclaim.cli._common import require_date
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.appeals import parse_amount, record_appeal
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    filed_on = require_date(filed, "--filed")
    amount = parse_amount(paid)
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        _prepare(session, who)
    with session_scope() as session:
        result = record_appeal(
            session,
            who,
            claim,
            filed_on=filed_on,
            outcome=outcome.value if outcome else None,
            paid=amount,
        )
    money = f", paid {result.paid:.2f}" if result.paid is not None else ""
    console.print(
        f"appeal of {result.claim_key} (CLM01 {result.clm01}) filed "
        f"{result.filed_on.isoformat()} by {result.filed_by}, level {result.level}: "
        f"{result.outcome or 'pending'}{money}", markup=False, highlight=False,
    )  # fmt: skip
    if result.payer_error:
        console.print(
            "reclassified as payer-error: denial " + ", ".join(str(i) for i in result.payer_error),
            highlight=False,
        )
    for denial_id, why in result.not_payer_error:
        console.print(f"denial {denial_id} is not payer-error: {why}", markup=False,
                      highlight=False)  # fmt: skip


@app.command("appeals-import")
def appeals_import(
    file: Annotated[Path, typer.Argument(
        help="CSV with columns claim_id, filed_on, outcome, paid, outcome_on, filed_by, "
             "payer_id, payer_claim_number, level.", metavar="FILE")],
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:  # fmt: skip
    """Import an appeals log (CSV), outcomes included; checked whole first (errors as
    path:line). Rows whose 835 claim is not stored are skipped and listed (exit code 1)."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.appeals_import import AppealsFileError, import_appeals_csv
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        _prepare(session, who)
    try:
        with session_scope() as session:
            report = import_appeals_csv(session, who, file)
    except AppealsFileError as exc:
        for message in exc.errors:
            sys.stderr.write(f"error: {message}\n")
        sys.stderr.write(f"error: {file}: nothing imported\n")
        raise typer.Exit(1) from None
    if format is Format.json:
        print_json(report.to_json())
    else:
        console.print(
            f"{report.path}: {report.rows} rows, {report.filed} appeals filed, "
            f"{report.decided} outcomes recorded, {report.already} already known, "
            f"{report.payer_error} denials reclassified as payer-error, "
            f"{len(report.skipped)} skipped", markup=False, highlight=False,
        )  # fmt: skip
        for line, why in report.skipped:
            console.print(f"{report.path}:{line}: skipped: {why}", markup=False,
                          highlight=False)  # fmt: skip
    if report.skipped:
        raise typer.Exit(1)


@app.command("patterns")
def patterns(
    min_count: Annotated[
        int, typer.Option("--min", min=1, help="Occurrences a group needs (default 5).")
    ] = 5,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Remittance date to start from (default: 12 months "
                                     "before the latest)."),
    ] = None,
) -> None:  # fmt: skip
    """Group recurring denials (payer x procedure x modifier/diagnosis x CARC) and write
    each group as a proposed payer-pack edit (preview) to <data_dir>/packs/proposed/."""
    import datetime as dt

    from cleanclaim.cli._common import parse_date
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.denials.patterns import find_patterns, proposed_dir, write_proposals
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    start = parse_date(since, "--since")
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        _prepare(session, who)
    with session_scope() as session:
        found, window, _ = find_patterns(session, who.practice_id, min_count=min_count,
                                         since=start)  # fmt: skip
    if not found:
        where = f"since {window.isoformat()}" if window else "(no denials stored)"
        console.print(f"no denials recur {min_count} or more times {where}", highlight=False)
        return
    written = write_proposals(found, proposed_dir(), today=dt.date.today(), since=window,
                              min_count=min_count)  # fmt: skip
    for path, text in written.items():
        console.print(f"# {path}", markup=False, highlight=False)
        sys.stdout.write(text + "\n")
    console.print(f"{len(found)} proposed edit(s) in {len(written)} file(s); review them, then "
                  "copy what you approve into a pack in <data_dir>/packs/", markup=False,
                  highlight=False)  # fmt: skip
