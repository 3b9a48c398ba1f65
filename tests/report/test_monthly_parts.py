"""Month-level parts that read single fields of the claim JSON in SQL agree with the JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from tests.denials._denialkit import World, claim
from tests.report._monthkit import APRIL, fixture_world

from cleanclaim.analytics.monthly.parties import claim_providers, provider_of, rendering_json
from cleanclaim.analytics.monthly.scrubbing import finding_outcomes, scrubbed_claims
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.tables_x12 import ClaimRow


def test_claim_providers_match_provider_of_on_the_whole_claim(db_url: str, tmp_path: Path) -> None:
    w = fixture_world(db_url, tmp_path)
    with session_scope(w.engine) as s:
        rows = s.execute(
            select(ClaimRow.id, ClaimRow.claim_json, ClaimRow.billing_npi, rendering_json())
        ).all()
        found = claim_providers(s, [(cid, text, npi) for cid, _, npi, text in rows])
        assert rows
        assert found == {cid: provider_of(data, npi) for cid, data, npi, _ in rows}
        # claim-level rendering providers are decoded from their own text, once per text
        rp = {"npi": "1234567893", "name": "DOE", "first_name": "JO", "taxonomy": "207Q00000X"}
        expected = provider_of({"rendering_provider": rp}, "1")
        assert expected.name == "Doe, Jo"
        got = claim_providers(s, [(1, json.dumps(rp), "1"), (2, json.dumps(rp), "1")])
        assert got == {1: expected, 2: expected}


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
