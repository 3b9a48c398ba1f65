"""``cleanclaim scrub --db``: stored claims rebuilt from their JSON, scrubbed, findings stored."""

from __future__ import annotations

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
from cleanclaim.edits.context import patient_key
from cleanclaim.edits.examples import ExClaim, ExLine, parse_x12, to_x12
from cleanclaim.edits.stored import StoredHistory, claim_from_json
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import ClaimRow

Run = Callable[..., Result]
pytestmark = pytest.mark.db


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, db_url: str) -> str:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    use_fake_catalogue(monkeypatch)
    return db_url


def _ingest(cli: Run, path: Path) -> None:
    result = cli("ingest", str(path))
    assert result.code == 0, result.err


def test_scrub_db_stores_findings(fake: str, cli: Run, tmp_path: Path) -> None:
    _ingest(cli, write_837(tmp_path / "f.837", CLEAN, LATE, WARN))
    result = cli("scrub", "--db", "--format", "json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    claims = {c["claim_id"]: c for c in data["claims"]}
    assert {k: c["status"] for k, c in claims.items()} == {
        "CLEAN1": "clean",
        "LATE1": "flagged",
        "WARN1": "flagged",
    }
    assert all(c["claim_key"].startswith("c-") for c in claims.values())
    with session_scope(get_engine(fake)) as session:
        scrubs = session.scalars(
            sa.select(ClaimScrubRow)
            .where(ClaimScrubRow.trigger == "rescrub")
            .order_by(ClaimScrubRow.id)
        ).all()
        assert [(s.claim_key, s.trigger, s.status, s.payer_type) for s in scrubs] == [
            (claims[c]["claim_key"], "rescrub", claims[c]["status"], "medicare-ffs")
            for c in ("CLEAN1", "LATE1", "WARN1")
        ]
        findings = session.scalars(
            sa.select(FindingRow)
            .join(ClaimScrubRow, ClaimScrubRow.id == FindingRow.scrub_id)
            .where(ClaimScrubRow.trigger == "rescrub")
            .order_by(FindingRow.id)
        ).all()
        assert [(f.rule, f.severity, f.line, f.suppressed) for f in findings] == [
            ("TF101", "error", 1, False),
            ("ZZ901", "warning", 1, False),
        ]


def test_scrub_db_appends_and_honours_suppressions_by_claim_key(
    fake: str, cli: Run, tmp_path: Path
) -> None:
    _ingest(cli, write_837(tmp_path / "f.837", LATE))
    first = json.loads(cli("scrub", "--db", "--format", "json").out)
    key = first["claims"][0]["claim_key"]
    assert cli("suppress", key, "TF101", "--reason", "exception granted").code == 0
    second = cli("scrub", "--db", "--format", "json")
    assert second.code == 0
    assert json.loads(second.out)["claims"][0]["status"] == "clean"
    with session_scope(get_engine(fake)) as session:
        statuses = session.scalars(
            sa.select(ClaimScrubRow.status)
            .where(ClaimScrubRow.trigger == "rescrub")
            .order_by(ClaimScrubRow.id)
        )
        assert list(statuses) == ["flagged", "clean"]
        rows = session.execute(
            sa.select(
                FindingRow.scrub_id,
                FindingRow.suppressed,
                FindingRow.suppressed_by,
                FindingRow.suppression_reason,
            )
            .join(ClaimScrubRow, ClaimScrubRow.id == FindingRow.scrub_id)
            .where(ClaimScrubRow.trigger == "rescrub")
            .order_by(FindingRow.id)
        ).all()
        assert [tuple(r)[1:] for r in rows] == [
            (False, None, None),
            (True, "system", "exception granted"),
        ]


SINCE = [
    pytest.param("2026-04-06", ["CLEAN1", "LATE1"], id="on-the-day"),
    pytest.param("2026-04-07", ["CLEAN1"], id="day-after"),
    pytest.param("2030-01-01", [], id="nothing-that-late"),
]


@pytest.mark.parametrize(("since", "expected"), SINCE)
def test_scrub_db_since(
    fake: str, cli: Run, tmp_path: Path, since: str, expected: list[str]
) -> None:
    _ingest(cli, write_837(tmp_path / "f.837", CLEAN, LATE))
    result = cli("scrub", "--db", "--since", since, "--format", "json")
    assert sorted(c["claim_id"] for c in json.loads(result.out)["claims"]) == expected


def test_scrub_db_other_practice_sees_nothing(fake: str, cli: Run, tmp_path: Path) -> None:
    _ingest(cli, write_837(tmp_path / "f.837", LATE))
    assert cli("practices", "add", "east").code == 0
    result = cli("scrub", "--db", "--practice", "east", "--format", "json")
    assert (result.code, json.loads(result.out)["claims"]) == (0, [])


ROUND_TRIPS = [
    pytest.param(CLEAN, id="837p"),
    pytest.param(
        claim(
            "MODS",
            ExLine("20610", modifiers=("RT", "59"), units=2),
            ExLine("99213", ("25",)),
            dx=("M1711", "I10"),
        ),
        id="837p-modifiers-units-pointers",
    ),
    pytest.param(
        claim(
            "INST",
            ExLine("99213", revenue_code="0510"),
            claim_type="institutional",
            pos="13",
            poa=("Y",),
        ),
        id="837i",
    ),
]


@pytest.mark.parametrize("spec", ROUND_TRIPS)
def test_stored_claim_reads_back_equal(fake: str, cli: Run, tmp_path: Path, spec: ExClaim) -> None:
    path = tmp_path / "one.837"
    path.write_text(to_x12(spec), "latin-1")
    _ingest(cli, path)
    (parsed,) = parse_x12(to_x12(spec), str(path))
    with session_scope(get_engine(fake)) as session:
        row = session.scalars(sa.select(ClaimRow)).one()
        assert claim_from_json(row.claim_json) == parsed


def test_history_holds_earlier_claims_of_the_patient_only(
    fake: str, cli: Run, tmp_path: Path
) -> None:
    first = claim("FIRST", ExLine("99213"), dos="2026-05-04")
    second = claim("SECOND", ExLine("99214"), dos="2026-05-04")
    other = claim("OTHER", ExLine("99215"), dos="2026-05-04", member_id="SOMEONEELSE")
    _ingest(cli, write_837(tmp_path / "f.837", first, second, other))
    from cleanclaim.claims.lifecycle import ensure_salt

    with session_scope(get_engine(fake)) as session:
        rows = session.scalars(sa.select(ClaimRow).order_by(ClaimRow.id)).all()
        history = StoredHistory(session, rows[0].practice_id, ensure_salt(session, 1, "system"))
        claims = [claim_from_json(r.claim_json) for r in rows]
        day = claims[0].lines[0].service_date_from
        assert day is not None
        seen = []
        for row, c in zip(rows, claims, strict=True):
            history.focus(c, row.id)
            seen.append([h.procedure for h in history.lines_on(patient_key(c), day)])
        assert seen == [[], ["99213"], []]


PREVIEWS = [
    pytest.param("DUPA", [], id="same-claim-already-ingested-is-not-its-own-duplicate"),
    pytest.param("DUPB", ["DU101"], id="other-claim-same-service-is-a-duplicate"),
]


@pytest.mark.parametrize(("claim_id", "rules"), PREVIEWS)
def test_preview_checks_duplicates_against_stored_claims(
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    db_url: str,
    cli: Run,
    tmp_path: Path,
    claim_id: str,
    rules: list[str],
) -> None:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    _ingest(cli, write_837(tmp_path / "a.837", claim("DUPA", dos="2026-07-15")))
    path = write_837(tmp_path / "b.837", claim(claim_id, dos="2026-07-15"))
    result = cli("scrub", str(path), "--select", "DU101", "--format", "json")
    data = json.loads(result.out)
    assert [f["rule"] for f in data["claims"][0]["findings"]] == rules
    assert data["coverage"] == []


def test_ingest_hook_records_the_pre_submission_scrub(
    fake: str, cli: Run, tmp_path: Path, bundled_store: CodesetStore
) -> None:
    # Ingest itself scrubs each new version and keeps the result as its pre-submission record.
    _ingest(cli, write_837(tmp_path / "f.837", LATE))
    with session_scope(get_engine(fake)) as session:
        row = session.scalars(sa.select(ClaimRow)).one()
        scrub = session.scalars(sa.select(ClaimScrubRow)).one()
        assert (scrub.trigger, scrub.status, scrub.claim_key) == (
            "ingest",
            "flagged",
            row.claim_key,
        )
        assert session.scalars(sa.select(FindingRow.rule)).all() == ["TF101"]
