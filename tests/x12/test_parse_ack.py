"""The 999 and 277CA parsers, driven by synthetic files and cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from _split import dig, load, transaction, wrap

from cleanclaim.claims.acks import Status, StatusCode
from cleanclaim.errors import X12Error
from cleanclaim.x12.parse_ack import parse_277ca, parse_999


def parse_999_file(name: str) -> Any:
    delimiters, segments = load(name)
    return parse_999(segments, delimiters, name)


def parse_277_file(name: str) -> Any:
    delimiters, segments = load(name)
    return parse_277ca(segments, delimiters, name)


CASES_999: dict[str, tuple[str, dict[str, Any]]] = {
    "999-accepted": (
        "ack999_accepted.x12",
        {
            "control_number": "0001",
            "position": 3,
            "functional_id": "HC",
            "group_control_number": "1001",
            "version": "005010X222A1",
            "group_status": "A",
            "accepted": True,
            "partially_accepted": False,
            "included": 1,
            "received": 1,
            "accepted_count": 1,
            "group_error_codes": (),
            "transactions.#": 1,
            "transactions.0.set_id": "837",
            "transactions.0.control_number": "0001",
            "transactions.0.version": "005010X222A1",
            "transactions.0.status": "A",
            "transactions.0.accepted": True,
            "transactions.0.error_codes": (),
            "transactions.0.segment_errors": [],
            "transactions.0.position": 5,
        },
    ),
    "999-rejected-with-segment-and-element-errors": (
        "ack999_rejected.x12",
        {
            "group_status": "R",
            "accepted": False,
            "accepted_count": 0,
            "transactions.0.status": "R",
            "transactions.0.accepted": False,
            "transactions.0.error_codes": ("5",),
            "transactions.0.segment_errors.#": 2,
            "transactions.0.segment_errors.0.segment_id": "CLM",
            "transactions.0.segment_errors.0.segment_position": 22,
            "transactions.0.segment_errors.0.loop": "2300",
            "transactions.0.segment_errors.0.code": "8",
            "transactions.0.segment_errors.0.claim_id": "PCN7001",
            "transactions.0.segment_errors.0.position": 6,
            "transactions.0.segment_errors.0.element_errors.0.element_position": 2,
            "transactions.0.segment_errors.0.element_errors.0.component_position": None,
            "transactions.0.segment_errors.0.element_errors.0.element_reference": "782",
            "transactions.0.segment_errors.0.element_errors.0.code": "6",
            "transactions.0.segment_errors.0.element_errors.0.bad_value": "12X",
            "transactions.0.segment_errors.1.segment_id": "NM1",
            "transactions.0.segment_errors.1.loop": "2010",
            "transactions.0.segment_errors.1.claim_id": None,
            "transactions.0.segment_errors.1.contexts": [],
            "transactions.0.segment_errors.1.element_errors.#": 2,
            "transactions.0.segment_errors.1.element_errors.0.element_position": 9,
            "transactions.0.segment_errors.1.element_errors.0.element_reference": "",
            "transactions.0.segment_errors.1.element_errors.0.code": "1",
            "transactions.0.segment_errors.1.element_errors.1.element_position": 5,
            "transactions.0.segment_errors.1.element_errors.1.component_position": 3,
            "transactions.0.segment_errors.1.element_errors.1.repetition_position": None,
            "transactions.0.segment_errors.1.element_errors.1.element_reference": "1331",
            "transactions.0.segment_errors.1.element_errors.1.code": "7",
            "transactions.0.segment_errors.1.element_errors.1.contexts.0.name": "SITUATIONAL TRIGGER",
            "transactions.0.segment_errors.1.element_errors.1.contexts.0.segment_id": "NM1",
            "transactions.0.segment_errors.1.element_errors.1.contexts.0.segment_position": 14,
            "transactions.0.segment_errors.1.element_errors.1.contexts.0.loop": "2010",
        },
    ),
    "999-partially-accepted": (
        "ack999_partial.x12",
        {
            "group_status": "P",
            "accepted": False,
            "partially_accepted": True,
            "included": 3,
            "received": 3,
            "accepted_count": 2,
            "transactions.#": 3,
            "transactions.0.status": "A",
            "transactions.0.accepted": True,
            "transactions.1.status": "E",
            "transactions.1.accepted": True,
            "transactions.1.control_number": "0002",
            "transactions.1.segment_errors.0.code": "I6",
            "transactions.1.segment_errors.0.claim_id": "PCN7102",
            "transactions.2.status": "R",
            "transactions.2.accepted": False,
            "transactions.2.segment_errors.0.segment_id": "SV1",
            "transactions.2.segment_errors.0.element_errors.0.component_position": 2,
        },
    ),
}


@pytest.mark.parametrize(("name", "expected"), CASES_999.values(), ids=CASES_999.keys())
def test_parse_999(name: str, expected: dict[str, Any]) -> None:
    ack = parse_999_file(name)
    assert {path: dig(ack, path) for path in expected} == expected


def test_999_bad_data_stays_out_of_repr() -> None:
    assert "12X" not in repr(parse_999_file("ack999_rejected.x12"))


ERRORS_999: dict[str, tuple[str, str]] = {
    "ik3-before-ak2": (
        "AK1*HC*1*005010X222A1~IK3*CLM*22*2300*8~",
        "t.999: segment 5 (IK3): IK3 before any AK2",
    ),
    "ik4-before-ik3": (
        "AK1*HC*1~AK2*837*0001~IK4*2*782*6~",
        "t.999: segment 6 (IK4) loop 2000: IK4 before any IK3",
    ),
    "ik5-before-ak2": ("AK1*HC*1~IK5*A~", "t.999: segment 5 (IK5): IK5 before any AK2"),
    "ak2-without-ik5": (
        "AK1*HC*1~AK2*837*0001~AK2*837*0002~IK5*A~AK9*A*2*2*2~",
        "t.999: segment 6 (AK2) loop 2000: the AK2 at segment 5 has no IK5",
    ),
    "ak9-while-ak2-open": (
        "AK1*HC*1~AK2*837*0001~AK9*A*1*1*1~",
        "t.999: segment 6 (AK9) loop 2000: the AK2 at segment 5 has no IK5",
    ),
    "unknown-ik5-status": (
        "AK1*HC*1~AK2*837*0001~IK5*Q~",
        "t.999: segment 6 (IK5) loop 2000: IK501 status 'Q' is not one of A, E, R, M, W, X",
    ),
    "ak9-partial-code-in-ik5": (
        "AK1*HC*1~AK2*837*0001~IK5*P~",
        "t.999: segment 6 (IK5) loop 2000: IK501 status 'P' is not one of A, E, R, M, W, X",
    ),
    "ak9-count-not-numeric": (
        "AK1*HC*1~AK9*A*one*1*1~",
        "t.999: segment 5 (AK9): AK902 is not a whole number",
    ),
    "ik302-not-numeric": (
        "AK1*HC*1~AK2*837*0001~IK3*CLM*x*2300*8~",
        "t.999: segment 6 (IK3) loop 2100: IK302 is not a whole number",
    ),
    "ik401-component-not-numeric": (
        "AK1*HC*1~AK2*837*0001~IK3*CLM*2*2300*8~IK4*5:b*1*7~",
        "t.999: segment 7 (IK4) loop 2110: IK401 is not a whole number",
    ),
    "no-ak9": (
        "AK1*HC*1~AK2*837*0001~IK5*A~",
        "t.999: segment 3 (ST): 999 transaction set has no AK9",
    ),
    "no-ak1": ("AK9*A*0*0*0~", "t.999: segment 3 (ST): 999 transaction set has no AK1"),
}


@pytest.mark.parametrize(("body", "message"), ERRORS_999.values(), ids=ERRORS_999.keys())
def test_malformed_999(body: str, message: str) -> None:
    delimiters, segments = transaction(wrap(body, "999", "005010X231A1"))
    with pytest.raises(X12Error) as caught:
        parse_999(segments, delimiters, "t.999")
    assert str(caught.value) == message


CLAIMS_277CA: dict[str, dict[str, Any]] = {
    "277ca-accepted-a2-with-payer-claim-number": {
        "claims.0.patient_control_number": "PCN8001",
        "claims.0.accepted": True,
        "claims.0.rejected": False,
        "claims.0.statuses": ["A2:20 WQ 300"],
        "claims.0.statuses.0.date": dt.date(2026, 1, 12),
        "claims.0.payer_claim_control_number": "PCLM8001",
        "claims.0.clearinghouse_trace": "CHTRACE8001",
        "claims.0.service_from": dt.date(2026, 1, 5),
        "claims.0.service_to": dt.date(2026, 1, 5),
        "claims.0.patient.id": "MEMBER0012",
        "claims.0.billing_provider_id": "1234567893",
        "claims.0.lines": [],
        "claims.0.position": 28,
    },
    "277ca-rejected-a7-with-two-status-composites": {
        "claims.1.patient_control_number": "PCN8002",
        "claims.1.accepted": False,
        "claims.1.rejected": True,
        "claims.1.statuses": ["A7:562:85+A7:128:85 U 700"],
        "claims.1.statuses.0.codes.0.entity": "85",
        "claims.1.payer_claim_control_number": "",
        "claims.1.service_from": dt.date(2026, 1, 1),
        "claims.1.service_to": dt.date(2026, 1, 3),
    },
    "277ca-second-claim-of-same-patient-a1": {
        "claims.2.patient_control_number": "PCN8003",
        "claims.2.accepted": True,
        "claims.2.statuses": ["A1:19 WQ 150"],
        "claims.2.patient.id": "MEMBER0013",
        "claims.2.payer_claim_control_number": "PCLM8003",
    },
    "277ca-rejected-a3-with-rejected-lines": {
        "claims.3.patient_control_number": "PCN8004",
        "claims.3.rejected": True,
        "claims.3.statuses": ["A3:21 U 300"],
        "claims.3.lines.#": 2,
        "claims.3.lines.0.procedure.code": "99213",
        "claims.3.lines.0.procedure.modifiers": ("25",),
        "claims.3.lines.0.charge": D("200"),
        "claims.3.lines.0.units": D("1"),
        "claims.3.lines.0.statuses": ["A7:454 U"],
        "claims.3.lines.0.rejected": True,
        "claims.3.lines.0.line_control_number": "LINE8004A",
        "claims.3.lines.0.service_from": dt.date(2026, 1, 7),
        "claims.3.lines.0.position": 49,
        "claims.3.lines.1.statuses": ["A3:21 U"],
        "claims.3.lines.1.line_control_number": "LINE8004B",
        "claims.3.lines.1.service_from": None,
    },
    "277ca-source-receiver-provider": {
        "control_number": "0001",
        "reference": "ACK277CA01",
        "created": dt.date(2026, 1, 12),
        "claims.#": 4,
        "source.name": "SYNTHETIC HEALTH PLAN",
        "source.id": "SHP001",
        "source.trace_number": "RCPT20260112",
        "source.dates": {"050": dt.date(2026, 1, 11), "009": dt.date(2026, 1, 12)},
        "receiver.name": "EXAMPLE CLEARINGHOUSE",
        "receiver.id_qualifier": "46",
        "receiver.trace_number": "BATCH0001",
        "receiver.statuses": ["A1:19 WQ 1450"],
        "receiver.quantities": {"90": D("2"), "AA": D("2")},
        "receiver.amounts": {"YU": D("450"), "YY": D("1000")},
        "providers.#": 1,
        "providers.0.id": "1234567893",
        "providers.0.level": "19",
        "providers.0.statuses.0.date": None,
        "providers.0.quantities": {"QA": 2, "QC": 2},
    },
}


@pytest.mark.parametrize("expected", CLAIMS_277CA.values(), ids=CLAIMS_277CA.keys())
def test_parse_277ca(expected: dict[str, Any]) -> None:
    ack = parse_277_file("ack277ca.x12")
    assert {path: dig(ack, path) for path in expected} == expected


def test_277ca_patient_names_stay_out_of_repr() -> None:
    text = repr(parse_277_file("ack277ca.x12"))
    assert "PCN8001" in text
    assert "TESTPATIENT" not in text
    assert "MEMBER0012" not in text


CATEGORY_VERDICTS: dict[str, tuple[str, bool, bool]] = {
    "a0-forwarded": ("A0", True, False),
    "a1-received": ("A1", True, False),
    "a2-accepted-into-adjudication": ("A2", True, False),
    "a3-returned-unprocessable": ("A3", False, True),
    "a4-not-found": ("A4", False, True),
    "a5-split": ("A5", True, False),
    "a6-missing-information": ("A6", False, True),
    "a7-invalid-information": ("A7", False, True),
    "a8-relational-field-in-error": ("A8", False, True),
    "e0-payer-cannot-answer": ("E0", False, False),
}


@pytest.mark.parametrize(
    ("category", "accepted", "rejected"), CATEGORY_VERDICTS.values(), ids=CATEGORY_VERDICTS.keys()
)
def test_category_verdict(category: str, accepted: bool, rejected: bool) -> None:
    status = Status((StatusCode(category, "21"),), None, "", None, 1)
    assert (status.accepted, status.rejected) == (accepted, rejected)


def test_one_rejecting_composite_rejects_the_claim() -> None:
    status = Status((StatusCode("A2", "20"), StatusCode("A7", "21")), None, "", None, 1)
    assert (status.accepted, status.rejected) == (False, True)


ERRORS_277: dict[str, tuple[str, str]] = {
    "stc-before-any-hl": (
        "BHT*0085*08*R1*20260112*1030*TH~STC*A1:19**WQ~",
        "t.277: segment 5 (STC): STC before any HL",
    ),
    "unknown-hl-level": (
        "HL*1**99*1~",
        "t.277: segment 4 (HL): HL03 level code '99' is not used in a 277CA",
    ),
    "svc-before-claim-trn": (
        "HL*1**20*1~HL*2*1*21*1~HL*3*2*19*1~HL*4*3*PT~NM1*QC*1*X~SVC*HC:99213*100~",
        "t.277: segment 9 (SVC) loop 2200D: SVC before any claim (TRN)",
    ),
    "stc-at-patient-level-before-trn": (
        "HL*1**20*1~HL*4*1*PT~NM1*QC*1*X~STC*A1:19**WQ~",
        "t.277: segment 7 (STC) loop 2200D: STC before the claim's TRN",
    ),
    "stc-without-category": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~STC*:19**U~",
        "t.277: segment 7 (STC) loop 2200D: STC01 has no status category code",
    ),
    "stc10-without-category": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~STC*A7:19**U*******:21~",
        "t.277: segment 7 (STC) loop 2200D: STC10 has no status category code",
    ),
    "claim-trn-without-number": (
        "HL*1**20*1~HL*4*1*PT~TRN*2~",
        "t.277: segment 6 (TRN) loop 2200D: TRN02 is missing",
    ),
    "stc-amount-not-numeric": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~STC*A2:20*20260112*WQ*12,5~",
        "t.277: segment 7 (STC) loop 2200D: STC04 is not a valid amount",
    ),
    "dtp-unknown-format": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~DTP*472*D6*260105~",
        "t.277: segment 7 (DTP) loop 2200D: DTP02 must be D8 or RD8, found 'D6'",
    ),
    "dtp-range-half-missing": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~DTP*472*RD8*20260105~",
        "t.277: segment 7 (DTP) loop 2200D: DTP03 is not a valid date (CCYYMMDD)",
    ),
    "line-dtp-bad-date": (
        "HL*1**20*1~HL*4*1*PT~TRN*2*PCN1~SVC*HC:99213*100~DTP*472*D8*20261301~",
        "t.277: segment 8 (DTP) loop 2220D: DTP03 is not a valid date (CCYYMMDD)",
    ),
}


@pytest.mark.parametrize(("body", "message"), ERRORS_277.values(), ids=ERRORS_277.keys())
def test_malformed_277ca(body: str, message: str) -> None:
    delimiters, segments = transaction(wrap(body, "277", "005010X214"))
    with pytest.raises(X12Error) as caught:
        parse_277ca(segments, delimiters, "t.277")
    assert str(caught.value) == message


def test_277ca_rejects_another_transaction_type() -> None:
    delimiters, segments = transaction(
        wrap("HL*1**20*1~", "277", "005010X214").replace("ST*277*", "ST*276*")
    )
    with pytest.raises(X12Error) as caught:
        parse_277ca(segments, delimiters, "t.277")
    assert str(caught.value) == (
        "t.277: segment 3 (ST): expected a 277 transaction set, found '276'"
    )
