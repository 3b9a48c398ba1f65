"""``cleanclaim scrub|rules|rule|suppress``: the scrubber's user surface.

``scrub FILE`` previews an 837 (stores nothing); ``scrub --db`` re-scrubs stored claims
and stores the findings. Outputs name claims by CLM01 and claim key, and show codes,
dates and rule messages; never patient names, member ids or birth dates.
"""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cleanclaim.cli._common import (
    Format,
    console,
    current_practice,
    current_user,
    err_console,
    parse_date,
    print_json,
    state,
)
from cleanclaim.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt

    from cleanclaim.codesets.store import CodesetStore
    from cleanclaim.edits.engine import Selection
    from cleanclaim.edits.run import ScrubReport


class ScrubFormat(StrEnum):
    """Output formats of ``scrub``."""

    table = "table"
    json = "json"
    csv = "csv"


class FailOn(StrEnum):
    """The severity from which ``scrub`` exits with 1."""

    error = "error"
    warning = "warning"


STATUS_STYLE = {"flagged": "bold red", "incomplete": "yellow", "clean": "green"}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
CSV_COLUMNS = (
    "claim_id",
    "claim_key",
    "status",
    "rule",
    "category",
    "severity",
    "line",
    "message",
    "fix",
    "citation",
)

FileArg = Annotated[
    Path | None,
    typer.Argument(help="An 837P/837I file to preview (nothing is stored).", show_default=False),
]
NamesOpt = Annotated[
    list[str] | None,
    typer.Option(help="Rule code, code prefix (DX), category or slug; repeatable or a,b,c."),
]


def _store() -> CodesetStore:
    from cleanclaim.codesets.store import default_store

    store = default_store()
    with err_console.status("Preparing code sets...", spinner="dots"):
        store.releases()
    return store


def scrub(
    file: FileArg = None,
    format: Annotated[ScrubFormat, typer.Option("--format", help="Output format.")] = (
        ScrubFormat.table
    ),
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding reaches this severity.")
    ] = FailOn.error,
    db: Annotated[
        bool, typer.Option("--db", help="Scrub stored claims and store the findings.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="With --db: only claims submitted (BHT04) on or after this date."),
    ] = None,
    practice: Annotated[str | None, typer.Option("--practice", help="Practice to act for.")] = None,
    select: NamesOpt = None,
    ignore: NamesOpt = None,
    encounters: Annotated[
        Path | None,
        typer.Option(help="Encounter documentation sidecar (CSV or JSON keyed by claim id)."),
    ] = None,
) -> None:
    """Scrub claims: every finding with its rule, line, message, fix and citation.

    Exit 0 when no finding reaches --fail-on; 1 when one does or a set cannot be read.

    Preview rules run only when selected by code. Usage errors exit with 2.
    """
    from cleanclaim.edits.run import fail_level, selection_from

    if practice is not None:
        state.practice = practice
    if db and file is not None:
        raise UsageError("give an 837 FILE or --db, not both")
    if not db and file is None:
        raise UsageError("give an 837 FILE to preview, or --db to scrub stored claims")
    since_day = parse_date(since, "--since")
    if since_day is not None and not db:
        raise UsageError("--since only applies with --db")
    selection = selection_from(select or [], ignore or [])
    level = fail_level(fail_on.value)
    if encounters is not None and not encounters.is_file():
        raise UsageError(f"{encounters}: no such file")
    report = (
        _scrub_db(selection, since_day, encounters)
        if db
        else _scrub_file(file, selection, encounters)
    )
    if format is ScrubFormat.json:
        print_json(report.to_json())
    elif format is ScrubFormat.csv:
        _print_csv(report)
    else:
        _print_table(report)
    if report.fails(level):
        raise typer.Exit(1)


def _scrub_file(
    file: Path | None, selection: Selection, encounters: Path | None = None
) -> ScrubReport:
    import datetime as dt

    from cleanclaim.claims.ingest import check_input
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.edits.options import practice_options
    from cleanclaim.edits.run import PayerResolver, make_scrubber, scrub_file
    from cleanclaim.edits.stored import StoredHistory, stored_salt
    from cleanclaim.edits.suppressions import active_suppressions
    from cleanclaim.payers.registry import find_by_id
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    assert file is not None
    check_input(file)
    store = _store()
    upgrade_database()
    today = dt.date.today()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        active = active_suppressions(session, who.practice_id, today)
        resolver = PayerResolver(lambda pid, on: find_by_id(session, pid, on))
        salt = stored_salt(session, who.practice_id)
        history = StoredHistory(session, who.practice_id, salt)
        options = practice_options(session, who.practice_id, salt=salt, encounters_path=encounters)
        scrubber = make_scrubber(
            store, selection, active, today=today, stored_history=history, options=options
        )
        return scrub_file(file, scrubber, resolver, active, before=history.focus_preview)


