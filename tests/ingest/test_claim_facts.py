"""Ingest stores each claim version's facts; the migration that added them fills the same
values in from the stored claim JSON for claims stored before it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from tests.ingest import _x12 as x
from tests.ingest.conftest import Ingest

from cleanclaim.claims.facts import report_provider
from cleanclaim.edits.stored import claim_from_json
from cleanclaim.storage.db import get_engine
from cleanclaim.storage.migrate import downgrade, head_revision, upgrade
from cleanclaim.storage.tables_x12 import ClaimRow

COLUMNS = (
    "claim_id",
    "practice_id",
    "claim_key",
    "claim_type",
    "version_kind",
    "family_id",
    "patient_key",
    "record_day",
    "provider_npi",
    "provider_taxonomy",
    "filing_indicator",
    "bill_type",
    "dx_codes",
    "procedures",
    "diagnoses",
    "created_by",
    "rendering_npi",
    "rendering_name",
    "rendering_first_name",
    "rendering_taxonomy",
)


def _facts(db_url: str) -> list[tuple[Any, ...]]:
    with get_engine(db_url).connect() as conn:
        cols = ", ".join(COLUMNS)
        return [
            tuple(r) for r in conn.execute(sa.text(f"SELECT {cols} FROM claim_fact ORDER BY 1"))
        ]


def _claims(tmp_path: Path) -> tuple[Path, Path]:
    professional = x.p837(x.claim("P1", charges=("100.00", "20.00")), x.claim("P2"), per_set=2)
    institutional = x.write_837i(
        [x.claim("I1", charges=("900.00", "45.00"), revenue_code="0450")],
        sender="SUBMITTER",
        receiver="DCOMM",
        created=x.ACK_DATE,
        claims_per_transaction=1,
    )
    return (
        x.write(tmp_path, "prof.837", professional),
        x.write(tmp_path, "inst.837", institutional),
    )


def test_ingest_stores_the_facts_of_each_claim(db_url: str, ingest: Ingest, tmp_path: Path) -> None:
    for path in _claims(tmp_path):
        ingest(path)
    facts = {row[2]: dict(zip(COLUMNS, row, strict=True)) for row in _facts(db_url)}
    with get_engine(db_url).connect() as conn:
        keys = dict(conn.execute(sa.text("SELECT clm01, claim_key FROM claim")).all())
    assert sorted(facts) == sorted(keys.values())
    p1, i1 = facts[keys["P1"]], facts[keys["I1"]]
    assert (p1["claim_type"], p1["version_kind"], str(p1["record_day"])) == (
        "professional",
        "original",
        x.DOS.isoformat(),
    )
    assert p1["provider_npi"] == x.BILLING.npi
    assert p1["procedures"].split() and p1["dx_codes"].split()
    assert p1["diagnoses"] >= len(p1["dx_codes"].split())
    assert p1["patient_key"] and p1["bill_type"] is None
    assert i1["claim_type"] == "institutional" and i1["bill_type"]
    stored = _stored_claims(db_url)
    for key, fact in facts.items():  # the report's provider: claim level, else first line
        found = report_provider(stored[key])
        assert (fact["rendering_npi"], fact["rendering_name"]) == (
            (found.npi, found.name) if found else (None, None)
        )


def _stored_claims(db_url: str) -> dict[str, Any]:
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(sa.select(ClaimRow.claim_key, ClaimRow.claim_json)).all()
    return {key: claim_from_json(data, claim_key=key) for key, data in rows}


def test_the_migration_fills_in_facts_of_claims_stored_before(
    db_url: str, ingest: Ingest, tmp_path: Path
) -> None:
    for path in _claims(tmp_path):
        ingest(path)
    stored = _facts(db_url)
    engine = get_engine(db_url)
    assert downgrade(engine, "0005") == "0005"  # back to before the table existed
    assert not sa.inspect(engine).has_table("claim_fact")
    assert upgrade(engine) == head_revision()
    assert _facts(db_url) == stored
