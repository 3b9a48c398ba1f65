"""``cleanclaim db|practices|users`` and the ``demo`` command."""

from __future__ import annotations

import datetime as dt
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
) -> None:
    """Run the main job on the embedded default database and show what it stands on."""
    from cleanclaim.cli._common import require_date
    from cleanclaim.codesets.coverage import coverage
    from cleanclaim.codesets.store import default_store
    from cleanclaim.settings import get_settings

    end = require_date(as_of, "--as-of")
    start = dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=0)
    settings = get_settings()
    console.rule("cleanclaim demo")
    console.print(f"data directory: {settings.data_dir}", markup=False, highlight=False)
    with console.status("Creating or migrating the database..."):
        revision = upgrade_database()
    console.print(f"database ready (schema {revision})")
    store = default_store()
    with console.status("Loading the bundled code sets (first run builds them once)..."):
        releases = store.releases()
    console.print(f"{len(releases)} code-set releases installed")
    report = coverage(store, start, end)
    table = Table(title=f"What the scrubber can check, {start} to {end}")
    for col in ("code set", "version", "from", "to", "completeness"):
        table.add_column(col)
    for r in report.releases:
        table.add_row(
            r.kind,
            r.version,
            r.effective_from.isoformat(),
            r.effective_to.isoformat() if r.effective_to else "open",
            r.completeness.value,
        )
    console.print(table)
    gaps = Table(title="Gaps (checks that need these will be reported as not run)")
    for col in ("code set", "from", "to"):
        gaps.add_column(col)
    for g in report.gaps:
        gaps.add_row(g.codeset, g.start.isoformat(), g.end.isoformat())
    console.print(gaps)
