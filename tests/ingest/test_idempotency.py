"""The same content twice, in sequence or at the same time, is stored once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tests.ingest import _x12 as x
from tests.ingest.conftest import Counts, Ingest

from cleanclaim.claims.ingest import FileReport, ingest_file
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.db import get_engine

CLAIMS = x.p837(x.claim("A1"), x.claim("A2", charges=("80.00", "20.00")), x.claim("A3"), per_set=2)
REMITS = x.r835(
    x.remit(x.payment("A1"), x.payment("A2", charges=("80.00", "20.00"))),
    x.remit(x.payment("A3", payer_claim_number="PCN3"), trace="TRC2"),
)
FILES = [pytest.param(CLAIMS, id="837p"), pytest.param(REMITS, id="835")]


@pytest.mark.parametrize("text", FILES)
def test_same_file_twice_is_a_duplicate(
    tmp_path: Path,
    ingest: Ingest,
    counts: Counts,
    text: str,
) -> None:
    path = x.write(tmp_path, "in.x12", text)
    first = ingest(path)
    rows = counts()
    again = ingest(path)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert counts() == rows
    assert again.to_json() | {"duplicate": False} == first.to_json()


@pytest.mark.parametrize("text", FILES)
def test_same_content_under_another_name_is_a_duplicate(
    tmp_path: Path,
    ingest: Ingest,
    counts: Counts,
    text: str,
) -> None:
    first = ingest(x.write(tmp_path, "monday.x12", text))
    rows = counts()
    again = ingest(x.write(tmp_path, "copy of monday.txt", text))
    assert (again.duplicate, again.sha256, again.claims) == (True, first.sha256, first.claims)
    assert again.path.endswith("copy of monday.txt")
    assert counts() == rows


@pytest.mark.parametrize(
    ("text", "resent", "table"),
    [
        pytest.param(
            CLAIMS,
            CLAIMS.replace("000000001", "000000044")
            .replace("*1*X*", "*44*X*")
            .replace("GE*2*1~", "GE*2*44~")
            .replace("BHT*0019*00*1000", "BHT*0019*00*9000"),
            "claim",
            id="837p-new-envelope",
        ),
        pytest.param(
            REMITS,
            REMITS.replace("000000501", "000000502")
            .replace("*501*X*", "*502*X*")
            .replace("GE*2*501", "GE*2*502"),
            "remit_claim",
            id="835-new-envelope",
        ),
    ],
)
def test_same_business_content_in_a_new_file_stores_nothing_new(
    tmp_path: Path,
    ingest: Ingest,
    counts: Counts,
    text: str,
    resent: str,
    table: str,
) -> None:
    first = ingest(x.write(tmp_path, "a.x12", text))
    rows = counts()
    again = ingest(x.write(tmp_path, "b.x12", resent))
    assert again.duplicate is False
    assert again.quarantined == []
    assert (again.claims, again.duplicate_claims) == (first.claims, first.claims)
    after = counts()
    assert after.pop("x12_file") == rows.pop("x12_file") + 1
    assert after == rows
    assert rows[table] == 3


def test_concurrent_ingest_of_one_file_keeps_one_copy(
    tmp_path: Path,
    db_url: str,
    who: Actor,
    counts: Counts,
) -> None:
    path = x.write(tmp_path, "in.x12", CLAIMS)
    engine = get_engine(db_url)
    barrier = threading.Barrier(2)
    reports: list[FileReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            reports.append(ingest_file(path, who, engine=engine))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.duplicate for r in reports) == [False, True]
    assert {r.claims for r in reports} == {3}
    rows = counts()
    assert (rows["x12_file"], rows["claim"], rows["claim_line"]) == (1, 3, 4)


def test_two_processes_ingesting_one_file_keep_one_copy(
    tmp_path: Path,
    db_url: str,
    who: Actor,
    counts: Counts,
) -> None:
    from cleanclaim.cli.admin import upgrade_database

    upgrade_database()  # seeding payers (and, via ``who``, the user) at once is not tested here
    path = x.write(tmp_path, "in.x12", CLAIMS)
    env = {**os.environ, "CLEANCLAIM_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "cleanclaim", "ingest", str(path), "--format", "json"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    duplicates = sorted(json.loads(out)["files"][0]["duplicate"] for out, _ in outputs)
    assert duplicates == [False, True]
    rows = counts()
    assert (rows["x12_file"], rows["claim"], rows["claim_line"]) == (1, 3, 4)


def test_ingest_waiting_on_a_concurrent_writer_reports_duplicate(
    tmp_path: Path,
    db_url: str,
    who: Actor,
    counts: Counts,
) -> None:
    """Another session stores the same file (first ingest's row) while this one waits."""
    import time

    import sqlalchemy as sa

    from cleanclaim.claims.ingest import sha256_of
    from cleanclaim.storage.tables_x12 import X12File

    path = x.write(tmp_path, "in.x12", CLAIMS)
    engine = get_engine(db_url)
    reports: list[FileReport] = []
    with engine.connect() as conn:
        conn.begin()
        conn.execute(
            sa.insert(X12File.__table__).values(
                practice_id=who.practice_id,
                sha256=sha256_of(path),
                name="other.x12",
                size=1,
                kind="837P",
                interchanges=1,
                accepted_sets=1,
                skipped_sets=0,
                claims=3,
                lines=4,
                adjustments=0,
                duplicate_claims=0,
                quarantined=0,
                ingested_by="ana",
                created_by="ana",
            )
        )
        thread = threading.Thread(
            target=lambda: reports.append(ingest_file(path, who, engine=engine))
        )
        thread.start()
        time.sleep(0.5)  # let the ingest reach the lock or the unique index
        conn.commit()
    thread.join()
    assert [(r.duplicate, r.claims) for r in reports] == [(True, 3)]
    assert counts()["claim"] == 0


@pytest.mark.parametrize(
    ("claims", "stored", "versions"),
    [
        pytest.param(
            [x.claim("A1"), x.claim("A1")], 1, [(1, "original")], id="same-claim-twice-in-one-set"
        ),
        pytest.param(
            [
                x.claim("A1"),
                x.claim("A1", charges=("110.00",), frequency="7", original_reference="PCN1"),
            ],
            2,
            [(1, "original"), (2, "replacement")],
            id="original-and-replacement-in-one-set",
        ),
    ],
)
def test_repeated_claims_within_one_set(
    tmp_path: Path,
    db_url: str,
    ingest: Ingest,
    claims: list[x.GenClaim],
    stored: int,
    versions: list[tuple[int, str]],
) -> None:
    import sqlalchemy as sa

    from cleanclaim.storage.tables_x12 import ClaimRow

    report = ingest(x.write(tmp_path, "in.x12", x.p837(*claims)))
    assert (report.claims, report.duplicate_claims) == (2, 2 - stored)
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(
            sa.select(ClaimRow.version, ClaimRow.version_kind).order_by(ClaimRow.version)
        ).all()
    assert [tuple(r) for r in rows] == versions
