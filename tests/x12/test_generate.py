"""The synthetic X12 generator: ids, determinism, envelopes, 835 balancing, content.

Sums are recomputed from the written text, never from the specs, so the tests check what
a reader of the file would see.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from _genfixtures import (
    ADDR,
    CLINIC,
    CREATED,
    DOS,
    END,
    KINDS,
    MEDICARE,
    START,
    VERSIONS,
    D,
    build,
    hand_claims,
    hand_remits,
    luhn_ok,
    segments,
    w835,
)

from cleanclaim.x12.generate import (
    ALL_DX,
    Ack999Group,
    Ack999Transaction,
    GenClaim,
    GenLine,
    GenProviderAdjustment,
    GenRemit,
    Person,
    Subscriber,
    ack999_for,
    demo_practice,
    npi_check_digit,
    payer_claim_number,
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
from cleanclaim.x12.generate.facility import FACILITY_DX, demo_hospital

# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("base", "check"), [("123456789", "3"), ("124531959", "9")], ids=["cms-example", "second"]
)
def test_npi_check_digit(base: str, check: str) -> None:
    assert npi_check_digit(base) == check


def test_npi_check_digit_rejects_bad_base() -> None:
    with pytest.raises(ValueError, match=r"an NPI base has 9 digits, got '12345'"):
        npi_check_digit("12345")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_npis_pass_luhn(seed: int) -> None:
    billing, doctors = demo_practice(seed)
    hospital, attendings = demo_hospital(seed)
    npis = [billing.npi, hospital.npi, *(d.npi for d in doctors + attendings)]
    assert all(luhn_ok(npi) for npi in npis), npis


def test_payer_claim_number_is_stable_and_per_payer() -> None:
    assert payer_claim_number("C1", "P1") == payer_claim_number("C1", "P1")
    assert payer_claim_number("C1", "P1") != payer_claim_number("C1", "P2")
    assert len(payer_claim_number("C1", "P1")) == 14


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_gives_identical_bytes(kind: str) -> None:
    assert build(kind, 7, n=20) == build(kind, 7, n=20)
    assert build(kind, 7, n=20) != build(kind, 8, n=20)


def test_generation_never_touches_the_global_random() -> None:
    random.seed(12345)
    before = random.getstate()
    claims = random_practice_claims(3, 50, START, END)
    write_835(random_remits_for(claims, 3), sender="PAYER1", receiver="SUBMIT1", created=CREATED)
    random_facility_claims(3, 10, START, END)
    random_acks_for(claims, 3)
    assert random.getstate() == before


# --------------------------------------------------------------------------- envelopes


@pytest.mark.parametrize("kind", KINDS)
def test_envelope_counts_and_control_numbers(kind: str) -> None:
    x12 = build(kind, 5, n=12)
    assert x12.index("~") == 105  # ISA is 106 characters with its terminator
    segs = segments(x12)
    isa, gs, ge, iea = segs[0], segs[1], segs[-2], segs[-1]
    assert (isa[11], isa[12], isa[16]) == ("^", "00501", ":")
    assert (gs[1], gs[8]) == VERSIONS[kind]
    assert iea == ["IEA", "1", isa[13]]
    starts = [i for i, s in enumerate(segs) if s[0] == "ST"]
    assert ge == ["GE", str(len(starts)), gs[6]]
    for i in starts:
        end = next(j for j in range(i, len(segs)) if segs[j][0] == "SE")
        assert segs[end] == ["SE", str(end - i + 1), segs[i][2]]
    assert [segs[i][2] for i in starts] == [f"{k:04d}" for k in range(1, len(starts) + 1)]


def test_837_splits_claims_into_transaction_sets() -> None:
    claims = random_practice_claims(4, 5, START, END)
    segs = segments(
        write_837p(
            claims, sender="SUBMIT1", receiver="RECV1", created=CREATED, claims_per_transaction=2
        )
    )
    assert [s[2] for s in segs if s[0] == "ST"] == ["0001", "0002", "0003"]
    assert sum(1 for s in segs if s[0] == "CLM") == 5
    assert [s[1] for s in segs if s[0] == "HL" and s[3] == "20"] == ["1", "1", "1"]


def test_newline_only_adds_line_breaks() -> None:
    claims = random_practice_claims(4, 5, START, END)
    plain = write_837p(claims, sender="SUBMIT1", receiver="RECV1", created=CREATED)
    broken = write_837p(claims, sender="SUBMIT1", receiver="RECV1", created=CREATED, newline=True)
    assert broken.replace("~\n", "~") == plain
    assert broken.count("\n") == plain.count("~")


def test_free_text_is_scrubbed_of_delimiters() -> None:
    odd = Person("o'neil*smith", "a~b", date(1980, 1, 1), "F", ADDR)
    claim = GenClaim(
        "X1",
        CLINIC,
        MEDICARE,
        Subscriber("M1", odd),
        ("I10",),
        (GenLine("99213", D("100.00"), DOS),),
    )
    x12 = write_837p([claim], sender="SUBMIT1", receiver="RECV1", created=CREATED)
    assert "NM1*IL*1*O'NEIL SMITH*A B****MI*M1~" in x12


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: write_837p([], sender="SUBMIT1", receiver="RECV1", created=CREATED),
            "an 837 needs at least one claim",
        ),
        (
            lambda: write_837p(
                hand_claims(), sender="SUBMIT1", receiver="RECV1", created=CREATED, control_number=0
            ),
            "control_number must be 1..999999999, got 0",
        ),
        (
            lambda: write_837p(hand_claims(), sender="S" * 16, receiver="RECV1", created=CREATED),
            "interchange ids have 2-15 characters, got 'SSSSSSSSSSSSSSSS'",
        ),
        (
            lambda: write_837p(hand_claims(), sender="S", receiver="RECV1", created=CREATED),
            "interchange ids have 2-15 characters, got 'S'",
        ),
        (
            lambda: write_837i(hand_claims(), sender="SUBMIT1", receiver="RECV1", created=CREATED),
            "claim C1 line 1: an 837I line needs a revenue code",
        ),
        (
            lambda: write_835([], sender="SUBMIT1", receiver="RECV1", created=CREATED),
            "an 835 needs at least one remit",
        ),
    ],
    ids=[
        "no-claims",
        "control-number",
        "long-sender",
        "short-sender",
        "837i-no-revenue",
        "no-remits",
    ],
)
def test_writers_reject_bad_arguments(call: Callable[[], str], message: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


# --------------------------------------------------------------------------- 835 balance


def check_balanced(x12: str) -> int:
    """Assert the three 835 balancing rules on the text; returns the number of claims."""
    claims = 0
    st: list[list[str]] = []
    for seg in segments(x12):
        if seg[0] == "ST":
            st = []
        st.append(seg)
        if seg[0] != "SE":
            continue
        bpr = D(st[1][2])
        clp_paid = plb = D(0)
        i = 0
        while i < len(st):
            s = st[i]
            if s[0] == "CLP":
                claims += 1
                clp_paid += D(s[4])
                cas_total = D(0)
                j = i + 1
                while j < len(st) and st[j][0] not in ("CLP", "PLB", "SE"):
                    if st[j][0] == "CAS":
                        cas_total += sum((D(x) for x in st[j][3::3] if x), D(0))
                    if st[j][0] == "SVC":
                        k, line_cas = j + 1, D(0)
                        while st[k][0] not in ("SVC", "CLP", "PLB", "SE"):
                            if st[k][0] == "CAS":
                                line_cas += sum((D(x) for x in st[k][3::3] if x), D(0))
                            k += 1
                        assert D(st[j][2]) - line_cas == D(st[j][3]), st[j]
                    j += 1
                assert D(s[3]) - cas_total == D(s[4]), s
            if s[0] == "PLB":
                plb += sum((D(x) for x in s[4::2]), D(0))
            i += 1
        assert bpr == clp_paid - plb, (st[1], clp_paid, plb)
        assert bpr >= 0
    return claims


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_835_balances(seed: int) -> None:
    claims = random_practice_claims(seed, 300, START, END)
    x12 = w835(random_remits_for(claims, seed))
    assert check_balanced(x12) >= 300


def test_generated_institutional_835_balances() -> None:
    claims = random_facility_claims(9, 100, START, END)
    x12 = w835(random_remits_for(claims, 9))
    assert check_balanced(x12) >= 100
    assert "MIA*" in x12 and "SVC*NU:0250*" in x12


def test_hand_835_balances() -> None:
    x12 = write_835(hand_remits(), sender="PAYER1", receiver="SUBMIT1", created=CREATED)
    check_balanced(x12)
    segs = segments(x12)
    assert [s[:3] for s in segs if s[0] == "BPR"] == [
        ["BPR", "C", "55.22"],
        ["BPR", "H", "0"],
        ["BPR", "H", "0"],
    ]
    assert ["PLB", "1234567893", "20261231", "L6:C1", "-2.5", "WO:12345678901200", "10"] in segs
    assert ["PLB", "1234567893", "20261231", "FB:12345678901236", "-17.28"] in segs


def test_generated_remits_cover_every_claim_status() -> None:
    claims = random_practice_claims(5, 3000, START, date(2026, 6, 30))
    remits = random_remits_for(claims, 5)
    statuses = {c.status for r in remits for c in r.claims}
    assert {"1", "2", "3", "4", "19", "20", "22"} <= statuses
    services = [s for r in remits for c in r.claims for s in c.services]
    assert any(s.original_procedure for s in services)  # SVC06: the payer changed the code
    assert any(s.remarks for s in services)  # LQ*HE
    assert {p.reason for r in remits for p in r.provider_adjustments} >= {"L6", "WO", "CS"}


def test_negative_balance_is_carried_forward() -> None:
    rev = hand_remits()[2].claims[0]  # the reversal alone pays -80
    remit = GenRemit(MEDICARE, CLINIC, "T1", DOS, (rev,))
    with pytest.raises(ValueError) as info:
        write_835([remit], sender="PAYER1", receiver="SUBMIT1", created=CREATED)
    assert str(info.value) == (
        "remit T1: payments minus provider adjustments are negative (-80.00); carry the "
        "balance forward with a smaller PLB amount"
    )
    fixed = GenRemit(
        MEDICARE,
        CLINIC,
        "T1",
        DOS,
        (rev,),
        (GenProviderAdjustment("FB", D("-80.00"), "12345678901236"),),
    )
    segs = segments(write_835([fixed], sender="PAYER1", receiver="SUBMIT1", created=CREATED))
    assert segs[3][:3] == ["BPR", "H", "0"]


def test_amounts_have_at_most_two_decimals() -> None:
    claims = random_practice_claims(6, 200, START, END)
    x12 = w835(random_remits_for(claims, 6))
    for seg in segments(x12):
        values = {
            "CLP": seg[3:6],
            "SVC": seg[2:4],
            "AMT": seg[2:3],
            "PLB": seg[4::2],
            "CAS": seg[3::3],
            "BPR": seg[2:3],
        }.get(seg[0], [])
        for v in values:
            if v:
                assert v != "-0" and len(v.partition(".")[2]) <= 2, seg


# --------------------------------------------------------------------------- content


def test_practice_claims_look_like_a_practice() -> None:
    claims = random_practice_claims(8, 2000, START, END)
    assert len({c.claim_id for c in claims}) == 2000
    assert all(len(c.claim_id) <= 20 for c in claims)
    assert all(START <= line.service_date <= END for c in claims for line in c.lines)
    codes = {line.procedure for c in claims for line in c.lines}
    assert {f"992{n:02d}" for n in (2, 3, 4, 5, 12, 13, 14, 15)} <= codes
    modifiers = {m for c in claims for line in c.lines for m in line.modifiers}
    assert {"25", "59", "LT", "RT"} <= modifiers
    assert {dx for c in claims for dx in c.diagnoses} <= set(ALL_DX)
    assert any(c.patient is not None for c in claims)
    assert any(c.original_reference for c in claims)
    assert any(c.prior_auth for c in claims)
    assert any(line.adjudications for c in claims for line in c.lines)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_diagnosis_codes_are_billable_in_fy2026() -> None:
    import simple_icd_10_cm as icd  # FY2026 (April 2026) tabular

    bad = [c for c in (*ALL_DX, *FACILITY_DX) if not (icd.is_valid_item(c) and icd.is_leaf(c))]
    assert bad == []


def test_999_group_status() -> None:
    def group(*statuses: str) -> Ack999Group:
        return Ack999Group(
            "HC",
            "1",
            "005010X222A1",
            tuple(Ack999Transaction("837", f"{i:04d}", s) for i, s in enumerate(statuses, 1)),
        )

    assert [group(*s).status for s in (("A", "A"), ("A", "E"), ("R", "R"), ("A", "R"))] == [
        "A",
        "E",
        "R",
        "P",
    ]
    x12 = write_999([group("A", "R")], sender="RECV1", receiver="SUBMIT1", created=CREATED)
    assert "AK9*P*2*2*1~" in x12


def test_ack999_for_acknowledges_every_set() -> None:
    claims = random_practice_claims(4, 4, START, END)
    source = write_837p(
        claims,
        sender="SUBMIT1",
        receiver="RECV1",
        created=CREATED,
        control_number=42,
        claims_per_transaction=1,
    )
    [group] = ack999_for(source, reject_rate=1.0)
    assert (group.functional_id, group.control_number, group.status) == ("HC", "42", "R")
    assert [t.control_number for t in group.transactions] == ["0001", "0002", "0003", "0004"]
    for t, claim in zip(group.transactions, claims, strict=True):
        assert t.errors[0].business_unit == ("CLM01", claim.claim_id)
    assert {t.status for t in ack999_for(source)[0].transactions} == {"A"}


def test_277ca_accepts_and_rejects_claims() -> None:
    claims = random_practice_claims(2, 40, START, END)
    acks = random_acks_for(claims, 2, reject_rate=0.3)
    segs = segments(write_277ca(acks, sender="RECV1", receiver="SUBMIT1", created=CREATED))
    by_claim: dict[str, list[list[str]]] = {}
    current = ""
    for seg in segs:
        if seg[:2] == ["TRN", "2"] and seg[2] in {c.claim_id for c in claims}:
            current = seg[2]
        elif seg[0] == "HL":
            current = ""
        if current:
            by_claim.setdefault(current, []).append(seg)
    assert len(by_claim) == 40
    for ack in acks:
        found = by_claim[ack.claim.claim_id]
        stc = next(s for s in found if s[0] == "STC")
        refs = [s for s in found if s[:2] == ["REF", "1K"]]
        if ack.accepted:
            assert (stc[1], stc[3]) == ("A2:20", "WQ")
            assert refs == [
                ["REF", "1K", payer_claim_number(ack.claim.claim_id, ack.claim.payer.payer_id)]
            ]
        else:
            assert stc[1].split(":")[0] in {"A3", "A6", "A7", "A8"} and stc[3] == "U"
            assert refs == []
    rejected = sum(1 for a in acks if not a.accepted)
    assert 0 < rejected < 40
    for qualifier in ("AA", "QC"):  # receiver and provider levels, one per payer
        assert sum(int(s[2]) for s in segs if s[:2] == ["QTY", qualifier]) == rejected


def test_277ca_and_835_agree_on_payer_claim_numbers() -> None:
    claims = random_practice_claims(3, 60, START, END)
    acks = [a for a in random_acks_for(claims, 3) if a.accepted]
    numbers: dict[str, set[str]] = {}
    for remit in random_remits_for([a.claim for a in acks], 3):
        for c in remit.claims:
            numbers.setdefault(c.claim_id, set()).add(c.payer_claim_number)
    assert len(acks) > 50
    for ack in acks:
        assert ack.payer_claim_number in numbers[ack.claim.claim_id]
