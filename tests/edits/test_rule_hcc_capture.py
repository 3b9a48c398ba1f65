"""HC101 hcc-capture: combination codes the claim supports, the risk-adjustment filter,
payment years, RAF and dollar figures, and the RAF cross-check with risk-adjustment-model."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders.hcc import normalise_dx, raf_score
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.hcc_history import DxRecord, raf_delta
from cleanclaim.edits.model import Finding, NotChecked, Severity
from cleanclaim.edits.rules.hcc_capture import HccCapture, opportunities, ra_eligibility
from cleanclaim.errors import UsageError
from cleanclaim.payers.registry import PayerTerms

RULE = HccCapture()


def _scrub(store: CodesetStore, payer: PayerTerms, spec: ExClaim) -> list[Finding]:
    scrubber = Scrubber(store, selection=Selection(select=frozenset({"HC101"})))
    return scrubber.scrub(build(spec), payer=payer).findings


def _check(store: CodesetStore, claim: Claim, **options: Any) -> list[Finding | NotChecked]:
    return list(RULE.check(claim, RuleContext(store, options=dict(options))))


# -- the combination table -------------------------------------------------------------------

OPPORTUNITIES = [
    pytest.param(["E119", "N1830"], [("E119", "E1122", ("E119",))], id="t2dm-ckd"),
    pytest.param(["E109", "N184"], [("E109", "E1022", ("E109",))], id="t1dm-ckd"),
    pytest.param(["E119", "G629"], [("E119", "E1142", ("E119", "G629"))], id="neuropathy"),
    pytest.param(["E139", "I739"], [("E139", "E1351", ("E139", "I739"))], id="angiopathy"),
    pytest.param(["E119", "I96"], [("E119", "E1152", ("E119", "I96"))], id="gangrene"),
    pytest.param(["E119", "L97419"], [("E119", "E11621", ("E119",))], id="foot-ulcer"),
    pytest.param(["E119", "L97219"], [("E119", "E11622", ("E119",))], id="calf-ulcer"),
    pytest.param(["I10", "I509"], [("I10", "I110", ("I10",))], id="htn-hf"),
    pytest.param(["I10", "N1830"], [("I10", "I129", ("I10",))], id="htn-ckd"),
    pytest.param(["I10", "N186"], [("I10", "I120", ("I10",))], id="htn-esrd"),
    pytest.param(["I10", "I5022", "N184"], [("I10", "I130", ("I10",))], id="htn-hf-ckd"),
    pytest.param(["I10", "I509", "N185"], [("I10", "I132", ("I10",))], id="htn-hf-ckd5"),
    pytest.param(["I70209", "L97419"], [("I70209", "I70234", ("I70209",))], id="athero-right"),
    pytest.param(
        ["I70202", "L97509"], [("I70202", "I70245", ("I70202",))], id="athero-side-from-the-leg"
    ),
    pytest.param(["I70211", "L97821"], [], id="athero-sides-disagree"),
    pytest.param(["I70209", "L97909"], [], id="no-side-anywhere"),
    pytest.param(
        ["I6930", "G8191"], [("I6930", "I69351", ("I6930", "G8191"))], id="stroke-hemiplegia"
    ),
    pytest.param(["E119", "N1830", "E1122"], [], id="target-already-billed"),
    pytest.param(["E119", "I10"], [], id="nothing-links"),
]


@pytest.mark.parametrize(("codes", "expected"), OPPORTUNITIES)
def test_opportunities(codes: list[str], expected: list[tuple[str, str, tuple[str, ...]]]) -> None:
    assert [(o.unspecified, o.target, o.drop) for o in opportunities(codes)] == expected


# -- payment years and the eligible-procedure list, at their boundaries ---------------------

YEARS = [
    pytest.param("2025-12-31", "payment year 2026", "", id="last-day-of-2025-feeds-2026"),
    pytest.param(
        "2026-01-01",
        "payment year 2027",
        "; PY2027 coefficients are proposed",
        id="first-day-of-2026-feeds-2027",
    ),
]


@pytest.mark.parametrize(("dos", "year", "caveat"), YEARS)
def test_payment_year_follows_date_of_service(
    bundled_store: CodesetStore, medicare: PayerTerms, dos: str, year: str, caveat: str
) -> None:
    spec = ExClaim(
        lines=(ExLine("99214"),), dx=("I70.209", "L97.419"), dos=dos, submitted="2026-01-10"
    )
    (finding,) = _scrub(bundled_store, medicare, spec)
    assert year in finding.message
    assert ("proposed" in finding.message) == bool(caveat)
    assert finding.severity is Severity.WARNING


ELIGIBLE = [
    pytest.param("G0071", "2025-12-31", True, id="G0071-on-the-2025-list"),
    pytest.param("G0071", "2026-01-01", False, id="G0071-not-on-the-2026-list"),
    pytest.param("99213", "2026-01-01", True, id="office-visit"),
    pytest.param("36415", "2026-01-01", False, id="venipuncture-only"),
]


@pytest.mark.parametrize(("code", "dos", "flagged"), ELIGIBLE)
def test_eligible_procedure_list_by_year(
    bundled_store: CodesetStore, medicare: PayerTerms, code: str, dos: str, flagged: bool
) -> None:
    spec = ExClaim(
        lines=(ExLine(code),), dx=("I70.209", "L97.419"), dos=dos, submitted="2026-01-10"
    )
    assert bool(_scrub(bundled_store, medicare, spec)) is flagged


def _record(**kw: Any) -> DxRecord:
    base: dict[str, Any] = {
        "claim_key": "K",
        "day": dt.date(2025, 6, 1),
        "codes": ("E119",),
        "procedures": ("99213",),
        "claim_type": "professional",
        "type_of_bill": None,
        "taxonomy": "207Q00000X",
        "provider_npi": "1234567893",
    }
    return DxRecord(**{**base, **kw})


FILTER = [
    pytest.param({}, True, "eligible encounter", (), id="physician-office-visit"),
    pytest.param({"taxonomy": "363LF0000X"}, True, "eligible encounter", (), id="np"),
    pytest.param({"taxonomy": "363A00000X"}, True, "eligible encounter", (), id="pa"),
    pytest.param(
        {"taxonomy": "225100000X"},
        False,
        "provider taxonomy 225100000X is not an accepted type",
        (),
        id="therapist",
    ),
    pytest.param(
        {"taxonomy": None},
        True,
        "eligible encounter",
        ("no provider taxonomy on the claim: provider type not checked",),
        id="no-taxonomy",
    ),
    pytest.param(
        {"procedures": ("80053",)},
        False,
        "no risk-adjustment eligible CPT/HCPCS (80053) in 2025",
        (),
        id="lab-only",
    ),
    pytest.param(
        {"claim_type": "institutional", "type_of_bill": "111", "procedures": ()},
        True,
        "inpatient type of bill 11x",
        (),
        id="inpatient-without-cpt",
    ),
    pytest.param(
        {"claim_type": "institutional", "type_of_bill": "131"},
        True,
        "eligible encounter",
        (),
        id="outpatient-with-visit",
    ),
    pytest.param(
        {"claim_type": "institutional", "type_of_bill": "131", "procedures": ("36415",)},
        False,
        "no risk-adjustment eligible CPT/HCPCS (36415) in 2025",
        (),
        id="outpatient-lab-only",
    ),
    pytest.param(
        {"claim_type": "institutional", "type_of_bill": "321"},
        False,
        "type of bill 32x is not a risk-adjustment source",
        (),
        id="home-health",
    ),
]


@pytest.mark.parametrize(("change", "eligible", "reason", "notes"), FILTER)
def test_risk_adjustment_filter(
    change: dict[str, Any], eligible: bool, reason: str, notes: tuple[str, ...]
) -> None:
    result = ra_eligibility(_record(**change), frozenset({"99213", "G0438"}))
    assert (result.eligible, result.reason, result.notes) == (eligible, reason, notes)


def test_missing_procedure_list_is_a_coverage_note() -> None:
    result = ra_eligibility(_record(day=dt.date(2019, 3, 1)), None)
    assert result.eligible
    assert result.notes == ("no risk-adjustment CPT/HCPCS list for 2019: procedures not checked",)


def test_taxonomy_option_replaces_the_default(bundled_store: CodesetStore) -> None:
    claim = build(
        ExClaim(
            lines=(ExLine("97161"),),
            dx=("I70.209", "L97.419"),
            dos="2025-11-04",
            rendering_taxonomy="225100000X",
        )
    )
    assert _check(bundled_store, claim) == []
    found = _check(bundled_store, claim, hcc_provider_taxonomies=["2251"])
    assert [type(f).__name__ for f in found] == ["Finding"]


# -- RAF and dollars -----------------------------------------------------------------------

HEEL = ExClaim(lines=(ExLine("99214"),), dx=("I70.209", "L97.419"), dos="2025-11-04")


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        pytest.param(None, "$5,664.00 a year at $12,000.00 per RAF point", id="default-rate"),
        pytest.param(
            Decimal("10000"), "$4,720.00 a year at $10,000.00 per RAF point", id="decimal-rate"
        ),
        pytest.param("9500.50", "$4,484.24 a year at $9,500.50 per RAF point", id="text-rate"),
    ],
)
def test_raf_effect_in_dollars(bundled_store: CodesetStore, rate: object, shown: str) -> None:
    options = {} if rate is None else {"hcc_base_rate": rate}
    (finding,) = _check(bundled_store, build(HEEL), **options)
    assert isinstance(finding, Finding)
    assert "Estimated RAF effect +0.472 (raw score of this claim's diagnoses), " + shown in (
        finding.message
    )


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        pytest.param("lots", "hcc_base_rate 'lots': not a number", id="not-a-number"),
        pytest.param("-1", "hcc_base_rate '-1': must be zero or more", id="negative"),
        pytest.param("NaN", "hcc_base_rate 'NaN': must be zero or more", id="nan"),
    ],
)
def test_bad_base_rate_is_a_usage_error(
    bundled_store: CodesetStore, rate: str, message: str
) -> None:
    with pytest.raises(UsageError) as err:
        _check(bundled_store, build(HEEL), hcc_base_rate=rate)
    assert str(err.value) == message


def test_unknown_sex_gives_no_estimate_and_information(bundled_store: CodesetStore) -> None:
    claim = build(HEEL)
    claim = dataclasses.replace(claim, patient=dataclasses.replace(claim.patient, sex="U"))
    (finding,) = _check(bundled_store, claim)
    assert isinstance(finding, Finding)
    assert finding.severity is Severity.INFO
    assert finding.message.endswith(
        "RAF effect not estimated (patient age or sex unknown, or no coefficients for "
        "payment year 2026)."
    )


def test_message_names_codes_hccs_and_labels(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99214"),), dx=("E11.9", "N18.30"), dos="2025-11-04"))
    (finding,) = _check(bundled_store, claim)
    assert isinstance(finding, Finding)
    assert finding.message == (
        "E11.9 is reported with N18.30: ICD-10-CM links diabetes and chronic kidney disease "
        "('with' convention), so E11.22 applies. It maps to CMS-HCC V28 HCC 37 (Diabetes with "
        "Chronic Complications) for payment year 2026 (E11.9: HCC 38). Estimated RAF effect "
        "+0.000 (raw score of this claim's diagnoses), $0.00 a year at $12,000.00 per RAF point."
    )
    assert finding.fix == (
        "If the record supports it, report E11.22 in place of E11.9, keeping N18.30; if the "
        "link is unclear, query the clinician. Never code from the claim alone."
    )
    assert finding.severity is Severity.INFO


def test_not_applicable_to_commercial_payers(bundled_store: CodesetStore) -> None:
    from cleanclaim.edits.docs import sample_payer

    ctx = RuleContext(bundled_store, payer=sample_payer("commercial"))
    assert not RULE.applies(build(HEEL), ctx)


# -- cross-check: hccinfhir (what cleanclaim uses) and risk-adjustment-model -----------------

#: (name, diagnoses, age, sex, hccinfhir dual code, OREC, Medicaid, population, raw PY2026)
PROFILES = [
    pytest.param(
        ["E11.9", "I10", "N18.30", "I50.9", "J44.9", "G35.A"],
        72,
        "F",
        "NA",
        "0",
        False,
        "CNA",
        2.43,
        id="F72-community-non-dual-aged-issue-profile",
    ),
    pytest.param(
        ["E11.22", "N18.4", "I50.22", "I48.91", "J44.1", "F32.1"],
        80,
        "M",
        "NA",
        "0",
        False,
        "CNA",
        3.073,
        id="M80-non-dual-aged-four-interactions",
    ),
    pytest.param(
        ["C50.911", "J44.1", "F20.9", "I69.351", "E66.01"],
        67,
        "F",
        "02",
        "0",
        True,
        "CFA",
        2.398,
        id="F67-full-dual-aged",
    ),
    pytest.param(
        ["F11.20", "F31.9", "K70.30", "B20", "I70.234", "L97.419"],
        55,
        "M",
        "NA",
        "1",
        False,
        "CND",
        2.651,
        id="M55-non-dual-disabled",
    ),
]


@pytest.mark.parametrize(
    ("dx", "age", "sex", "dual", "orec", "medicaid", "population", "raw"), PROFILES
)
def test_raf_agrees_with_risk_adjustment_model(
    dx: list[str],
    age: int,
    sex: str,
    dual: str,
    orec: str,
    medicaid: bool,
    population: str,
    raw: float,
) -> None:
    ram = pytest.importorskip("risk_adjustment_model")
    ours = raf_score(dx, age, sex, payment_year=2026, dual_status=dual, orec=orec)
    theirs = ram.MedicareModelV28(year=2026).score(
        gender=sex,
        orec=orec,
        medicaid=medicaid,
        age=age,
        population=population,
        diagnosis_codes=[normalise_dx(d) for d in dx],
    )
    assert ours.raw_score == pytest.approx(raw, abs=0.0005)
    assert round(theirs.score_raw, 3) == ours.raw_score
    hccs = sorted(
        (c.removeprefix("HCC") for c in theirs.category_list if c.startswith("HCC")), key=int
    )
    assert hccs == ours.hccs


@pytest.mark.parametrize(
    ("before", "after", "delta"),
    [
        pytest.param(["I70209", "L97419"], ["I70234", "L97419"], "0.472", id="athero-ulcer"),
        pytest.param(["E119", "N1830"], ["E1122", "N1830"], "0.000", id="diabetes-ckd"),
    ],
)
def test_hc101_delta_agrees_with_risk_adjustment_model(
    before: list[str], after: list[str], delta: str
) -> None:
    ram = pytest.importorskip("risk_adjustment_model")
    record = _record(sex="F", birth_date=dt.date(1958, 3, 14))
    ours = raf_delta(before, after, record, 2026)
    model = ram.MedicareModelV28(year=2026)

    def score(codes: list[str]) -> float:
        result = model.score(
            gender="F", orec="0", medicaid=False, age=67, population="CNA", diagnosis_codes=codes
        )
        return float(result.score_raw)

    assert ours == Decimal(delta)
    assert round(score(after) - score(before), 3) == float(delta)
