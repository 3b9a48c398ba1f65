"""``cleanclaim db|practices|users`` and the ``demo`` command."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, current_user, print_json

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
practices_app = typer.Typer(help="Practices (tenants).", no_args_is_help=True)
users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)


def upgrade_database() -> str | None:
    """Migrate to the newest schema and seed the shipped payer defaults."""
    from cleanclaim.errors import StorageError
    from cleanclaim.payers.registry import seed_defaults
    from cleanclaim.storage.db import session_scope
    from cleanclaim.storage.migrate import upgrade

    revision = upgrade()
    for attempt in range(3):
        try:
            with session_scope() as session:
                seed_defaults(session)
            break
        except StorageError:  # a concurrent process seeded the same rows first
            if attempt == 2:
                raise
    return revision


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema (safe to repeat)."""
    from cleanclaim.settings import get_settings
    from cleanclaim.storage.db import is_sqlite

    url = get_settings().resolved_database_url()
    revision = upgrade_database()
    where = url if is_sqlite(url) else url.split("@")[-1]
    console.print(f"database at revision {revision} ({where})", markup=False, highlight=False)


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one shipped."""
    from cleanclaim.storage.migrate import current_revision, head_revision

    console.print(f"current: {current_revision()}  newest: {head_revision()}")


@practices_app.command("add")
def practice_add(
    key: Annotated[str, typer.Argument(help="Short key, e.g. 'northside'.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    npi: Annotated[
        list[str] | None, typer.Option("--npi", help="Billing NPI (repeatable).")
    ] = None,
    tin: Annotated[str | None, typer.Option(help="Tax id (9 digits).")] = None,
    state: Annotated[str | None, typer.Option(help="Two-letter state.")] = None,
    mac: Annotated[
        str | None, typer.Option(help="Medicare contractor jurisdiction, e.g. JH.")
    ] = None,
) -> None:
    """Add a practice."""
    from cleanclaim.errors import UsageError
    from cleanclaim.storage.accounts import add_practice
    from cleanclaim.storage.db import session_scope
    from cleanclaim.x12.npi import valid_npi

    for value in npi or []:
        if not valid_npi(value):
            raise UsageError(f"--npi {value}: not a valid NPI (check digit)")
    if tin is not None and not (tin.isdigit() and len(tin) == 9):
        raise UsageError(f"--tin {tin}: a TIN has 9 digits")
    upgrade_database()
    with session_scope() as session:
        add_practice(
            session,
            key=key,
            name=name or key,
            by=current_user(),
            billing_npis=npi,
            tin=tin,
            state=state,
            mac_jurisdiction=mac,
        )
    console.print(f"practice {key} added")


@practices_app.command("list")
def practice_list(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List practices."""
    from sqlalchemy import select

    from cleanclaim.storage.db import session_scope
    from cleanclaim.storage.models import Practice

    upgrade_database()
    with session_scope() as session:
        rows: list[dict[str, Any]] = [
            {
                "key": p.key,
                "name": p.name,
                "billing_npis": p.billing_npis,
                "tin": p.tin,
                "state": p.state,
                "mac_jurisdiction": p.mac_jurisdiction,
            }
            for p in session.scalars(select(Practice).order_by(Practice.key))
        ]
    if format is Format.json:
        print_json(rows)
        return
    table = Table(title="Practices")
    for col in ("key", "name", "billing NPIs", "TIN", "state", "MAC"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["key"],
            r["name"],
            ", ".join(r["billing_npis"]),
            r["tin"] or "",
            r["state"] or "",
            r["mac_jurisdiction"] or "",
        )
    console.print(table)


@users_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[list[str], typer.Option("--role", help="Role (repeatable).")],
) -> None:
    """Add a user with one or more roles (manager, coder, biller, provider, compliance, admin)."""
    from cleanclaim.storage.accounts import add_user
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        add_user(session, name=name, roles=role, by=current_user())
    console.print(f"user {name} added")


@users_app.command("list")
def user_list(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List users and roles."""
    from sqlalchemy import select

    from cleanclaim.storage.db import session_scope
    from cleanclaim.storage.models import User

    upgrade_database()
    with session_scope() as session:
        rows: list[dict[str, Any]] = [
            {"name": u.name, "roles": u.roles, "active": u.active}
            for u in session.scalars(select(User).order_by(User.name))
        ]
    if format is Format.json:
        print_json(rows)
        return
    table = Table(title="Users")
    for col in ("name", "roles", "active"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], ", ".join(r["roles"]), "yes" if r["active"] else "no")
    console.print(table)


def demo(
    as_of: Annotated[str, typer.Option(help="Last date of service of the demo.")] = "2026-09-30",
    seed: int = 1,
    months: int = 24,
    claims_per_month: int = 1500,
) -> None:
    """The main job on the embedded database: synthetic practice in, monthly report out."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from cleanclaim.analytics.demo_run import DemoOptions, run_demo
    from cleanclaim.cli._common import require_date
    from cleanclaim.cli.report import print_headline
    from cleanclaim.settings import get_settings

    options = DemoOptions(seed, months, claims_per_month, require_date(as_of, "--as-of"))
    settings = get_settings()
    out = settings.data_dir / "demo"
    console.rule("cleanclaim demo")
    console.print(f"data directory: {settings.data_dir}", markup=False, highlight=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                for other in tasks.values():
                    task = bar.tasks[other]
                    bar.update(other, total=task.total or 1, completed=task.total or 1)
                tasks[step] = bar.add_task(step, total=total or None)
            bar.update(tasks[step], completed=done, total=total or None)

        result = run_demo(out, options, user=current_user(), progress=progress)
        for task_id in tasks.values():
            task = bar.tasks[task_id]
            bar.update(task_id, total=task.total or 1, completed=task.total or 1)
    data = result.report
    assert data is not None
    console.print(
        f"practice files: {result.practice_dir} ({'reused' if result.reused else 'generated'}); "
        f"{result.files_ingested} X12 files ingested, {result.files_already_known} already "
        f"known, {result.quarantined} sets quarantined",
        markup=False, highlight=False,
    )  # fmt: skip
    print_headline(data)
    if result.recovery is not None:
        r = result.recovery
        console.print(
            f"root causes recovered against the truth ledger ({r.scored} denials scored): "
            f"macro precision {r.macro_precision:.3f}, macro recall {r.macro_recall:.3f}",
            markup=False, highlight=False,
        )  # fmt: skip
    timings = ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
    console.print(f"steps: {timings}", markup=False, highlight=False)
    for path in result.paths:
        console.print(f"report: {path}", markup=False, highlight=False)
