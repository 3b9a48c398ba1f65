"""KPI definitions: every KPI has a numerator, a denominator and an honest source."""

from __future__ import annotations

import pytest

from cleanclaim.analytics.kpi_definitions import (
    HEADLINE_ORDER,
    KPIS,
    SourceKind,
    Unit,
    kpi,
)
from cleanclaim.errors import UsageError

EXPECTED_SOURCES = {
    "clean_claim_rate": "HFMA MAP Key CL-1",
    "denial_write_off_pct_npsr": "HFMA MAP Key AR-6",
    "initial_denial_rate_claims": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "initial_denial_rate_claim_dollars": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "initial_denial_rate_lines": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "initial_denial_rate_line_dollars": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "appeal_overturn_rate": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "days_denial_to_resolution": "HFMA Claim Integrity Task Force metric (not a MAP Key)",
    "payer_error_rate": "cleanclaim measure (not an HFMA MAP Key)",
    "scrubber_catch_rate": "cleanclaim measure (not an HFMA MAP Key)",
    "coder_coding_denial_rate": "cleanclaim measure (not an HFMA MAP Key)",
    "payer_denial_rate": "cleanclaim measure (not an HFMA MAP Key)",
    "unspecified_dx_share": "cleanclaim measure (not an HFMA MAP Key)",
    "hcc_recapture_rate": "cleanclaim measure (not an HFMA MAP Key)",
}


@pytest.mark.parametrize("key", list(EXPECTED_SOURCES))
def test_source_label(key: str) -> None:
    assert kpi(key).source_label == EXPECTED_SOURCES[key]


def test_only_map_keys_claim_a_map_key_id() -> None:
    assert {k for k, d in KPIS.items() if d.source is SourceKind.MAP_KEY} == {
        "clean_claim_rate",
        "denial_write_off_pct_npsr",
    }
    assert set(KPIS) == set(EXPECTED_SOURCES)


@pytest.mark.parametrize("key", sorted(KPIS))
def test_every_kpi_is_fully_defined(key: str) -> None:
    d = KPIS[key]
    assert d.key == key
    for text in (d.name, d.summary, d.numerator, d.denominator):
        assert text.strip() and text == text.strip()
    if d.source is not SourceKind.OWN:
        assert d.reference


def test_headline_order_names_known_kpis() -> None:
    assert len(set(HEADLINE_ORDER)) == len(HEADLINE_ORDER) == 10
    assert all(k in KPIS for k in HEADLINE_ORDER)
    assert KPIS["days_denial_to_resolution"].unit is Unit.DAYS
    assert {KPIS[k].unit for k in HEADLINE_ORDER} == {Unit.RATE, Unit.DAYS}


def test_direction_of_good() -> None:
    higher = {k for k, d in KPIS.items() if d.higher_is_better}
    assert higher == {
        "clean_claim_rate",
        "appeal_overturn_rate",
        "scrubber_catch_rate",
        "hcc_recapture_rate",
    }


def test_unknown_kpi_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        kpi("nope")
    assert str(info.value) == "unknown KPI 'nope'; known KPIs: " + ", ".join(sorted(KPIS))
