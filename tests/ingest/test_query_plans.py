"""Ingest reads stored claims through their indexes: no query walks all of a practice's
claims (SQLite plans; each walk reads every stored claim, JSON included)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.ingest import _x12 as x
from tests.ingest.conftest import Ingest

from cleanclaim.storage.db import get_engine

CLAIMS = [x.claim("P1"), x.claim("P2"), x.claim("P2", billing=x.BILLING_B)]
FILES = [
    pytest.param(x.p837(*CLAIMS), id="837"),
    pytest.param(
        x.write_999(
            x.ack999_for(x.p837(*CLAIMS)), sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE
        ),
        id="999",
    ),
    pytest.param(
        x.write_277ca(
            [x.ClaimAck(c, payer_claim_number=f"PCN{n}") for n, c in enumerate(CLAIMS)],
            sender="DCOMM",
            receiver="SUBMITTER",
            created=x.ACK_DATE,
        ),
        id="277ca",
    ),
    pytest.param(x.r835(x.remit(x.payment("P1"), x.payment("P2"))), id="835"),
]
WALK = re.compile(r"^SCAN claim\b|^SEARCH claim USING (COVERING )?INDEX \S+ \(practice_id=\?\)$")


@pytest.mark.parametrize("text", FILES)
def test_no_query_walks_the_practice(
    tmp_path: Path, db_url: str, ingest: Ingest, text: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("query plans are read from SQLite")
    ingest(x.write(tmp_path, "claims.x12", x.p837(*CLAIMS)))
    engine = get_engine(db_url)
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        ingest(x.write(tmp_path, "under-test.x12", text))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert seen
    with engine.connect() as conn:
        walks = [
            (detail, statement)
            for statement, params in seen
            for *_, detail in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            if WALK.search(detail)
        ]
    assert walks == []
