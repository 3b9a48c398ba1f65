"""Command-line behaviour: one-line errors, exit codes, practices, users, payers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.conftest import Result

Run = Callable[..., Result]

USAGE_ERRORS = [
    pytest.param(
        ["codesets", "import", "cpt4", "x.txt"],
        "error: unknown code set kind 'cpt4'; known kinds: ",
        id="unknown-kind",
    ),
    pytest.param(
        ["codesets", "import", "pos", "does-not-exist.csv"],
        "error: does-not-exist.csv: no such file",
        id="missing-file",
    ),
    pytest.param(
        ["codesets", "coverage", "--from", "2026-02-30", "--to", "2026-03-01"],
        "error: --from: '2026-02-30' is not a date (expected YYYY-MM-DD)",
        id="bad-date",
    ),
    pytest.param(
        ["codesets", "coverage", "--from", "2026-03-01", "--to", "2026-01-01"],
        "error: --to 2026-01-01 is before --from 2026-03-01",
        id="reversed-range",
    ),
    pytest.param(
        ["codesets", "coverage", "--from", "2026-03-01"],
        "error: Missing option '--to'.",
        id="missing-option",
    ),
    pytest.param(
        ["codesets", "frobnicate"], "error: No such command 'frobnicate'.", id="unknown-command"
    ),
    pytest.param(
        ["users", "add", "bo", "--role", "wizard"],
        "error: unknown role(s) wizard; roles are: ",
        id="unknown-role",
    ),
    pytest.param(
        ["--practice", "nowhere", "practices", "add", "Bad Key"],
        "error: invalid practice key 'Bad Key'",
        id="bad-practice-key",
    ),
    pytest.param(
        ["practices", "add", "east", "--npi", "1234567890"],
        "error: --npi 1234567890: not a valid NPI (check digit)",
        id="bad-npi",
    ),
]


@pytest.mark.parametrize(("args", "start"), USAGE_ERRORS)
def test_usage_errors_are_one_line_exit_2(cli: Run, args: list[str], start: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith(start), result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err + result.out


def test_module_entry_point_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "cleanclaim 0.1.0"


def test_practice_and_user_flow(cli: Run, db_url: str) -> None:
    assert cli("users", "add", "ana", "--role", "manager", "--role", "coder").code == 0
    assert (
        cli(
            "--user",
            "ana",
            "practices",
            "add",
            "northside",
            "--name",
            "Northside FM",
            "--npi",
            "1234567893",
            "--state",
            "OR",
            "--mac",
            "JF",
        ).code
        == 0
    )
    listed = json.loads(cli("practices", "list", "--format", "json").out)
    assert listed == [
        {
            "key": "northside",
            "name": "Northside FM",
            "billing_npis": ["1234567893"],
            "tin": None,
            "state": "OR",
            "mac_jurisdiction": "JF",
        }
    ]
    users = json.loads(cli("users", "list", "--format", "json").out)
    assert {"name": "ana", "roles": ["coder", "manager"], "active": True} in users
    dup = cli("practices", "add", "northside")
    assert (dup.code, dup.err) == (2, "error: practice 'northside' already exists\n")
    ghost = cli("--user", "ghost", "practices", "add", "west")
    assert (ghost.code, ghost.err) == (
        2,
        "error: no user 'ghost'; create it with: cleanclaim users add ghost\n",
    )


def test_payers_import_list_export(cli: Run, db_url: str, tmp_path: Path) -> None:
    listed = json.loads(cli("payers", "list", "--format", "json").out)
    assert [p["key"] for p in listed] == ["medicare-ffs"]
    assert listed[0]["timely_filing"] == "12m" and listed[0]["appeal_window_days"] == 120
    out = tmp_path / "registry.toml"
    assert cli("payers", "export", "--out", str(out)).code == 0
    again = cli("payers", "import", str(out))
    assert again.code == 0 and "added 0, updated 0, unchanged 1" in again.out


def test_db_upgrade_is_repeatable(cli: Run, db_url: str) -> None:
    first, second = cli("db", "upgrade"), cli("db", "upgrade")
    assert first.code == second.code == 0
    from cleanclaim.storage.migrate import head_revision

    assert f"database at revision {head_revision()}" in second.out
