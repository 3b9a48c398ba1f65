"""Helpers shared by the command modules: console, dates, formats, the acting context."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from typing import Any

from rich.console import Console

from cleanclaim.errors import UsageError

# Output that is not a terminal (a pipe, a file, a test) gets a wide page and no
# wrapping, so that tables and messages are not cut at 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH, soft_wrap=_WIDTH is not None)
err_console = Console(stderr=True, width=_WIDTH, soft_wrap=_WIDTH is not None)


class Format(StrEnum):
    """Output formats of listing commands."""

    table = "table"
    json = "json"


class State:
    """Global options given before the command (``--practice``, ``--user``)."""

    practice: str | None = None
    user: str | None = None


state = State()


def parse_date(text: str | None, option: str) -> dt.date | None:
    """An ISO date given on the command line, or a one-line usage error."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date (expected YYYY-MM-DD)") from None


def require_date(text: str, option: str) -> dt.date:
    """Like :func:`parse_date` for required options."""
    value = parse_date(text, option)
    assert value is not None
    return value


def print_json(data: Any) -> None:
    """Print JSON to stdout (dates and decimals as strings)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def current_user() -> str:
    """``--user``, else ``CLEANCLAIM_USER``, else ``system``."""
    from cleanclaim.settings import get_settings

    return state.user or get_settings().user


def current_practice() -> str:
    """``--practice``, else ``CLEANCLAIM_PRACTICE``, else ``default``."""
    from cleanclaim.settings import get_settings

    return state.practice or get_settings().practice
