"""The ``cleanclaim`` command line: a thin shell over the library.

Errors raised on purpose (:class:`~cleanclaim.errors.CleanclaimError`) and usage mistakes
are printed as one line on stderr, with exit code 2 for usage errors and 1 otherwise;
never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer._click import exceptions as click_exc

from cleanclaim import __version__
from cleanclaim.cli import (
    admin,
    claims,
    codesets,
    demo,
    denials,
    hcc,
    ingest,
    packs,
    payers,
    report,
    scrub,
    validate,
    worklog,
)
from cleanclaim.cli._common import state
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
app.add_typer(packs.app, name="packs")
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.practices_app, name="practices")
app.add_typer(admin.users_app, name="users")
app.add_typer(demo.app, name="demo")
app.command("ingest")(ingest.ingest)
app.command("validate")(validate.validate)
app.add_typer(claims.app, name="claims")
app.command("scrub")(scrub.scrub)
app.command("rules")(scrub.rules)
app.command("rule")(scrub.rule)
app.command("suppress")(scrub.suppress)
app.add_typer(hcc.app, name="hcc")
app.add_typer(denials.app, name="denials")
app.add_typer(worklog.app, name="worklog")
app.add_typer(report.app, name="report")


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


def _error(message: str) -> None:
    """One line on stderr, never wrapped."""
    sys.stderr.write("error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m cleanclaim``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app(args=args, prog_name="cleanclaim", standalone_mode=False)
    except click_exc.NoArgsIsHelpError as exc:
        sys.stdout.write((exc.ctx.get_help() if exc.ctx else "") + "\n")
        sys.exit(2)
    except click_exc.UsageError as exc:
        _error(exc.format_message())
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _error("aborted")
        sys.exit(130)
    except CleanclaimError as exc:
        _error(str(exc))
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
