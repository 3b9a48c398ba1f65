"""Shared helpers for the generator tests: text splitting, a pyx12 wrapper, hand-built specs."""

from __future__ import annotations

import io
import json
import logging
from datetime import date
from decimal import Decimal

from cleanclaim.x12.generate import (
    Address,
    BillingProvider,
    ClaimAck,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenLineAdjudication,
    GenOtherPayer,
    GenProviderAdjustment,
    GenRemit,
    GenServicePayment,
    Payer,
    Person,
    Practitioner,
    Subscriber,
    ack999_for,
    random_acks_for,
    random_facility_claims,
    random_practice_claims,
    random_remits_for,
    write_277ca,
    write_835,
    write_837i,
    write_837p,
    write_999,
)

START, END, CREATED = date(2026, 1, 5), date(2026, 3, 31), date(2026, 4, 1)
D = Decimal

# --------------------------------------------------------------------------- helpers


def segments(x12: str) -> list[list[str]]:
    return [s.strip().split("*") for s in x12.split("~") if s.strip()]


def pyx12_problems(x12: str) -> list[str]:
    """Every error pyx12 reports for ``x12`` (a crash is reported as a problem too)."""
    import pyx12.params
    import pyx12.x12n_document

    fd_json = io.StringIO()
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.ERROR)
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(x12),
            fd_997=None,
            fd_html=None,
            fd_json=fd_json,
        )
    except Exception as exc:  # pyx12 can crash on input it does not expect
        return [f"pyx12 crashed: {exc!r}"]
    finally:
        logger.removeHandler(handler)
    problems: list[str] = []
    doc = json.loads(fd_json.getvalue() or "{}")
    for isa in doc.get("interchanges", []):
        problems += [e["err_str"] for e in isa["errors"]]
        for gs in isa["groups"]:
            problems += [e["err_str"] for e in gs["errors"]]
            for st in gs["transactions"]:
                problems += [e["err_str"] for e in st["errors"]]
                for sg in st["segments"]:
                    where = f"{sg['seg_id']} #{sg['seg_count']}: "
                    problems += [where + e["err_str"] for e in sg["errors"]]
                    for el in sg["elements"]:
                        problems += [where + e["err_str"] for e in el["errors"]]
    if not problems and (not ok or log.getvalue()):
        problems.append("pyx12 said invalid: " + log.getvalue())
    return problems


def w835(remits: list[GenRemit]) -> str:
    return write_835(remits, sender="PAYER1", receiver="SUBMIT1", created=CREATED)


def luhn_ok(npi: str) -> bool:
    """Independent NPI check: Luhn over 80840 + the 10 digits."""
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return len(npi) == 10 and total % 10 == 0


# --------------------------------------------------------------------------- fixtures

ADDR = Address("100 MAIN ST", "SPRINGFIELD", "IL", "627011234")
CLINIC = BillingProvider("1234567893", "123456789", "DEMO FAMILY CLINIC", ADDR, "207Q00000X")
DOC = Practitioner("1245319599", "QUILLON", "ANNA", "207Q00000X")
HOLDER = Person("ZORBLATT", "JOHN", date(1950, 1, 2), "M", ADDR)
CHILD = Person("ZORBLATT", "AMY", date(2015, 1, 2), "F", ADDR)
MEDICARE = Payer("DMCR1", "DEMO MEDICARE")
SECOND = Payer("DSEC1", "DEMO SECOND")
DOS = date(2026, 3, 2)


