"""A hand-computed fixture month: every figure below was worked out on paper from the claims.

The practice submits claims in January to April 2026 and is paid in April; the report is for
April 2026. Hand computation (charges in dollars):

* submitted originals: Jan A1 100, A2 100 (2 claims, 2 lines, $200); Feb B1 100+50 (1 claim,
  2 lines, $150); Mar C1 200, C2 100+50, C3 80 (3 claims, 4 lines, $430); Apr D1, D2, D3.
  Lag average (Jan-Mar): claims 6/3 = 2; charges 780/3 = 260.00; lines 8/3 = 2.67.
* April 835 (first adjudications): C1 denied CO-197 $200 (line 1); C2 line 1 paid 100, line 2
  denied CO-97 $50; C3 paid 80; A1 paid 100. Initial denials: claims C1, C2 = 2, charges
  200 + 150 = 350.00; lines C1/1 and C2/2 = 2, line charges 200 + 50 = 250.00.
* payments received in April: 100 + 80 + 100 = 280.00; nothing written off.
* counted denials in April: 2 (CO-197 authorization, CO-97 coding); payer errors 0. C2 had
  an NCCI finding that went out unfixed: catchable 1, caught 1.
* first scrub of April originals: D1 clean, D2 flagged, D3 clean but replaced (freq 7):
  clean 1 of 3.
* appeal of C1 filed 2026-04-10, its outcome (overturned) recorded 2026-04-20: decided 1, overturned 1; the C1
  denial episode resolves 18 days after its 835 of 2026-04-02.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.report._monthkit import APRIL, fixture_world

from cleanclaim.analytics.monthly import build_monthly_report
from cleanclaim.analytics.report.model import ReportData
from cleanclaim.analytics.report.rows import RootCause
from cleanclaim.codesets.store import default_store
from cleanclaim.storage.db import session_scope

D = Decimal


@pytest.fixture
def report(db_url: str, tmp_path: Path) -> ReportData:
    w = fixture_world(db_url, tmp_path)
    with session_scope(w.engine) as s:
        return build_monthly_report(s, w.who.practice_id, APRIL, store=default_store())


HEADLINE = {
    "clean_claim_rate": (1, 3),
    "initial_denial_rate_claims": (2, 2),
    "initial_denial_rate_claim_dollars": (D("350.00"), D("260.00")),
    "initial_denial_rate_lines": (2, D("2.67")),
    "initial_denial_rate_line_dollars": (D("250.00"), D("260.00")),
    "denial_write_off_pct_npsr": (D("0.00"), D("280.00")),
    "appeal_overturn_rate": (1, 1),
    "days_denial_to_resolution": (18, 1),
    "payer_error_rate": (0, 2),
    "scrubber_catch_rate": (1, 1),
}


@pytest.mark.parametrize("key", sorted(HEADLINE))
def test_headline_kpi_matches_the_hand_computation(report: ReportData, key: str) -> None:
    value = report.headline_kpi(key).current
    assert (value.numerator, value.denominator) == HEADLINE[key]


def test_root_causes_match_the_hand_computation(report: ReportData) -> None:
    rows = {r.cause: (r.denials, r.denied_claims, r.dollars) for r in report.root_causes.all_rows}
    assert rows[RootCause.AUTHORIZATION] == (1, 1, D("200.00"))
    assert rows[RootCause.CODING] == (1, 1, D("50.00"))
    assert report.root_causes.denials == 2
    assert report.root_causes.dollars == D("250.00")


def test_coders_separate_caused_from_on_their_claims(report: ReportData) -> None:
    rows = {r.coder: r for r in report.coders}
    a, b = rows["coder.a"], rows["coder.b"]
    assert (a.claims_coded, a.denials_caused, a.denials_on_claims) == (3, 0, 1)
    assert a.dollars_on_claims == D("200.00")
    assert (b.claims_coded, b.claims_coding_denied, b.denials_caused) == (1, 1, 1)
    assert b.dollars_caused == D("50.00")


def test_payer_row_counts_claims_adjudicated_in_the_month(report: ReportData) -> None:
    (payer,) = report.payers
    assert (payer.claims, payer.denied_claims, payer.denials) == (4, 2, 2)
    assert payer.dollars == D("250.00")


def test_scrub_findings_outcomes(report: ReportData) -> None:
    rows = {r.category: r for r in report.scrub_findings}
    assert rows["dx-invalid"].pending == 1  # D2: submitted in April, not adjudicated
    assert "ncci-ptp" not in rows  # C2 was submitted in March, not in the report month


def test_the_trend_ends_at_the_report_month_with_the_prior_month(report: ReportData) -> None:
    h = report.headline_kpi("initial_denial_rate_claims")
    assert h.trend[-1].month == APRIL and len(h.trend) == 12
    assert h.prior is not None and h.prior.numerator == 0


def test_work_queue_keeps_the_open_denial_without_payer_terms(report: ReportData) -> None:
    # C1 was overturned on appeal; C2's payer has no registry terms: deadline unknown.
    assert [(r.claim, r.section, r.appeal_deadline) for r in report.work_queue] == [
        ("C2", "appeal", None)
    ]


def test_the_report_is_the_same_with_its_reads_side_by_side_or_in_turn(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleanclaim.analytics.monthly import concurrent

    w = fixture_world(db_url, tmp_path)
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    built = []
    for workers in (concurrent.WORKERS, 0):
        monkeypatch.setattr(concurrent, "WORKERS", workers)
        with session_scope(w.engine) as s:
            built.append(
                build_monthly_report(s, w.who.practice_id, APRIL, store=default_store(), now=now)
            )
    assert built[0] == built[1]
    assert built[0].headline  # a real report, not two empty ones
