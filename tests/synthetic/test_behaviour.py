"""The practice, the payers and the real-world ambiguity the demo must show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tests.synthetic._demo import Demo

from cleanclaim.analytics.synthetic.practice import PAYERS, build_practice


def test_the_cast() -> None:
    practice = build_practice(1, 3000, dt.date(2025, 1, 1))
    assert len(practice.providers) >= 6
    assert len({p.practitioner.taxonomy for p in practice.providers}) >= 6
    assert (len(practice.coders), len(practice.billers), len(practice.front_desk)) == (3, 2, 1)
    assert {p.type for p in PAYERS.values()} == {
        "medicare-ffs", "medicare-advantage", "medicaid-mco", "commercial"}  # fmt: skip
    patients = practice.patients
    women = sum(p.person.sex == "F" for p in patients) / len(patients)
    ages = [p.age_on(dt.date(2025, 1, 1)) for p in patients]
    duals = sum(p.dual for p in patients)
    assert 0.45 < women < 0.6
    assert min(ages) < 5 and max(ages) > 85
    assert 0.05 < sum(a < 18 for a in ages) / len(ages) < 0.3
    assert 0.3 < sum(a >= 65 for a in ages) / len(ages) < 0.6
    assert duals > 50
    assert any(p.relationship == "19" for p in patients)
    assert any(p.secondary and not p.crossover for p in patients)


def test_normal_payments_carry_contractual_and_patient_adjustments(demo: Demo) -> None:
    seen = {(a.group, a.reason) for r in demo.remits for c in r.claims if c.status in ("1", "19")
            for ln in c.lines for a in ln.adjustments}  # fmt: skip
    assert {("CO", "45"), ("CO", "253"), ("PR", "1"), ("PR", "2"), ("PR", "3")} <= seen
    statuses = {c.status for r in demo.remits for c in r.claims}
    assert {"1", "2", "4", "19", "22"} <= statuses
    assert any(r.provider_adjustments for r in demo.remits)


def test_co16_serves_missing_information_and_eligibility(demo: Demo) -> None:
    rows = [r for r in demo.csv("truth-ledger.csv") if (r["group"], r["carc"]) == ("CO", "16")]
    by_cause = defaultdict(set)
    for r in rows:
        by_cause[r["root_cause"]].update(r["rarcs"].split())
    assert by_cause["billing"] & {"MA130", "N290"}
    assert by_cause["eligibility"] & {"N30", "MA36", "N4", "MA04", "N479"}
    assert len(by_cause) >= 3


def test_payers_use_different_carcs_for_the_same_cause(demo: Demo) -> None:
    carcs = defaultdict(set)
    for r in demo.csv("truth-ledger.csv"):
        if r["kind"] == "denial":
            carcs[r["injected_error"]].add(f"{r['group']}-{r['carc']}")
    assert {"OA-18", "CO-18"} <= carcs["duplicate"]
    several = [cause for cause, codes in carcs.items() if len(codes) > 1]
    assert len(several) >= 8


def test_payer_errors_are_overturned_on_appeal_without_change(demo: Demo) -> None:
    rows = demo.csv("truth-ledger.csv")
    overturned = {r["payer_claim_number"] for r in rows
                  if r["injected_error"] == "payer-error"
                  and r["resolution"] == "appeal-overturned"}  # fmt: skip
    appeals = {a["payer_claim_number"]: a for a in demo.csv("appeals.csv")}
    assert overturned
    for number in overturned:
        assert appeals[number]["outcome"] == "overturned"
    # the payer pays the same claim version again: a reversal, then a new payment
    clps = [c for r in demo.remits for c in r.claims]
    reversed_numbers = {c.payer_claim_control_number for c in clps if c.status == "22"}
    assert overturned & reversed_numbers


def test_late_claims_get_co29(demo: Demo) -> None:
    rows = [r for r in demo.csv("truth-ledger.csv") if r["injected_error"] == "timely-filing"]
    assert rows and all((r["group"], r["carc"]) == ("CO", "29") for r in rows)
    assert {r["resolution"] for r in rows} == {"written-off"}


def test_replacements_voids_and_secondary_claims(demo: Demo) -> None:
    frequencies = {c.frequency_code for c in demo.claims}
    assert {"1", "7", "8"} <= frequencies
    assert all(c.original_reference for c in demo.claims if c.frequency_code in ("7", "8"))
    secondary = [c for c in demo.claims if c.payer.responsibility == "S"]
    with_cob = [c for c in secondary if c.other_payers and c.other_payers[0].paid_amount is not None
                and any(ln.adjudications for ln in c.lines)]  # fmt: skip
    assert len(with_cob) > 20
    assert any(not c.other_payers for c in secondary)  # the injected COB error


def test_claim_numbers_agree_across_277ca_835_and_ref_f8(demo: Demo) -> None:
    """An 835 claim carries the payer claim number of the 277CA (REF*1K), unless the payer
    reissued it with a reversal in the same remit; a replacement or void names (REF*F8) a
    number the payer really issued for that claim."""
    acked = {(c.patient_control_number, c.payer_claim_control_number)
             for a in demo.acks for c in a.claims if c.accepted}  # fmt: skip
    issued: dict[str, set[str]] = defaultdict(set)
    reissued = 0
    for remit in demo.remits:
        reversed_here = {c.patient_control_number for c in remit.claims if c.status == "22"}
        for clp in remit.claims:
            issued[clp.patient_control_number].add(clp.payer_claim_control_number)
            if clp.status == "22":
                continue
            if (clp.patient_control_number, clp.payer_claim_control_number) not in acked:
                assert clp.patient_control_number in reversed_here
                reissued += 1
    assert reissued
    replacements = [c for c in demo.claims if c.frequency_code in ("7", "8")]
    assert replacements
    for claim in replacements:
        assert claim.original_reference in issued[claim.claim_id]
