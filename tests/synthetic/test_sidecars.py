"""The sidecars load with the project's own loaders and match the X12 files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from tests.synthetic._demo import Demo

from cleanclaim.denials.worklog import COLUMNS as WORKLOG_COLUMNS
from cleanclaim.denials.worklog import parse_time
from cleanclaim.edits import encounters
from cleanclaim.edits.mdm import kind_of, rank, supported_code
from cleanclaim.payers.registry import read_toml

OFFICE_EM = {"99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"}


def test_encounter_sidecar_loads_and_covers_every_office_visit(demo: Demo) -> None:
    found = encounters.load(demo.out / "encounters.csv")
    visits = {c.claim_id: c for c in demo.claims
              if any(ln.procedure_code in OFFICE_EM for ln in c.lines)}  # fmt: skip
    assert set(visits) <= set(found)
    for claim_id, claim in visits.items():
        assert found[claim_id].date == claim.lines[0].service_date_from
    shapes = Counter(
        (e.mdm is not None, e.total_minutes is not None) for e in found.values()
    )  # MDM only, time only, and both
    assert set(shapes) == {(True, False), (False, True), (True, True)}


def test_documentation_supports_the_billed_level_unless_injected(demo: Demo) -> None:
    """Checked with the scrubber's own grid: one level below for em-level errors only."""
    found = encounters.load(demo.out / "encounters.csv")
    injected = {r["claim_id"] for r in demo.csv("truth-ledger.csv")
                if r["injected_error"] == "em-level"}  # fmt: skip
    below: set[str] = set()
    for claim in demo.claims:
        line = next((ln for ln in claim.lines if ln.procedure_code in OFFICE_EM), None)
        if line is None or claim.frequency_code != "1" or claim.claim_id.endswith("B"):
            continue
        billed = line.procedure_code or ""
        kind = kind_of(billed)
        assert kind is not None
        entry = found[claim.claim_id]
        supported = supported_code(kind, entry.mdm, entry.total_minutes)
        assert supported is not None
        if rank(supported) < rank(billed):
            assert rank(supported) == rank(billed) - 1
            below.add(claim.claim_id)
        else:
            assert supported == billed, claim.claim_id
    assert injected <= below
    assert len(below) > 50


def test_worklog_has_the_import_columns_and_every_claim(demo: Demo) -> None:
    assert tuple(demo.header("worklog.csv")) == WORKLOG_COLUMNS
    rows = demo.csv("worklog.csv")
    keys = [(r["claim_id"], r["coded_at"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert parse_time(r["coded_at"]) < parse_time(r["billed_at"])
        assert parse_time(r["billed_at"]).date() <= dt.date(2026, 9, 30)
        assert all(r[c] for c in WORKLOG_COLUMNS)
    assert {c.claim_id for c in demo.claims} <= {r["claim_id"] for r in rows}
    recoded = [k for k, n in Counter(r["claim_id"] for r in rows).items() if n > 1]
    assert recoded  # corrected claims are coded again: a second row


def test_appeals_have_outcomes(demo: Demo) -> None:
    rows = demo.csv("appeals.csv")
    assert demo.header("appeals.csv")[:4] == ["claim_id", "filed_on", "outcome", "paid"]
    assert {r["outcome"] for r in rows} >= {"overturned", "upheld"}
    claims = {c.claim_id for c in demo.claims}
    for r in rows:
        assert r["claim_id"] in claims
        filed = dt.date.fromisoformat(r["filed_on"])
        if r["outcome"]:
            assert dt.date.fromisoformat(r["outcome_on"]) > filed
        if r["outcome"] == "upheld":
            assert r["paid"] == "0.00"
        if r["outcome"] == "overturned" and r["paid"]:
            assert Decimal(r["paid"]) >= 0  # 0 when the allowed amount went to the deductible
    assert any(r["paid"] and Decimal(r["paid"]) > 0 for r in rows if r["outcome"] == "overturned")


def test_payer_registry_resolves_every_payer_id(demo: Demo) -> None:
    entries = read_toml(demo.out / "payers.toml")
    claim_ids = {i for e in entries for i in e.claim_payer_ids}
    remit_ids = {i for e in entries for i in e.remit_payer_ids}
    assert {c.payer.payer_id for c in demo.claims} <= claim_ids
    assert {r.payer.id for r in demo.remits} <= remit_ids
    types = {e.type for e in entries}
    assert {"medicare-ffs", "medicare-advantage", "medicaid-mco", "commercial"} <= types
    medicare = next(e for e in entries if e.type == "medicare-ffs")
    assert (medicare.timely_filing, medicare.appeal_window_days,
            medicare.receipt_presumption_days) == ("12m", 120, 5)  # fmt: skip
