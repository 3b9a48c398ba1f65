"""837P/837I parsing into the claim model: hierarchy, loops, COB, errors, content hash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest
from _x12build import interchange, load, sets_of, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanclaim.claims.model import Adjustment, Claim
from cleanclaim.errors import X12Error
from cleanclaim.x12.parse837 import claim_content_hash, parse_837

PROF = "837p_two_claims.x12"
INST = "837i_inpatient.x12"
COB = "837p_cob_secondary.x12"


def claims_of(text: str, path: str = "p.x12") -> list[Claim]:
    return [c for ts in sets_of(text) for c in parse_837(ts, ts.delimiters, path)]


def parse_error(text: str) -> str:
    with pytest.raises(X12Error) as info:
        claims_of(text)
    return str(info.value)


# -- 837P ---------------------------------------------------------------------------------


def test_professional_claims_inherit_from_their_hl_parents() -> None:
    first, second = claims_of(load(PROF))
    for claim in (first, second):
        assert claim.claim_type == "professional"
        bp = claim.billing_provider
        assert (bp.role, bp.name, bp.npi, bp.npi_valid, bp.taxonomy, bp.tin, bp.entity_type) == (
            "billing",
            "TEST FAMILY CLINIC",
            "1234567893",
            True,
            "207Q00000X",
            "990000001",
            "2",
        )
        assert claim.payer.name == "TEST HEALTH PLAN"
        assert (claim.payer.payer_id, claim.payer.responsibility) == ("PAYER01", "P")
        assert (claim.payer.filing_indicator, claim.payer.group_number) == ("CI", "GRP0001")
        assert claim.subscriber.member_id == "MEMBER0001"
        assert claim.subscriber.first_name == "ALPHA"
    # The first claim sits under the subscriber HL: the patient is the subscriber.
    assert first.patient is first.subscriber
    assert first.patient.relationship == "18"
    assert first.patient.birth_date == date(1980, 1, 15)
    # The second sits under a patient HL (23).
    assert (second.patient.first_name, second.patient.relationship) == ("BETA", "19")
    assert (second.patient.birth_date, second.patient.sex) == (date(2015, 6, 1), "M")
    assert second.patient.member_id is None  # NM1*QC carries no id in 5010


def test_professional_claim_fields() -> None:
    first, second = claims_of(load(PROF))
    assert (first.claim_id, first.total_charge, first.frequency_code) == (
        "PCN-0001",
        D("250.00"),
        "1",
    )
    assert (first.place_of_service, first.facility_type_code, first.type_of_bill) == (
        "11",
        None,
        None,
    )
    assert (first.prior_authorization, first.referral_number) == ("AUTH0001", "REFERRAL01")
    assert [(d.qualifier, d.code, d.pointer, d.poa) for d in first.diagnoses] == [
        ("ABK", "J0190", 1, None),
        ("ABF", "R509", 2, None),
        ("ABF", "E119", 3, None),
    ]
    assert first.referring_provider is not None and first.rendering_provider is not None
    assert (first.referring_provider.npi, first.referring_provider.role) == (
        "1111111112",
        "referring",
    )
    assert first.rendering_provider.npi == "1999999992"
    assert first.rendering_provider.taxonomy == "207Q00000X"
    assert (first.assignment, first.benefits_assigned, first.release_of_information) == (
        "A",
        "Y",
        "Y",
    )
    assert first.source_segment == 19
    assert (second.place_of_service, second.related_causes, second.source_segment) == (
        "02",
        ("AA",),
        37,
    )
    sub = first.submission
    assert (sub.sender_name, sub.sender_id, sub.receiver_id) == (
        "TEST BILLING SERVICE",
        "TSUB01",
        "TRCV01",
    )
    assert (sub.reference, sub.created, sub.purpose, sub.transaction_type) == (
        "BATCH0001",
        date(2026, 1, 5),
        "00",
        "CH",
    )
    assert (sub.interchange_control, sub.group_control, sub.transaction_control) == (
        "000000101",
        "101",
        "0001",
    )
    assert sub.implementation == "005010X222A1"
    assert second.submission is sub
    assert (first.service_date_from, first.service_date_to) == (
        date(2025, 12, 15),
        date(2025, 12, 15),
    )
    assert (second.service_date_from, second.service_date_to) == (
        date(2025, 12, 16),
        date(2025, 12, 17),
    )


LINE_FIELDS = ("number", "procedure_qualifier", "procedure_code", "modifiers", "charge",
               "unit_basis", "units", "place_of_service", "diagnosis_pointers",
               "service_date_from", "service_date_to", "line_item_control_number",
               "source_segment")  # fmt: skip

PROF_LINES = [
    pytest.param(0, 0, (1, "HC", "99214", ("25",), D("150.00"), "UN", D(1), None, (1, 2),
                        date(2025, 12, 15), date(2025, 12, 15), "LINE0001", 26), id="claim1-line1"),
    pytest.param(0, 1, (2, "HC", "87880", ("QW",), D(100), "UN", D(1), "19", (1, 3, 2),
                        date(2025, 12, 15), date(2025, 12, 15), None, 30), id="claim1-line2-pos"),
    pytest.param(1, 0, (1, "HC", "99213", ("95", "GT", "59", "XU"), D("80.00"), "UN", D("1.5"),
                        "02", (1,), date(2025, 12, 16), date(2025, 12, 17), None, 39),
                 id="claim2-four-modifiers-date-range"),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "line", "expected"), PROF_LINES)
def test_professional_lines(claim: int, line: int, expected: tuple[object, ...]) -> None:
    got = claims_of(load(PROF))[claim].lines[line]
    assert tuple(getattr(got, f) for f in LINE_FIELDS) == expected


def test_line_rendering_provider() -> None:
    first, second = claims_of(load(PROF))
    assert first.lines[0].rendering_provider is None
    rendering = second.lines[0].rendering_provider
    assert rendering is not None
    assert (rendering.npi, rendering.npi_valid, rendering.role) == ("1222222220", True, "rendering")


def test_other_delimiters_parse_the_same() -> None:
    text = load(PROF).replace("*", "|").replace(":", ">").replace("~\n", "\n")
    assert text[105] == "\n" and text[104] == ">"
    assert claims_of(text) == claims_of(load(PROF))


# -- 837I ---------------------------------------------------------------------------------


def test_institutional_claim() -> None:
    (claim,) = claims_of(load(INST))
    assert claim.claim_type == "institutional"
    assert (claim.facility_type_code, claim.frequency_code, claim.type_of_bill) == (
        "11",
        "1",
        "111",
    )
    assert claim.place_of_service is None
    assert (claim.statement_from, claim.statement_to) == (date(2025, 12, 1), date(2025, 12, 5))
    assert (claim.admission_date, claim.admission_hour, claim.discharge_hour) == (
        date(2025, 12, 1),
        "0830",
        "1130",
    )
    assert (claim.admission_type, claim.admission_source, claim.patient_status) == ("1", "7", "01")
    assert claim.medical_record_number == "MRN0001"
    assert [(d.qualifier, d.code, d.poa) for d in claim.diagnoses] == [
        ("ABK", "I214", "Y"),
        ("ABJ", "R079", None),
        ("ABF", "E119", "N"),
        ("ABF", "I10", "Y"),
        ("ABF", "Z794", "1"),
    ]
    assert claim.drg == "281"
    assert claim.condition_codes == ("01", "39")
    assert [(c.qualifier, c.code, c.date_from, c.amount) for c in claim.institutional_codes] == [
        ("BBR", "02703ZZ", date(2025, 12, 2), None),
        ("BE", "80", None, D(4)),
        ("BH", "11", date(2025, 11, 30), None),
    ]
    assert claim.attending_provider is not None and claim.operating_provider is not None
    assert (claim.attending_provider.npi, claim.attending_provider.taxonomy) == (
        "1444444446",
        "207RC0000X",
    )
    assert claim.operating_provider.npi == "1555555550"
    assert claim.billing_provider.taxonomy == "282N00000X"
    assert (claim.payer.filing_indicator, claim.payer.payer_id) == ("MA", "MAC01")
    assert [
        (ln.revenue_code, ln.procedure_code, ln.modifiers, ln.charge, ln.unit_basis, ln.units)
        for ln in claim.lines
    ] == [
        ("0120", None, (), D("8000.00"), "DA", D(4)),
        ("0360", None, (), D("3500.00"), "UN", D(1)),
        ("0450", "99284", ("25",), D("1000.00"), "UN", D(1)),
    ]
    assert claim.lines[2].service_date_from == date(2025, 12, 1)
    # No line dates on two lines: the claim's range is taken from the lines that have them.
    assert claim.service_date_from == date(2025, 12, 1)


# -- COB ----------------------------------------------------------------------------------


def test_coordination_of_benefits() -> None:
    (claim,) = claims_of(load(COB))
    assert (claim.payer.responsibility, claim.payer.payer_id) == ("S", "PAYER02")
    assert (claim.frequency_code, claim.original_reference) == ("7", "ORIGCLAIM0001")
    (other,) = claim.other_payers
    assert (other.responsibility, other.filing_indicator, other.relationship) == ("P", "MB", "18")
    assert (other.name, other.payer_id, other.paid_amount) == (
        "TEST MEDICARE PART B",
        "MEDB01",
        D("130.00"),
    )
    assert other.adjudication_date == date(2025, 12, 20)
    assert other.adjustments == (
        Adjustment("PR", "1", D("20.00")),
        Adjustment("PR", "2", D("10.00")),
        Adjustment("CO", "45", D("40.00")),
    )
    assert other.subscriber is not None and other.subscriber.member_id == "TESTMBI0004"
    assert other.source_segment == 18
    (line,) = claim.lines
    (adj,) = line.adjudications
    assert (adj.payer_id, adj.paid_amount, adj.procedure_code, adj.modifiers, adj.paid_units) == (
        "MEDB01",
        D("130.00"),
        "97110",
        ("GP",),
        D(4),
    )
    assert adj.adjustments == (
        Adjustment("CO", "45", D("40.00")),
        Adjustment("PR", "1", D("20.00")),
        Adjustment("PR", "2", D("10.00")),
    )
    assert (adj.adjudication_date, adj.source_segment) == (date(2025, 12, 20), 29)
    # line charge - adjustments = paid, as the data file was written
    assert line.charge - sum(a.amount for a in adj.adjustments) == adj.paid_amount


# -- errors -------------------------------------------------------------------------------


def swap(old: str, new: str, file: str = PROF) -> Callable[[], str]:
    def make() -> str:
        text = load(file)
        assert old in text, old
        return text.replace(old, new, 1)

    return make


def drop(segment: str, file: str = PROF) -> Callable[[], str]:
    return swap(segment + "~\n", "", file)


ERROR_CASES = [
    ("clm02-thousands-separator", swap("CLM*PCN-0001*250.00", "CLM*PCN-0001*1,250.00"),
     "segment 19 (CLM) loop 2300: CLM02 is not an X12 decimal number"),
    ("clm02-exponent", swap("CLM*PCN-0001*250.00", "CLM*PCN-0001*2.5E2"),
     "segment 19 (CLM) loop 2300: CLM02 is not an X12 decimal number"),
    ("misaligned-name-is-not-echoed", swap("CLM*PCN-0001*250.00", "CLM*PCN-0001*TESTPATIENT"),
     "segment 19 (CLM) loop 2300: CLM02 is not an X12 decimal number"),
    ("clm01-missing", swap("CLM*PCN-0001*", "CLM**"),
     "segment 19 (CLM) loop 2300: CLM01 patient control number is missing"),
    ("clm05-3-missing", swap("11:B:1*", "11:B*"),
     "segment 19 (CLM) loop 2300: CLM05-3 claim frequency code is missing"),
    ("no-billing-provider", drop("NM1*85*2*TEST FAMILY CLINIC*****XX*1234567893"),
     "segment 18 (CLM) loop 2300: no billing provider (NM1*85 in loop 2010AA) for this claim"),
    ("no-subscriber", drop("NM1*IL*1*TESTPATIENT*ALPHA****MI*MEMBER0001"),
     "segment 18 (CLM) loop 2300: no subscriber (NM1*IL in loop 2010BA) for this claim"),
    ("no-payer", drop("NM1*PR*2*TEST HEALTH PLAN*****PI*PAYER01"),
     "segment 18 (CLM) loop 2300: no payer (NM1*PR in loop 2010BB) for this claim"),
    ("no-sbr", drop("SBR*P*18*GRP0001******CI"),
     "segment 18 (CLM) loop 2300: no SBR in loop 2000B for this claim"),
    ("sbr01-missing", swap("SBR*P*18", "SBR**18"),
     "segment 15 (SBR) loop 2000B: SBR01 payer responsibility sequence is missing"),
    ("hl-parent-unknown", swap("HL*3*2*23*0", "HL*3*9*23*0"),
     "segment 33 (HL) loop 2000C: HL02 parent '9' is not an earlier HL"),
    ("hl-parent-wrong-level", swap("HL*3*2*23*0", "HL*3*1*23*0"),
     "segment 33 (HL) loop 2000C: an HL of level 23 must be under level 22, not 20"),
    ("hl-unknown-level", swap("HL*3*2*23*0", "HL*3*2*19*0"),
     "segment 33 (HL) loop 2000: HL03 level code '19' is not 20, 22 or 23"),
    ("hl-duplicate-id", swap("HL*3*2*23*0", "HL*2*2*23*0"),
     "segment 33 (HL) loop 2000C: duplicate HL01 '2'"),
    ("line-without-sv1", drop("SV1*HC:87880:QW*100*UN*1*19**1:3:2"),
     "segment 30 (LX) loop 2400: service line has no SV1"),
    ("sv2-in-837p", swap("SV1*HC:87880:QW*100*UN*1*19**1:3:2", "SV2*0450**100*UN*1"),
     "segment 31 (SV2) loop 2400: SV2 (institutional service line) in an 837P"),
    ("sv1-in-837i", swap("SV2*0360**3500.00*UN*1", "SV1*HC:99213*10*UN*1", INST),
     "segment 36 (SV1) loop 2400: SV1 (professional service line) in an 837I"),
    ("procedure-code-missing", swap("SV1*HC:87880:QW*", "SV1*HC*"),
     "segment 31 (SV1) loop 2400: SV101-2 procedure code is missing"),
    ("line-charge-missing", swap("SV1*HC:87880:QW*100*", "SV1*HC:87880:QW**"),
     "segment 31 (SV1) loop 2400: SV102 line charge is missing"),
    ("pointer-not-a-number", swap("1:3:2~", "1:X:2~"),
     "segment 31 (SV1) loop 2400: SV107 is not a whole number"),
    ("impossible-service-date", swap("DTP*472*D8*20251215", "DTP*472*D8*20250230"),
     "segment 28 (DTP) loop 2400: DTP03 is not a valid D8 date"),
    ("reversed-date-range", swap("20251216-20251217", "20251217-20251216"),
     "segment 41 (DTP) loop 2400: DTP03 is a date range that ends before it starts"),
    ("unknown-date-format", swap("DTP*472*D8*20251215", "DTP*472*X9*20251215"),
     "segment 28 (DTP) loop 2400: unsupported date format qualifier 'X9'"),
    ("birth-date-is-not-echoed", swap("DMG*D8*19800115*F", "DMG*D8*19801315*F"),
     "segment 17 (DMG) loop 2010BA: DMG02 is not a valid D8 date"),
    ("claim-without-lines",
     swap("LX*1~\nSV1*HC:99213:95:GT:59:XU*80.00*UN*1.5*02**1~\n", "DTP*472*D8*20251216~\n"),
     "segment 37 (CLM) loop 2300: claim has no service lines (loop 2400)"),
    ("bad-bht04", swap("BATCH0001*20260105", "BATCH0001*20261305"),
     "segment 4 (BHT) loop HEADER: BHT04 is not a valid D8 date"),
    ("lx01-not-a-number", swap("LX*2~", "LX*B~"),
     "segment 30 (LX) loop 2400: LX01 is not a whole number"),
    ("cob-cas-amount", swap("CAS*CO*45*40.00", "CAS*CO*45*4O.00", COB),
     "segment 20 (CAS) loop 2320: CAS03 is not an X12 decimal number"),
    ("cob-amt-d", swap("AMT*D*130.00", "AMT*D*", COB),
     "segment 21 (AMT) loop 2320: AMT02 is not an X12 decimal number"),
    ("cob-line-cas-without-reason", swap("CAS*CO*45*40.00~\nCAS*PR", "CAS*CO~\nCAS*PR", COB),
     "segment 30 (CAS) loop 2430: CAS has no adjustment reason code"),
    ("cob-svd-paid", swap("SVD*MEDB01*130.00", "SVD*MEDB01*ABC", COB),
     "segment 29 (SVD) loop 2430: SVD02 is not an X12 decimal number"),
    ("cob-sbr-after-lines", swap("AMT*EAF*30.00", "SBR*T*18*******CI", COB),
     "segment 33 (SBR) loop 2430: other-payer SBR (loop 2320) after the service lines"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "message"), [pytest.param(c[1], c[2], id=c[0]) for c in ERROR_CASES]
)
def test_errors_name_segment_and_loop(make: Callable[[], str], message: str) -> None:
    assert parse_error(make()) == "p.x12: " + message


def test_a_set_that_is_not_an_837_is_refused() -> None:
    text = interchange([transaction(["BPR*I*0*C*NON"], set_id="835", version="005010X221A1")],
                       version="005010X221A1")  # fmt: skip
    (ts,) = sets_of(text)
    with pytest.raises(X12Error) as info:
        parse_837(ts, ts.delimiters, "r.x12")
    assert str(info.value) == (
        "r.x12: segment 3 (ST): transaction set '0001' is not an 837P or 837I "
        "(ST01 '835', version '005010X221A1')"
    )


def test_a_4010_claim_file_is_refused_with_a_version_message() -> None:
    body = ["BHT*0019*00*B1*20260101*1200*CH", "LX*1", "SV1*HC:99213*10*UN*1"]
    text = interchange([transaction(body, version="004010X098A1")], version="004010X098A1")
    (ts,) = sets_of(text)
    with pytest.raises(X12Error) as info:
        parse_837(ts, ts.delimiters, "old.x12")
    assert str(info.value) == (
        "old.x12: segment 3 (ST): version '004010X098A1' is not supported: cleanclaim reads "
        "5010 (00501...) 837 files only"
    )


def test_unknown_segments_are_ignored() -> None:
    text = load(PROF).replace("REF*6R*LINE0001~", "REF*6R*LINE0001~\nZZZ*1*2~\nNTE*ADD*X~")
    assert claims_of(text)[0].lines[0].line_item_control_number == "LINE0001"


# -- PHI ----------------------------------------------------------------------------------


def test_repr_never_shows_phi() -> None:
    first, second = claims_of(load(PROF))
    (cob,) = claims_of(load(COB))
    text = repr(first) + repr(second) + repr(second.patient) + repr(cob.other_payers)
    for phi in (
        "TESTPATIENT",
        "ALPHA",
        "BETA",
        "MEMBER0001",
        "1980",
        "2015",
        "PCN-000",
        "TESTMBI0004",
    ):
        assert phi not in text


# -- content hash -------------------------------------------------------------------------


def resent(text: str) -> str:
    """The same claims in a new envelope: new ISA13/GS06/ST02/BHT03, CRLF, other spellings."""
    return (
        text.replace("000000101", "000000999").replace("*101*X*", "*999*X*")
        .replace("GE*1*101", "GE*1*999").replace("ST*837*0001", "ST*837*0777")
        .replace("SE*41*0001", "SE*41*0777").replace("BATCH0001", "BATCH0999")
        .replace("*150.00*", "*150*").replace("*TESTPATIENT*ALPHA*", "*TestPatient*Alpha*")
        .replace("~\n", "~\r\n")
    )  # fmt: skip


def test_content_hash_ignores_the_envelope_and_spelling() -> None:
    before = [claim_content_hash(c) for c in claims_of(load(PROF))]
    after = [claim_content_hash(c) for c in claims_of(resent(load(PROF)))]
    assert before == after
    assert len(set(before)) == 2
    assert all(len(h) == 64 for h in before)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("HC:99214:25*", "HC:99214:59*", id="modifier"),
        pytest.param("*150.00*UN*1*", "*150.00*UN*2*", id="units"),
        pytest.param("*150.00*", "*151.00*", id="line-charge"),
        pytest.param("ABF:R509", "ABF:R519", id="diagnosis"),
        pytest.param("DTP*472*D8*20251215~\nREF", "DTP*472*D8*20251214~\nREF", id="service-date"),
        pytest.param("PI*PAYER01", "PI*PAYER09", id="payer"),
        pytest.param("MI*MEMBER0001", "MI*MEMBER0002", id="member-id"),
        pytest.param("***1:2~", "***2:1~", id="pointer-order"),
    ],
)
def test_content_hash_changes_with_business_content(old: str, new: str) -> None:
    text = load(PROF)
    assert old in text
    before = claim_content_hash(claims_of(text)[0])
    after = claim_content_hash(claims_of(text.replace(old, new, 1))[0])
    assert before != after


# -- robustness ---------------------------------------------------------------------------

_MUTATION_BYTES = st.sampled_from(list(b"*:~^\n\r\x00\xff0123456789AZ -."))


@settings(max_examples=150, derandomize=True)
@given(
    st.sampled_from([PROF, INST, COB]),
    st.lists(st.tuples(st.integers(0, 10_000), _MUTATION_BYTES, st.booleans()), max_size=6),
)
def test_damaged_files_raise_only_x12_errors(name: str, edits: list[tuple[int, int, bool]]) -> None:
    data = bytearray(load(name).encode("latin-1"))
    for where, byte, delete in edits:
        i = where % len(data)
        if delete:
            del data[i]
        else:
            data[i] = byte
    try:
        for ts in sets_of(bytes(data)):
            if ts.kind.value in ("837P", "837I"):
                for claim in parse_837(ts, ts.delimiters, "fuzz.x12"):
                    claim_content_hash(claim)
    except X12Error:
        pass