def hand_claims(*, institutional: bool = False) -> list[GenClaim]:
    """Three claims that use every optional feature of the writers."""
    rev = "0450" if institutional else ""
    cob = GenLineAdjudication(
        "DMCR1",
        "20610",
        D("200.00"),
        date(2026, 3, 20),
        (GenAdjustment("CO", "45", D("50.00")), GenAdjustment("PR", "2", D("30.00"))),
        ("RT",),
        revenue_code=rev,
    )
    lines = (
        GenLine(
            "99213",
            D("120.00"),
            DOS,
            modifiers=("25",),
            dx_pointers=(1, 2),
            revenue_code=rev,
            control_number="C1-1",
        ),
        GenLine(
            "20610",
            D("200.00"),
            DOS,
            modifiers=("RT",),
            revenue_code=rev,
            control_number="C1-2",
            prior_auth="" if institutional else "PA77",
        ),
    )
    sec_lines = (
        lines[0],
        GenLine(
            "20610", D("200.00"), DOS, modifiers=("RT",), revenue_code=rev, adjudications=(cob,)
        ),
    )
    fac = "13" if institutional else "11"
    primary = GenOtherPayer("P", MEDICARE, Subscriber("1EG4TE5MK73", HOLDER), "MB", D("120.00"))
    return [
        GenClaim(
            "C1",
            CLINIC,
            MEDICARE,
            Subscriber("1EG4TE5MK73", HOLDER),
            ("E11.9", "I10"),
            lines,
            rendering=DOC,
            prior_auth="PA123",
            filing_indicator="MB",
            place_of_service=fac,
            poa=("Y", "N") if institutional else (),
            admission_type="1" if institutional else "",
        ),
        GenClaim(
            "C2",
            CLINIC,
            SECOND,
            Subscriber("XZ999", HOLDER, "GRP1"),
            ("M17.11",),
            sec_lines,
            rendering=DOC,
            patient=CHILD,
            patient_relationship="19",
            sbr_sequence="S",
            other_payers=(primary,),
            place_of_service=fac,
        ),
        GenClaim(
            "C3",
            CLINIC,
            MEDICARE,
            Subscriber("1EG4TE5MK73", HOLDER),
            ("J44.9",),
            lines[:1],
            frequency="7",
            original_reference="12345678901234",
            filing_indicator="MB",
            place_of_service=fac,
        ),
    ]


def hand_remits() -> list[GenRemit]:
    a = GenAdjustment
    svc1 = GenServicePayment(
        "99213",
        D("120.00"),
        DOS,
        modifiers=("25",),
        adjustments=(
            a("CO", "45", D("40.00")),
            a("PR", "2", D("16.00")),
            a("CO", "253", D("1.28")),
        ),
        control_number="C1-1",
        remarks=("N130",),
    )
    svc2 = GenServicePayment(
        "20610",
        D("200.00"),
        DOS,
        modifiers=("RT",),
        adjustments=(a("CO", "97", D("200.00")),),
        remarks=("M15",),
        original_procedure="20611",
    )
    inst = GenServicePayment(
        "",
        D("200.00"),
        DOS,
        revenue_code="0250",
        adjustments=(a("CO", "151", D("200.00"), D("2")),),
        remarks=("N362",),
    )
    paid = GenClaimPayment(
        "C1",
        "1",
        D("320.00"),
        "12345678901234",
        "1EG4TE5MK73",
        "ZORBLATT",
        "JOHN",
        filing_indicator="MB",
        services=(svc1, svc2),
        remarks=("MA01",),
        rendering=DOC,
        received=date(2026, 3, 5),
    )
    denied = GenClaimPayment(
        "C2",
        "4",
        D("50.00"),
        "12345678901235",
        "XZ999",
        "ZORBLATT",
        "AMY",
        filing_indicator="12",
        adjustments=(a("CO", "16", D("50.00")),),
        insured=Subscriber("XZ999", HOLDER),
        remarks=("M51",),
    )
    reversal = GenClaimPayment(
        "C3",
        "22",
        D("-120.00"),
        "12345678901236",
        "1EG4TE5MK73",
        "ZORBLATT",
        "JOHN",
        filing_indicator="MB",
        original_reference="12345678901230",
        services=(
            GenServicePayment(
                "99213", D("-120.00"), DOS, adjustments=(a("CO", "45", D("-40.00")),)
            ),
        ),
    )
    crossed = GenClaimPayment(
        "C4",
        "19",
        D("200.00"),
        "12345678901237",
        "1EG4TE5MK73",
        "ZORBLATT",
        "JOHN",
        filing_indicator="MA",
        services=(inst,),
        crossover=Payer("DSUP1", "DEMO MEDIGAP"),
        inpatient=True,
        covered_days=3,
        remarks=("MA18", "N20", "M80"),
        facility_code="11",
        statement_from=DOS,
        statement_to=date(2026, 3, 5),
    )
    return [
        GenRemit(
            MEDICARE,
            CLINIC,
            "TRACE0001",
            date(2026, 3, 20),
            (paid, denied, crossed),
            (
                GenProviderAdjustment("L6", D("-2.50"), "C1"),
                GenProviderAdjustment("WO", D("10.00"), "12345678901200"),
            ),
        ),
        GenRemit(SECOND, CLINIC, "CHK1002", date(2026, 3, 20), (denied,), method="CHK"),
        GenRemit(
            MEDICARE,
            CLINIC,
            "TRACE0003",
            date(2026, 3, 27),
            (reversal, paid),
            (GenProviderAdjustment("FB", D("-17.28"), "12345678901236"),),
        ),
    ]


