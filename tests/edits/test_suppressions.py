"""``cleanclaim suppress`` and how scrubs honour suppressions.

Suppress -> the finding moves to ``suppressed`` (the claim may become clean); an expired
suppression no longer applies; a suppression for a scrubbed claim that silenced nothing
is reported; every suppression records its user and is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.clirunner import Result
from tests.edits._scrubkit import (
    CLEAN,
    LATE,
    WARN,
    claim,
    use_bundled_codesets,
    use_fake_catalogue,
    write_837,
)

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExLine
from cleanclaim.edits.suppressions import add_suppression
from cleanclaim.storage.accounts import actor
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.models import AuditEvent
from cleanclaim.storage.tables_edits import SuppressionRow

Run = Callable[..., Result]
pytestmark = pytest.mark.db


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, db_url: str) -> str:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    use_fake_catalogue(monkeypatch)
    return db_url


def _scrub(cli: Run, path: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = cli("scrub", str(path), "--format", "json", *args)
    assert result.err == ""
    data = json.loads(result.out)
    assert isinstance(data, dict)
    return result.code, data


def _claim(data: dict[str, object], claim_id: str) -> dict[str, object]:
    claims = data["claims"]
    assert isinstance(claims, list)
    (found,) = [c for c in claims if c["claim_id"] == claim_id]
    assert isinstance(found, dict)
    return found


def test_suppressed_finding_leaves_the_claim(fake: str, cli: Run, tmp_path: Path) -> None:
    path = write_837(tmp_path / "f.837", LATE, CLEAN)
    code, data = _scrub(cli, path)
    assert code == 1 and _claim(data, "LATE1")["status"] == "flagged"

    done = cli("suppress", "LATE1", "TF101", "--reason", "retroactive eligibility, letter on file")
    assert done.code == 0, done.err
    assert done.out.strip() == (
        "suppression #1: TF101 on claim LATE1 (practice default, by system)"
    )

    code, data = _scrub(cli, path)
    assert code == 0
    assert _claim(data, "LATE1") == {
        "claim_id": "LATE1",
        "claim_key": None,
        "status": "clean",
        "findings": [],
    }
    assert data["unused_suppressions"] == []
    table = cli("scrub", str(path))
    assert "1 finding(s) suppressed (TF101)" in table.out


LINES = [
    pytest.param(["--line", "2"], [1], id="line-2-only"),
    pytest.param(["--line", "1"], [2], id="line-1-only"),
    pytest.param([], [], id="every-line"),
]


@pytest.mark.parametrize(("args", "left"), LINES)
def test_line_scoped_suppression(
    fake: str, cli: Run, tmp_path: Path, args: list[str], left: list[int]
) -> None:
    two = claim("TWO", ExLine("99213", modifiers=("ZW",)), ExLine("99214", modifiers=("ZW",)))
    path = write_837(tmp_path / "two.837", two)
    assert cli("suppress", "TWO", "ZZ901", "--reason", "ok", *args).code == 0
    _, data = _scrub(cli, path)
    findings = _claim(data, "TWO")["findings"]
    assert isinstance(findings, list)
    assert [f["line"] for f in findings] == left


def test_expired_suppression_no_longer_applies(fake: str, cli: Run, tmp_path: Path) -> None:
    with session_scope(get_engine(fake)) as session:
        who = actor(session, "system", "default")
        add_suppression(
            session,
            who,
            claim="LATE1",
            rule="TF101",
            reason="was fine until the end of 2020",
            until=dt.date(2020, 12, 31),
            today=dt.date(2020, 6, 1),
        )
    code, data = _scrub(cli, write_837(tmp_path / "f.837", LATE))
    assert code == 1
    assert [f["rule"] for f in _claim(data, "LATE1")["findings"]] == ["TF101"]  # type: ignore[union-attr]
    assert data["unused_suppressions"] == []  # expired: not active, so not "unused" either


def test_suppression_until_today_still_applies(fake: str, cli: Run, tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    assert cli("suppress", "LATE1", "TF101", "--reason", "r", "--until", today).code == 0
    code, data = _scrub(cli, write_837(tmp_path / "f.837", LATE))
    assert (code, _claim(data, "LATE1")["status"]) == (0, "clean")


def test_unused_suppression_is_reported(fake: str, cli: Run, tmp_path: Path) -> None:
    assert cli("users", "add", "bo", "--role", "coder").code == 0
    assert cli("--user", "bo", "suppress", "CLEAN1", "ZZ901", "--reason", "expected").code == 0
    assert cli("suppress", "ELSEWHERE", "ZZ901", "--reason", "other file").code == 0
    assert cli("suppress", "WARN1", "ZZ901", "--reason", "used").code == 0
    path = write_837(tmp_path / "f.837", CLEAN, WARN)
    code, data = _scrub(cli, path, "--fail-on", "warning")
    assert code == 0
    assert data["unused_suppressions"] == [
        {
            "id": 1,
            "claim": "CLEAN1",
            "rule": "ZZ901",
            "line": None,
            "reason": "expected",
            "user": "bo",
            "until": None,
        }
    ]
    table = cli("scrub", str(path))
    assert "unused suppression #1: ZZ901 on claim CLEAN1 matched no finding" in table.out
    assert "ELSEWHERE" not in table.out


def test_suppressions_belong_to_their_practice(fake: str, cli: Run, tmp_path: Path) -> None:
    assert cli("practices", "add", "east").code == 0
    assert cli("--practice", "east", "suppress", "LATE1", "TF101", "--reason", "east").code == 0
    path = write_837(tmp_path / "f.837", LATE)
    assert _scrub(cli, path)[0] == 1
    assert _scrub(cli, path, "--practice", "east")[0] == 0


def test_suppression_is_stored_and_audited(fake: str, cli: Run) -> None:
    assert cli("users", "add", "ann", "--role", "biller").code == 0
    result = cli(
        "--user",
        "ann",
        "suppress",
        "LATE1",
        "timely-filing",
        "--reason",
        " letter ",
        "--until",
        "2999-01-31",
    )
    assert result.code == 0, result.err
    with session_scope(get_engine(fake)) as session:
        (row,) = session.scalars(sa.select(SuppressionRow)).all()
        assert (row.claim, row.rule, row.reason, row.user_name, row.until, row.line) == (
            "LATE1",
            "TF101",
            "letter",
            "ann",
            dt.date(2999, 1, 31),
            None,
        )
        events = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity == "suppression")
        ).all()
        assert [(e.user_name, e.action, e.entity_key, e.detail) for e in events] == [
            ("ann", "create", str(row.id), {"rule": "TF101", "line": None, "until": "2999-01-31"})
        ]


ERRORS = [
    pytest.param(["LATE1", "TF101"], "error: Missing option '--reason'.", id="reason-required"),
    pytest.param(
        ["LATE1", "TF101", "--reason", "   "],
        "error: suppress: --reason must say why the finding is accepted",
        id="blank-reason",
    ),
    pytest.param(
        ["LATE1", "XX999", "--reason", "r"],
        "error: unknown rule 'XX999'; rules are: ZZ901, ZZ902, ZZ903, TF101",
        id="unknown-rule",
    ),
    pytest.param(
        ["LATE1", "TF101", "--reason", "r", "--until", "2001-01-01"],
        "error: --until 2001-01-01 is in the past",
        id="until-in-the-past",
    ),
    pytest.param(
        ["LATE1", "TF101", "--reason", "r", "--until", "tomorrow"],
        "error: --until: 'tomorrow' is not a date (expected YYYY-MM-DD)",
        id="until-not-a-date",
    ),
    pytest.param(
        ["LATE1", "TF101", "--reason", "r", "--line", "0"],
        "error: --line 0: service lines are numbered from 1",
        id="line-zero",
    ),
    pytest.param(
        ["  ", "TF101", "--reason", "r"],
        "error: suppress: CLAIM is empty; give a claim key or CLM01",
        id="empty-claim",
    ),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_suppress_usage_errors(fake: str, cli: Run, args: list[str], message: str) -> None:
    result = cli("suppress", *args)
    assert (result.code, result.err.strip()) == (2, message)
    with session_scope(get_engine(fake)) as session:
        assert session.scalars(sa.select(SuppressionRow)).all() == []


def test_unknown_user_cannot_suppress(fake: str, cli: Run) -> None:
    result = cli("--user", "nobody", "suppress", "LATE1", "TF101", "--reason", "r")
    assert result.code == 2
    assert (
        result.err.strip() == "error: no user 'nobody'; create it with: cleanclaim users add nobody"
    )
