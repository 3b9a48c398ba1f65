"""The ``cleanclaim`` command line: a thin shell over the library.

Errors raised on purpose (:class:`~cleanclaim.errors.CleanclaimError`) and usage mistakes
are printed as one line on stderr, with exit code 2 for usage errors and 1 otherwise;
never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer

from cleanclaim import __version__
from cleanclaim.cli import admin, codesets, payers
from cleanclaim.cli._common import err_console, state
from cleanclaim.errors import CleanclaimError

app = typer.Typer(
    name="cleanclaim",
    help="Scrub claims against the code sets in force on the date of service, and find the "
    "real cause of every denial.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(codesets.app, name="codesets")
app.add_typer(payers.app, name="payers")
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.practices_app, name="practices")
app.add_typer(admin.users_app, name="users")
app.command("demo")(admin.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleanclaim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    practice: Annotated[
        str | None, typer.Option("--practice", help="Practice to act for (default: 'default').")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="User acting (default: CLEANCLAIM_USER).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    state.practice = practice
    state.user = user


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m cleanclaim``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app(args=args, prog_name="cleanclaim", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "")
        sys.exit(2)
    except click.UsageError as exc:
        err_console.print(f"error: {exc.format_message()}", markup=False, highlight=False)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        err_console.print("aborted", markup=False)
        sys.exit(130)
    except CleanclaimError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