def build(kind: str, seed: int, n: int = 3) -> str:
    """A small generated file of ``kind``."""
    claims = random_practice_claims(seed, n, START, END)
    if kind == "837p":
        return write_837p(
            claims, sender="SUBMIT1", receiver="CLEARHOUSE1", created=CREATED, seed=seed
        )
    if kind == "837i":
        return write_837i(
            random_facility_claims(seed, n, START, END),
            sender="SUBMIT1",
            receiver="CLEARHOUSE1",
            created=CREATED,
            seed=seed,
        )
    if kind == "835":
        return write_835(
            random_remits_for(claims, seed),
            sender="DEMOPAYER",
            receiver="SUBMIT1",
            created=CREATED,
            seed=seed,
        )
    if kind == "999":
        source = write_837p(
            claims,
            sender="SUBMIT1",
            receiver="CLEARHOUSE1",
            claims_per_transaction=1,
            created=CREATED,
        )
        return write_999(
            ack999_for(source, seed=seed, reject_rate=0.5),
            sender="CLEARHOUSE1",
            receiver="SUBMIT1",
            created=CREATED,
            seed=seed,
        )
    assert kind == "277ca"
    return write_277ca(
        random_acks_for(claims, seed, reject_rate=0.5),
        sender="CLEARHOUSE1",
        receiver="SUBMIT1",
        created=CREATED,
        seed=seed,
    )


KINDS = ("837p", "837i", "835", "999", "277ca")
VERSIONS = {
    "837p": ("HC", "005010X222A1"),
    "837i": ("HC", "005010X223A2"),
    "835": ("HP", "005010X221A1"),
    "999": ("FA", "005010X231A1"),
    "277ca": ("HN", "005010X214"),
}


def hand_file(kind: str) -> str:
    if kind == "837p":
        return write_837p(hand_claims(), sender="SUBMIT1", receiver="RECV1", created=CREATED)
    if kind == "837i":
        return write_837i(
            hand_claims(institutional=True), sender="SUBMIT1", receiver="RECV1", created=CREATED
        )
    if kind == "835":
        return write_835(hand_remits(), sender="PAYER1", receiver="SUBMIT1", created=CREATED)
    if kind == "999":
        return write_999(
            ack999_for(hand_file("837p"), reject_rate=1.0),
            sender="RECV1",
            receiver="SUBMIT1",
            created=CREATED,
        )
    acks = [
        ClaimAck(c, "A7", "562", "85") if c.claim_id == "C2" else ClaimAck(c) for c in hand_claims()
    ]
    return write_277ca(acks, sender="RECV1", receiver="SUBMIT1", created=CREATED)