def _scrub_db(
    selection: Selection, since: dt.date | None, encounters: Path | None = None
) -> ScrubReport:
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.edits.stored import scrub_stored
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    store = _store()
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        return scrub_stored(
            session, who, store, selection=selection, since=since, encounters=encounters
        )


def _print_csv(report: ScrubReport) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in report.results:
        for f in result.findings:
            row = f.to_json()
            writer.writerow(
                [result.claim_id, result.claim_key or "", result.status.value]
                + ["" if row[c] is None else row[c] for c in CSV_COLUMNS[3:]]
            )


def _print_table(report: ScrubReport) -> None:
    from cleanclaim.edits.engine import summarize

    for result, payer in zip(report.results, report.payers, strict=True):
        status = result.status.value
        name = result.claim_id + (f" ({result.claim_key})" if result.claim_key else "")
        title = Text.assemble(
            ("claim ", "bold"), (name, "bold"), "  ", (status, STATUS_STYLE[status])
        )
        if not result.findings:
            console.print(title, Text(f"  no findings · payer: {payer.describe()}"))
        else:
            table = Table(title=title, caption=f"payer: {payer.describe()}", title_justify="left")
            for col in ("line", "rule", "severity", "category", "message", "fix"):
                table.add_column(col, overflow="fold")
            for f in result.findings:
                table.add_row(
                    "claim" if f.line is None else str(f.line),
                    f.rule,
                    Text(f.severity.value, SEVERITY_STYLE[f.severity.value]),
                    f.category.value,
                    f.message,
                    f.fix,
                )
            console.print(table)
        if result.suppressed:
            rules = ", ".join(sorted({s.finding.rule for s in result.suppressed}))
            console.print(f"  {len(result.suppressed)} finding(s) suppressed ({rules})")
    coverage = [c for r in report.results for c in r.coverage]
    if coverage:
        body = "\n".join(f"{c.claim_id}  {c.check}  {c.reason}" for c in coverage)
        console.print(Panel(Text(body), title="Not checked (coverage)", border_style="yellow"))
    for p in report.problems:
        where = f"set {p.set}" if p.set else "file"
        seg = f" segment {p.segment}" if p.segment else ""
        console.print(Text(f"not scrubbed: {where}{seg}: {p.reason}", "red"))
    for u in report.unused:
        s = u.suppression
        console.print(
            Text(f"unused suppression #{u.id}: {s.rule} on claim {s.claim} matched no finding")
        )
    counts = summarize(report.results)
    st, sev = counts["status"], counts["severity"]
    console.print(
        f"{len(report.results)} claim(s): {st['flagged']} flagged, {st['incomplete']} "
        f"incomplete, {st['clean']} clean · {sev['error']} error(s), {sev['warning']} "
        f"warning(s), {sev['info']} info",
        highlight=False,
    )


def rules(
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """List the rules: code, slug, title, category, severity, status, citation, code sets."""
    from cleanclaim.edits.docs import rule_info
    from cleanclaim.edits.registry import all_rules

    infos = [rule_info(r) for r in all_rules()]
    if format is Format.json:
        print_json(infos)
        return
    table = Table(title="Scrubber rules")
    for col in ("code", "slug", "title", "category", "severity", "status", "citation", "needs"):
        table.add_column(col, overflow="fold")
    for info in infos:
        table.add_row(
            *(str(info[c]) for c in ("code", "slug", "title", "category", "severity", "status")),
            info["citation"],
            ", ".join(info["needs"]) or "none",
        )
    console.print(table)


def rule(code: Annotated[str, typer.Argument(help="Rule code (e.g. TF101) or slug.")]) -> None:
    """Show a rule's documentation: what it checks, why, limitations, references, examples."""
    from cleanclaim.edits.docs import rule_markdown
    from cleanclaim.edits.registry import get_rule

    sys.stdout.write(rule_markdown(get_rule(code)))


def suppress(
    claim: Annotated[str, typer.Argument(help="Claim key, or CLM01 (every version).")],
    rule: Annotated[str, typer.Argument(help="Rule code (e.g. NC101).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the finding is accepted.")],
    until: Annotated[
        str | None, typer.Option(help="Last day the suppression applies (YYYY-MM-DD).")
    ] = None,
    line: Annotated[int | None, typer.Option(help="Only this service line.")] = None,
) -> None:
    """Silence one rule on one claim, with a reason; recorded with the user and audited."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.edits.registry import get_rule
    from cleanclaim.edits.suppressions import add_suppression
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    code = get_rule(rule).code
    until_day = parse_date(until, "--until")
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        row = add_suppression(
            session, who, claim=claim, rule=code, reason=reason, until=until_day, line=line
        )
        sid = row.id
    scope = f" line {line}" if line is not None else ""
    end = f" until {until_day.isoformat()}" if until_day else ""
    console.print(
        f"suppression #{sid}: {code} on claim {claim.strip()}{scope}{end} "
        f"(practice {who.practice_key}, by {who.user})",
        markup=False,
        highlight=False,
    )
