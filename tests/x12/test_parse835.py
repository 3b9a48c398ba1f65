"""The 835 parser and the remittance balancing checks, driven by synthetic files and cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from _split import DATA, dig, load, split, transaction, wrap

from cleanclaim.claims.remittance import check_balance
from cleanclaim.errors import X12Error
from cleanclaim.x12.parse835 import parse_835


def parse_file(name: str) -> Any:
    delimiters, segments = load(name)
    return parse_835(segments, delimiters, name)


FILE_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "paid-claim-co45-pr-deductible-coinsurance-copay-co253": (
        "paid_professional.835",
        {
            "control_number": "0001",
            "position": 3,
            "bpr_position": 4,
            "handling_code": "I",
            "total_paid": D("158.76"),
            "credit_debit": "C",
            "payment_method": "ACH",
            "payment_date": dt.date(2026, 1, 16),
            "trace_number": "EFT0001001",
            "trace_payer_id": "1999999999",
            "receiver_id": "SYNTHPROVIDER",
            "production_date": dt.date(2026, 1, 14),
            "payer.name": "SYNTHETIC HEALTH PLAN",
            "payer.id": "SHP001",
            "payer.position": 8,
            "payer.contacts.#": 2,
            "payer.contacts.0.function": "CX",
            "payer.contacts.1.channels": (("TE", "8005550101"), ("EM", "edi@example.org")),
            "payee.name": "EXAMPLE MEDICAL GROUP",
            "payee.npi": "1234567893",
            "payee.tin": "990000001",
            "claims.#": 1,
            "provider_adjustments": [],
            "claims.0.patient_control_number": "PCN1001",
            "claims.0.status": "1",
            "claims.0.charge": D("300"),
            "claims.0.paid": D("158.76"),
            "claims.0.patient_responsibility": D("48"),
            "claims.0.filing_indicator": "12",
            "claims.0.payer_claim_control_number": "PCLM1001",
            "claims.0.facility_code": "11",
            "claims.0.frequency": "1",
            "claims.0.drg": "",
            "claims.0.position": 16,
            "claims.0.patient.last_name": "TESTPATIENT",
            "claims.0.patient.id": "MEMBER0001",
            "claims.0.insured.id": "MEMBER0000",
            "claims.0.service_provider.id": "1234567801",
            "claims.0.crossover_carrier": None,
            "claims.0.reference(EA)": "MRN-SYNTH-1",
            "claims.0.amount(AU)": D("210"),
            "claims.0.statement_from": dt.date(2026, 1, 5),
            "claims.0.statement_to": dt.date(2026, 1, 5),
            "claims.0.received": dt.date(2026, 1, 8),
            "claims.0.adjustments": [],
            "claims.0.remark_codes": (),
            "claims.0.lines.#": 2,
            "claims.0.lines.0.number": 1,
            "claims.0.lines.0.position": 25,
            "claims.0.lines.0.procedure": "HC:99214:25",
            "claims.0.lines.0.charge": D("200"),
            "claims.0.lines.0.paid": D("127.40"),
            "claims.0.lines.0.units": D("1"),
            "claims.0.lines.0.original_procedure": None,
            "claims.0.lines.0.service_date": dt.date(2026, 1, 5),
            "claims.0.lines.0.adjustments": ["CO-45 50", "CO-253 2.60", "PR-3 20"],
            "claims.0.lines.0.adjustments.0.position": 27,
            "claims.0.lines.0.adjustments.0.quantity": None,
            "claims.0.lines.0.line_control_number": "LINE0001",
            "claims.0.lines.0.allowed": D("150"),
            "claims.0.lines.1.number": 2,
            "claims.0.lines.1.position": 31,
            "claims.0.lines.1.adjustments": ["CO-45 40", "CO-253 0.64", "PR-1 20", "PR-2 8"],
            "claims.0.all_adjustments.#": 7,
        },
    ),
    "denied-co50-n115-and-partial-co97-m15-downcoded-svc06": (
        "denied_partial.835",
        {
            "handling_code": "H",
            "payment_method": "NON",
            "total_paid": D("120"),
            "claims.0.status": "4",
            "claims.0.is_denied": True,
            "claims.0.paid": D("0"),
            "claims.0.lines.0.procedure": "HC:97110:GP:KX",
            "claims.0.lines.0.units": D("2"),
            "claims.0.lines.0.adjustments": ["CO-50 250"],
            "claims.0.lines.0.adjustments.0.quantity": D("2"),
            "claims.0.lines.0.remark_codes": ("N115",),
            "claims.0.lines.0.line_control_number": "LINE2001",
            "claims.1.status": "1",
            "claims.1.is_denied": False,
            "claims.1.paid": D("120"),
            "claims.1.lines.0.procedure": "HC:99214",
            "claims.1.lines.0.original_procedure": "HC:99215",
            "claims.1.lines.0.original_units": D("1"),
            "claims.1.lines.0.adjustments": ["CO-150 60", "CO-45 50"],
            "claims.1.lines.1.paid": D("0"),
            "claims.1.lines.1.adjustments": ["CO-97 100"],
            "claims.1.lines.1.remark_codes": ("M15",),
            "claims.1.lines.2.number": 3,
            "claims.1.lines.2.service_date": None,
            "claims.1.lines.2.service_from": dt.date(2026, 1, 7),
            "claims.1.lines.2.service_to": dt.date(2026, 1, 8),
            "claims.1.lines.2.date_of_service": dt.date(2026, 1, 7),
        },
    ),
    "reversal-clp22-then-correction": (
        "reversal_correction.835",
        {
            "total_paid": D("15"),
            "payment_method": "CHK",
            "claims.0.status": "22",
            "claims.0.is_reversal": True,
            "claims.0.charge": D("-200"),
            "claims.0.paid": D("-150"),
            "claims.0.patient_responsibility": D("-10"),
            "claims.0.payer_claim_control_number": "PCLM3001",
            "claims.0.lines.0.charge": D("-200"),
            "claims.0.lines.0.units": D("-1"),
            "claims.0.lines.0.adjustments": ["CO-45 -40", "PR-2 -10"],
            "claims.1.status": "1",
            "claims.1.is_reversal": False,
            "claims.1.paid": D("165"),
            "claims.1.patient_control_number": "PCN3001",
            "claims.1.payer_claim_control_number": "PCLM3002",
            "claims.1.reference(F8)": "PCLM3001",
        },
    ),
    "split-claim-secondary-oa23-crossover-clp19": (
        "split_secondary_crossover.835",
        {
            "claims.#": 4,
            "total_paid": D("414"),
            "claims.0.patient_control_number": "PCN4001",
            "claims.1.patient_control_number": "PCN4001",
            "claims.0.payer_claim_control_number": "PCLM4001A",
            "claims.1.payer_claim_control_number": "PCLM4001B",
            "claims.1.lines.0.number": 1,
            "claims.2.status": "2",
            "claims.2.filing_indicator": "HM",
            "claims.2.lines.0.adjustments": ["OA-23 90", "CO-45 30"],
            "claims.3.status": "19",
            "claims.3.filing_indicator": "MB",
            "claims.3.crossover_carrier.last_name": "SYNTHETIC SUPPLEMENT PLAN",
            "claims.3.crossover_carrier.id_qualifier": "PI",
            "claims.3.crossover_carrier.id": "SUPP0001",
            "claims.3.crossover_carrier.position": 34,
            "claims.3.remark_codes": ("MA18",),
            "claims.3.outpatient.position": 35,
            "claims.3.lines.0.adjustments": ["CO-45 20", "PR-2 16"],
        },
    ),
    "plb-wo-positive-l6-negative-fb": (
        "plb_adjustments.835",
        {
            "total_paid": D("98.25"),
            "claims.#": 2,
            "claims.0.lines": [],
            "claims.0.adjustments": ["CO-45 20"],
            "claims.1.adjustments": ["CO-45 10"],
            "provider_adjustments": ["WO:PCLM0999 25", "L6:INTEREST -3.25", "FB:FWDBAL01 10"],
            "provider_adjustments.0.provider_id": "1234567893",
            "provider_adjustments.0.fiscal_period_end": dt.date(2026, 12, 31),
            "provider_adjustments.1.position": 22,
            "provider_adjustments.2.position": 23,
        },
    ),
    "inpatient-mia-drg-and-outpatient-moa-remarks": (
        "institutional_mia_moa.835",
        {
            "total_paid": D("9100"),
            "claims.0.drg": "470",
            "claims.0.filing_indicator": "MA",
            "claims.0.adjustments": ["CO-45 3000", "PR-1 500"],
            "claims.0.inpatient.covered_days": D("3"),
            "claims.0.inpatient.drg_amount": D("8500"),
            "claims.0.inpatient.position": 22,
            "claims.0.outpatient": None,
            "claims.0.remark_codes": ("MA01", "N20", "MA07"),
            "claims.0.corrected_insured.id": "MEMBER0010A",
            "claims.0.corrected_insured.middle_name": "Q",
            "claims.0.statement_from": dt.date(2025, 12, 10),
            "claims.0.statement_to": dt.date(2025, 12, 14),
            "claims.1.outpatient.reimbursement_rate": D("0.85"),
            "claims.1.outpatient.hcpcs_payable_amount": D("120"),
            "claims.1.remark_codes": ("MA01", "N20"),
            "claims.1.inpatient": None,
            "claims.1.lines.0.procedure": "HC:80053",
            "claims.1.lines.0.revenue_code": "0300",
            "claims.1.lines.0.adjustments": ["CO-45 200", "PR-3 100"],
        },
    ),
}


@pytest.mark.parametrize(("name", "expected"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_parse_file(name: str, expected: dict[str, Any]) -> None:
    remit = parse_file(name)
    actual = {path: dig(remit, path) for path in expected}
    assert actual == expected


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.835")))
def test_every_sample_balances(name: str) -> None:
    assert check_balance(parse_file(name)) == []


def test_names_and_member_ids_stay_out_of_repr() -> None:
    text = repr(parse_file("paid_professional.835"))
    assert "PCN1001" in text
    assert "TESTPATIENT" not in text
    assert "MEMBER000" not in text


def test_parses_a_body_without_st_and_se() -> None:
    delimiters, segments = load("paid_professional.835")
    remit = parse_835(segments[1:-1], delimiters, "x.835", control_number="7777")
    assert (remit.control_number, remit.position, len(remit.claims)) == ("7777", 4, 1)


HEAD = (
    "BPR*I*100*C*CHK************20260116~TRN*1*T1*1999999999~N1*PR*PAYER*XV*P1~"
    "N1*PE*PROVIDER*XX*1234567893~LX*1~"
)
"""Positions 4-8; the first segment after HEAD is at position 9."""


def parse_body(body: str, head: str = HEAD) -> Any:
    delimiters, segments = transaction(wrap(head + body))
    return parse_835(segments, delimiters, "t.835")


BALANCE_CASES: dict[str, tuple[str, str, list[str]]] = {
    "balanced-claim-without-lines": (HEAD, "CLP*PCN1*1*130*100*0*12*X1~CAS*CO*45*30~", []),
    "transaction-bpr-off": (
        HEAD,
        "CLP*PCN1*1*120*90*0*12*X1~CAS*CO*45*30~",
        [
            "segment 4 (BPR): total paid 100.00 does not balance: sum of CLP04 90.00 minus sum "
            "of PLB 0.00 is 90.00"
        ],
    ),
    "transaction-with-plb-off": (
        HEAD,
        "CLP*PCN1*1*100*100*0*12*X1~PLB*1234567893*20261231*WO:X1*25~",
        [
            "segment 4 (BPR): total paid 100.00 does not balance: sum of CLP04 100.00 minus "
            "sum of PLB 25.00 is 75.00"
        ],
    ),
    "claim-off-without-lines": (
        HEAD,
        "CLP*PCN1*1*130*100*0*12*X1~CAS*CO*45*20~",
        [
            "segment 9 (CLP) claim PCN1: charge 130.00 minus paid 100.00 is 30.00, but "
            "adjustments total 20.00"
        ],
    ),
    "claim-off-with-lines": (
        HEAD,
        "CLP*PCN1*1*150*100*0*12*X1~CAS*CO*45*5~SVC*HC:99213*150*100~CAS*CO*45*50~",
        [
            "segment 9 (CLP) claim PCN1: charge 150.00 minus paid 100.00 is 50.00, but "
            "adjustments total 55.00 (claim 5.00, lines 50.00)"
        ],
    ),
    "line-off-claim-balanced": (
        HEAD,
        "CLP*PCN1*1*120*100*0*12*X1~CAS*CO*45*10~SVC*HC:99213*120*100~CAS*CO*45*10~",
        [
            "segment 11 (SVC) claim PCN1 line 1: charge 120.00 minus paid 100.00 is 20.00, "
            "but line adjustments total 10.00"
        ],
    ),
    "claim-and-second-line-off": (
        HEAD,
        "CLP*PCN1*1*200*100*0*12*X1~SVC*HC:99213*100*50~CAS*CO*45*50~"
        "SVC*HC:36415*100*50.5~CAS*CO*45*40~",
        [
            "segment 9 (CLP) claim PCN1: charge 200.00 minus paid 100.00 is 100.00, but "
            "adjustments total 90.00 (claim 0.00, lines 90.00)",
            "segment 12 (SVC) claim PCN1 line 2: charge 100.00 minus paid 50.50 is 49.50, "
            "but line adjustments total 40.00",
        ],
    ),
    "reversal-balanced": (
        HEAD.replace("*100*C*", "*-150*C*"),
        "CLP*PCN1*22*-200*-150*-10*12*X1~SVC*HC:99204*-200*-150~CAS*CO*45*-40~CAS*PR*2*-10~",
        [],
    ),
    "reversal-off": (
        HEAD.replace("*100*C*", "*-150*C*"),
        "CLP*PCN1*22*-200*-150*-10*12*X1~SVC*HC:99204*-200*-150~CAS*CO*45*-40~",
        [
            "segment 9 (CLP) claim PCN1: charge -200.00 minus paid -150.00 is -50.00, but "
            "adjustments total -40.00 (claim 0.00, lines -40.00)",
            "segment 10 (SVC) claim PCN1 line 1: charge -200.00 minus paid -150.00 is -50.00, "
            "but line adjustments total -40.00",
        ],
    ),
    "debit-balances-net-negative": (
        HEAD.replace("*C*CHK", "*D*CHK"),
        "CLP*PCN1*22*-130*-100*0*12*X1~CAS*CO*45*-30~",
        [],
    ),
    "debit-with-positive-claims-off": (
        HEAD.replace("*C*CHK", "*D*CHK"),
        "CLP*PCN1*1*130*100*0*12*X1~CAS*CO*45*30~",
        [
            "segment 4 (BPR): total paid -100.00 does not balance: sum of CLP04 100.00 minus "
            "sum of PLB 0.00 is 100.00"
        ],
    ),
    "sub-cent-amounts-kept-exact": (
        HEAD,
        "CLP*PCN1*1*130.005*100*0*12*X1~CAS*CO*45*30~",
        [
            "segment 9 (CLP) claim PCN1: charge 130.005 minus paid 100.00 is 30.005, but "
            "adjustments total 30.00"
        ],
    ),
}


@pytest.mark.parametrize(
    ("head", "body", "messages"), BALANCE_CASES.values(), ids=BALANCE_CASES.keys()
)
def test_balance_issues(head: str, body: str, messages: list[str]) -> None:
    assert [i.message for i in check_balance(parse_body(body, head))] == messages


def test_balance_issue_fields() -> None:
    body = BALANCE_CASES["claim-and-second-line-off"][1]
    claim_issue, line_issue = check_balance(parse_body(body))
    assert (
        claim_issue.rule,
        claim_issue.position,
        claim_issue.claim,
        claim_issue.line,
        claim_issue.expected,
        claim_issue.actual,
    ) == ("claim", 9, "PCN1", None, D("110"), D("100"))
    assert (
        line_issue.rule,
        line_issue.position,
        line_issue.claim,
        line_issue.line,
        line_issue.expected,
        line_issue.actual,
    ) == ("line", 12, "PCN1", 2, D("60"), D("50.5"))


INLINE_CASES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "payer-id-from-ref-2u-when-n104-empty": (
        HEAD.replace("N1*PR*PAYER*XV*P1~", "N1*PR*PAYER~N3*1 WAY~REF*2U*PAYER2U~"),
        "",
        {"payer.id": "PAYER2U", "payer.references.0.qualifier": "2U", "claims": []},
    ),
    "payee-tin-from-n104-fi": (
        HEAD.replace("N1*PE*PROVIDER*XX*1234567893~", "N1*PE*PROVIDER*FI*990000002~"),
        "",
        {"payee.tin": "990000002", "payee.npi": None},
    ),
    "line-ncpdp-reject-and-several-remarks": (
        HEAD,
        "CLP*PCN1*4*100*0*0*12*X1~SVC*N4:00002143380*100*0~CAS*CO*16*100~"
        "LQ*RX*70~LQ*HE*N4~LQ*HE*M119~",
        {
            "claims.0.lines.0.procedure": "N4:00002143380",
            "claims.0.lines.0.reject_codes": ("70",),
            "claims.0.lines.0.remark_codes": ("N4", "M119"),
        },
    ),
    "cas-quantity-and-cr-group": (
        HEAD,
        "CLP*PCN1*1*100*100*0*12*X1~CAS*CR*45*-5*1*45*5*-1~",
        {
            "claims.0.adjustments": ["CR-45 -5", "CR-45 5"],
            "claims.0.adjustments.1.quantity": D("-1"),
        },
    ),
    "claim-dates-before-lines-line-dates-after-and-nm1-after-a-line-goes-to-the-claim": (
        HEAD,
        "CLP*PCN1*1*100*90*0*12*X1~DTM*232*20260105~SVC*HC:99213*100*90~DTM*472*20260106~"
        "DTM*233*20260107~NM1*82*1*DOC*****XX*1234567893~REF*6R*L1~AMT*B6*90~",
        {
            "claims.0.statement_from": dt.date(2026, 1, 5),
            "claims.0.statement_to": None,
            "claims.0.lines.0.service_date": dt.date(2026, 1, 6),
            "claims.0.service_provider.id": "1234567893",
            "claims.0.lines.0.line_control_number": "L1",
            "claims.0.lines.0.allowed": D("90"),
            "claims.0.references": [],
        },
    ),
    "header-segment-inside-a-claim-leaves-it-open": (
        HEAD,
        "CLP*PCN1*1*100*90*0*12*X1~PER*BL*X*TE*1~SVC*HC:99213*100*90~TRN*1*T2*1999999999~"
        "CAS*CO*45*10~",
        {
            "trace_number": "T2",
            "claims.#": 1,
            "claims.0.lines.0.adjustments": ["CO-45 10"],
            "payer.contacts": [],
        },
    ),
    "lx-and-plb-end-claims": (
        HEAD,
        "CLP*PCN1*1*100*90*0*12*X1~SVC*HC:99213*100*90~LX*2~CLP*PCN2*4*50*0*0*12*X2~"
        "PLB*1234567893*20261231*WO*5~",
        {
            "claims.#": 2,
            "claims.0.lines.#": 1,
            "claims.1.lines.#": 0,
            "claims.1.status": "4",
            "provider_adjustments.0.reason": "WO",
        },
    ),
}


@pytest.mark.parametrize(
    ("head", "body", "expected"), INLINE_CASES.values(), ids=INLINE_CASES.keys()
)
def test_parse_inline(head: str, body: str, expected: dict[str, Any]) -> None:
    remit = parse_body(body, head)
    assert {path: dig(remit, path) for path in expected} == expected


CLP = "CLP*PCN1*1*100*100*0*12*X1~"
"""A claim at position 9."""

ERROR_CASES: dict[str, tuple[str, str]] = {
    "clp04-not-numeric": (
        "CLP*PCN1*1*100*ABC*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP04 is not a valid amount",
    ),
    "amount-with-exponent": (
        "CLP*PCN1*1*1E2*100*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP03 is not a valid amount",
    ),
    "amount-with-thousands-separator": (
        "CLP*PCN1*1*1,000.00*100*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP03 is not a valid amount",
    ),
    "amount-too-long": (
        "CLP*PCN1*1*1234567890123456789*100*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP03 has more than 18 digits",
    ),
    "clp01-missing": (
        "CLP**1*100*100*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP01 is missing",
    ),
    "clp02-unknown-status": (
        "CLP*PCN1*9*100*100*0*12*X1~",
        "t.835: segment 9 (CLP) loop 2100: CLP02 claim status '9' is not a valid code",
    ),
    "cas-reason-without-amount": (
        CLP + "CAS*CO*45~",
        "t.835: segment 10 (CAS) loop 2100: CAS03 is missing: reason 45 has no amount",
    ),
    "cas-second-triple-without-amount": (
        CLP + "CAS*CO*45*10**253~",
        "t.835: segment 10 (CAS) loop 2100: CAS06 is missing: reason 253 has no amount",
    ),
    "cas-amount-without-reason": (
        CLP + "CAS*CO**10~",
        "t.835: segment 10 (CAS) loop 2100: CAS02 is missing: an amount has no reason code",
    ),
    "cas-group-only": (
        CLP + "CAS*CO~",
        "t.835: segment 10 (CAS) loop 2100: CAS02 is missing: a CAS needs at least one adjustment",
    ),
    "cas-unknown-group": (
        CLP + "CAS*XX*45*10~",
        "t.835: segment 10 (CAS) loop 2100: CAS01 group code 'XX' is not one of CO, CR, OA, PI, PR",
    ),
    "cas-seven-triples": (
        CLP + "CAS*CO" + "*45*1*" * 7 + "~",
        "t.835: segment 10 (CAS) loop 2100: CAS has more than 6 reason/amount/quantity triples",
    ),
    "line-cas-bad-amount": (
        CLP + "SVC*HC:99213*100*100~CAS*CO*45*1O~",
        "t.835: segment 11 (CAS) loop 2110: CAS03 is not a valid amount",
    ),
    "svc-before-any-clp": (
        "SVC*HC:99213*100*80~",
        "t.835: segment 9 (SVC) loop 2000: SVC before any CLP",
    ),
    "cas-before-any-clp": ("CAS*CO*45*10~", "t.835: segment 9 (CAS) loop 2000: CAS before any CLP"),
    "svc-without-procedure-code": (
        CLP + "SVC*HC*100*80~",
        "t.835: segment 10 (SVC) loop 2110: SVC01 has no procedure code",
    ),
    "lq-outside-service-line": (
        CLP + "LQ*HE*N115~",
        "t.835: segment 10 (LQ) loop 2100: LQ outside a service line (SVC)",
    ),
    "lq-unknown-qualifier": (
        CLP + "SVC*HC:99213*100*100~LQ*ZZ*N115~",
        "t.835: segment 11 (LQ) loop 2110: LQ01 must be HE or RX, found 'ZZ'",
    ),
    "impossible-service-date": (
        CLP + "SVC*HC:99213*100*100~DTM*472*20260230~",
        "t.835: segment 11 (DTM) loop 2110: DTM02 is not a valid date (CCYYMMDD)",
    ),
    "plb-reason-without-amount": (
        CLP + "PLB*1234567893*20261231*WO:X1~",
        "t.835: segment 10 (PLB): PLB04 is missing: reason WO has no amount",
    ),
    "plb-amount-without-reason": (
        CLP + "PLB*1234567893*20261231*WO:X1*10**5~",
        "t.835: segment 10 (PLB): PLB05 is missing: an amount has no reason code",
    ),
    "plb-bad-fiscal-date": (
        CLP + "PLB*1234567893*2026*WO:X1*10~",
        "t.835: segment 10 (PLB): PLB02 is not a valid date (CCYYMMDD)",
    ),
}


@pytest.mark.parametrize(("body", "message"), ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_malformed_content(body: str, message: str) -> None:
    with pytest.raises(X12Error) as caught:
        parse_body(body)
    assert str(caught.value) == message


HEADER_ERROR_CASES: dict[str, tuple[str, str]] = {
    "no-bpr": (
        "TRN*1*T1*1999999999~N1*PR*PAYER~N1*PE*PROVIDER*XX*1~",
        "t.835: segment 3 (ST): 835 transaction set has no BPR",
    ),
    "no-trn-no-payee": (
        "BPR*I*0*C*NON~N1*PR*PAYER~",
        "t.835: segment 3 (ST): 835 transaction set has no TRN, N1*PE (payee)",
    ),
    "bpr02-missing": ("BPR*I**C*CHK~", "t.835: segment 4 (BPR): BPR02 is missing"),
    "bpr03-not-credit-or-debit": (
        "BPR*I*10*X*CHK~",
        "t.835: segment 4 (BPR): BPR03 must be C or D, found 'X'",
    ),
    "second-bpr": (
        "BPR*I*10*C*CHK~BPR*I*10*C*CHK~",
        "t.835: segment 5 (BPR): second BPR in one transaction set",
    ),
}


@pytest.mark.parametrize(
    ("body", "message"), HEADER_ERROR_CASES.values(), ids=HEADER_ERROR_CASES.keys()
)
def test_malformed_header(body: str, message: str) -> None:
    with pytest.raises(X12Error) as caught:
        parse_body(body, head="")
    assert str(caught.value) == message


def test_rejects_another_transaction_type() -> None:
    delimiters, segments = split(wrap(HEAD).replace("ST*835*", "ST*837*"))
    with pytest.raises(X12Error) as caught:
        parse_835(segments, delimiters, "t.835")
    assert (
        str(caught.value) == "t.835: segment 3 (ST): expected an 835 transaction set, found '837'"
    )


def test_error_carries_its_location() -> None:
    with pytest.raises(X12Error) as caught:
        parse_body(ERROR_CASES["clp04-not-numeric"][0])
    error = caught.value
    assert (error.path, error.segment, error.segment_id, error.loop) == ("t.835", 9, "CLP", "2100")
