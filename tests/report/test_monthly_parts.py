"""Month-level parts that read claim facts, not the claim JSON, agree with the JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests.denials._denialkit import BILLING, World, claim
from tests.report._monthkit import APRIL, fixture_world

from cleanclaim.analytics.monthly.parties import (
    Provider,
    claim_providers,
    provider_columns,
    provider_of,
)
from cleanclaim.analytics.monthly.scrubbing import finding_outcomes, scrubbed_claims
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimRow
from cleanclaim.x12.generate.model import Practitioner


def _provider_rows(s: Session) -> list[Any]:
    return s.execute(
        select(ClaimRow.id, ClaimRow.claim_json, ClaimRow.billing_npi, *provider_columns())
        .outerjoin(ClaimFactRow, ClaimFactRow.claim_id == ClaimRow.id)
        .order_by(ClaimRow.id)
    ).all()


def test_claim_providers_match_provider_of_on_the_whole_claim(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    doctor = Practitioner("1234567893", "DOE", "JO", "207Q00000X")
    w.submit(replace(claim("R1", "90.00"), rendering=doctor), claim("B1", "80.00"))
    with session_scope(w.engine) as s:
        rows = _provider_rows(s)
        assert len(rows) == 2 and all(r[3] is not None for r in rows)  # both have their facts
        expected = {cid: provider_of(data, npi) for cid, data, npi, *_ in rows}
        assert sorted(p.name for p in expected.values()) == ["Doe, Jo", f"NPI {BILLING.npi}"]
        found = claim_providers(s, [(cid, facts, npi) for cid, _, npi, *facts in rows])
        assert found == expected
        # without its claim_fact row, a claim's provider is read from its JSON
        s.execute(delete(ClaimFactRow))
        again = _provider_rows(s)
        assert [r[3] for r in again] == [None, None]
        assert claim_providers(s, [(cid, facts, npi) for cid, _, npi, *facts in again]) == expected
        s.rollback()


def test_provider_of_takes_the_claim_level_then_the_first_named_line() -> None:
    rp = {"npi": "1234567893", "name": "DOE", "first_name": "JO", "taxonomy": "207Q00000X"}
    assert provider_of({"rendering_provider": rp}, "1") == Provider(
        "1234567893", "Doe, Jo", "207Q00000X"
    )
    assert provider_of({"lines": [{}, {"rendering_provider": rp}]}, "1").npi == "1234567893"
    assert provider_of({}, "1999999984") == Provider("1999999984", "NPI 1999999984", "")


def test_scrubbed_claims_count_the_diagnoses_of_the_claim(db_url: str, tmp_path: Path) -> None:
    w = fixture_world(db_url, tmp_path)
    with session_scope(w.engine) as s:
        scrubbed = scrubbed_claims(s, w.who.practice_id, APRIL)
        dx = dict(s.execute(select(ClaimRow.id, ClaimRow.claim_json)).all())
        assert scrubbed
        for c in scrubbed:
            assert c.dx_codes == len(dx[c.claim_id].get("diagnoses") or [])
            assert c.practice_id == w.who.practice_id and c.submitted_on.month == 4


def test_a_finding_is_fixed_when_the_later_version_drops_it(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    w.submit(claim("E1", "90.00"), claim("F1", "90.00"), on=dt.date(2026, 4, 2))
    w.submit(
        claim("E1", "95.00", frequency="7", original_reference="PCNE1"),
        claim("F1", "95.00", frequency="7", original_reference="PCNF1"),
        on=dt.date(2026, 5, 3),
    )
    w.finding("E1", "DX101", "dx-invalid")
    w.finding("E1", "NC101", "ncci-ptp", version=2)
    w.finding("F1", "DX101", "dx-invalid")
    w.finding("F1", "DX101", "dx-invalid", version=2)
    with session_scope(w.engine) as s:
        assert None not in s.scalars(select(ClaimRow.original_id).where(ClaimRow.version == 2))
        scrubbed = scrubbed_claims(s, w.who.practice_id, APRIL)
        rows = {r.category: r for r in finding_outcomes(s, scrubbed)}
    # E1's May replacement no longer raises DX101; F1's still does (and is not adjudicated)
    assert rows["dx-invalid"].findings == 2
    assert (rows["dx-invalid"].fixed, rows["dx-invalid"].pending) == (1, 1)
    assert "ncci-ptp" not in rows
