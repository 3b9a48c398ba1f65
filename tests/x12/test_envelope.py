"""Envelope checks: which damage makes a set, a group or a whole interchange bad."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from _x12build import (
    SIMPLE_BODY,
    envelope,
    interchange,
    load,
    sets_of,
    simple,
    summaries_of,
    transaction,
)

from cleanclaim.x12.envelope import (
    EnvelopeReader,
    InterchangeSummary,
    TransactionKind,
    TransactionSet,
    iter_transaction_sets,
)

# Two sets in one group. Positions: ISA 1, GS 2, ST 3, BHT 4, NM1 5, SE 6, ST 7, BHT 8,
# NM1 9, SE 10, GE 11, IEA 12.
TWO_SETS = interchange([transaction(SIMPLE_BODY, "0001"), transaction(SIMPLE_BODY, "0002")])


def test_a_sound_interchange() -> None:
    items = envelope(TWO_SETS)
    assert [type(x).__name__ for x in items] == [
        "TransactionSet", "TransactionSet", "InterchangeSummary"]  # fmt: skip
    first, second, summary = items
    assert isinstance(first, TransactionSet) and isinstance(second, TransactionSet)
    assert isinstance(summary, InterchangeSummary)
    assert (first.control_number, first.id, first.implementation, first.kind) == (
        "0001", "837", "005010X222A1", TransactionKind.PROFESSIONAL_837)  # fmt: skip
    assert [s.id for s in first.segments] == ["ST", "BHT", "NM1", "SE"]
    assert (first.position, second.position) == (3, 7)
    assert (first.interchange_control, first.group_control, first.group_index) == (
        "000000001", "1", 1)  # fmt: skip
    assert (first.interchange_sender, first.interchange_receiver) == ("TESTSENDER", "TESTRECEIVER")
    assert (first.group_sender, first.usage_indicator) == ("TESTSENDER", "T")
    assert first.ok and second.ok and summary.ok
    assert (summary.control_number, summary.position, summary.end_position) == ("000000001", 1, 12)
    assert summary.set_count == 2
    assert summary.groups[0].set_controls == ("0001", "0002")
    assert summary.accepts(first) and summary.accepts(second)


def drop(segment: str) -> Callable[[str], str]:
    return lambda text: text.replace(segment + "~", "", 1)


def swap(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def cut_before(segment: str) -> Callable[[str], str]:
    return lambda text: text[: text.index(segment)]


# (id, change, [(ST02, set error, error segment)], [group errors], interchange error)
SET_CASES = [
    ("se-count-wrong", swap("SE*4*0001", "SE*5*0001"),
     [("0001", "SE01 segment count is '5' but the transaction set has 4 segments", 6),
      ("0002", None, None)], [None], None),
    ("se02-not-st02", swap("SE*4*0001", "SE*4*0009"),
     [("0001", "SE02 control number '0009' does not match ST02 '0001'", 6),
      ("0002", None, None)], [None], None),
    ("missing-se-before-next-st", drop("SE*4*0001"),
     [("0001", "missing SE before the next ST", 6), ("0002", None, None)], [None], None),
    ("missing-se-before-ge", drop("SE*4*0002"),
     [("0001", None, None), ("0002", "missing SE before GE", 10)], [None], None),
    ("duplicate-st02", lambda t: t.replace("*0002", "*0001"),
     [("0001", None, None), ("0001", "duplicate ST02 '0001' in the functional group", 7)],
     [None], None),
    ("st03-not-gs08", swap("ST*837*0002*005010X222A1", "ST*837*0002*005010X223A2"),
     [("0001", None, None), ("0002", "ST03 '005010X223A2' does not match GS08 '005010X222A1'", 7)],
     [None], None),
    ("malformed-segment-id", swap("NM1*41", "n!1*41"),
     [("0001", "malformed segment id 'n!1'", 5), ("0002", None, None)], [None], None),
    ("ge-count-wrong", swap("GE*2*1", "GE*3*1"),
     [("0001", None, None), ("0002", None, None)],
     ["GE01 transaction set count is '3' but the group has 2"], None),
    ("ge02-not-gs06", swap("GE*2*1", "GE*2*7"),
     [("0001", None, None), ("0002", None, None)],
     ["GE02 control number '7' does not match GS06 '1'"], None),
    ("missing-ge", drop("GE*2*1"),
     [("0001", None, None), ("0002", None, None)], ["missing GE before IEA"], None),
    ("segment-between-sets", swap("SE*4*0001~", "SE*4*0001~NTE*ADD*STRAY~"),
     [("0001", None, None), ("0002", None, None)], ["segment 'NTE' outside a transaction set"],
     None),
    ("iea-count-wrong", swap("IEA*1*", "IEA*2*"),
     [("0001", None, None), ("0002", None, None)], [None],
     "IEA01 group count is '2' but the interchange has 1"),
    ("iea02-not-isa13", swap("IEA*1*000000001", "IEA*1*000000009"),
     [("0001", None, None), ("0002", None, None)], [None],
     "IEA02 control number '000000009' does not match ISA13 '000000001'"),
    ("missing-iea", drop("IEA*1*000000001"),
     [("0001", None, None), ("0002", None, None)], [None],
     "missing IEA at end of file (file truncated?)"),
    ("truncated-inside-a-set", cut_before("NM1*41*2*TEST SUBMITTER*****46*S1~SE*4*0002"),
     [("0001", None, None), ("0002", "missing SE at end of file", None)],
     ["missing GE at end of file"], "missing IEA at end of file (file truncated?)"),
    ("damaged-isa", swap("*TESTRECEIVER   *", "*TESTRECEIVER*"),
     [("0001", None, None), ("0002", None, None)], [None],
     "ISA is 103 characters long, expected 106"),
    ("segment-before-gs", swap("~GS*", "~NTE*ADD*STRAY~GS*"),
     [("0001", None, None), ("0002", None, None)], [None],
     "segment 'NTE' outside a functional group"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "sets", "groups", "interchange_error"),
    [pytest.param(*case[1:], id=case[0]) for case in SET_CASES],
)
def test_damage_is_assigned_to_the_right_level(
    change: Callable[[str], str],
    sets: list[tuple[str, str | None, int | None]],
    groups: list[str | None],
    interchange_error: str | None,
) -> None:
    items = envelope(change(TWO_SETS))
    got_sets = [x for x in items if isinstance(x, TransactionSet)]
    (summary,) = [x for x in items if isinstance(x, InterchangeSummary)]
    assert [(s.control_number, s.error, s.error_segment) for s in got_sets] == sets
    assert [g.error for g in summary.groups] == groups
    assert summary.error == interchange_error
    for ts in got_sets:
        expected = ts.error is None and groups[0] is None and interchange_error is None
        assert summary.accepts(ts) is expected


def test_a_bad_set_is_quarantined_and_the_next_one_commits() -> None:
    items = envelope(swap("SE*4*0001", "SE*5*0001")(TWO_SETS))
    first, second, summary = items
    assert isinstance(summary, InterchangeSummary)
    assert isinstance(first, TransactionSet) and isinstance(second, TransactionSet)
    assert summary.ok
    assert summary.reason_for(first) == (
        "SE01 segment count is '5' but the transaction set has 4 segments"
    )
    assert summary.reason_for(second) is None
    assert str(first.to_error("in.x12")) == (
        "in.x12: segment 6 (SE): SE01 segment count is '5' but the transaction set has 4 segments"
    )


def test_a_damaged_envelope_quarantines_every_set() -> None:
    items = envelope(swap("IEA*1*", "IEA*2*")(TWO_SETS))
    summary = items[-1]
    assert isinstance(summary, InterchangeSummary) and not summary.ok
    reasons = {summary.reason_for(ts) for ts in items if isinstance(ts, TransactionSet)}
    assert reasons == {"interchange 000000001: IEA01 group count is '2' but the interchange has 1"}
    assert str(summary.to_error("in.x12")) == (
        "in.x12: segment 12 (IEA): IEA01 group count is '2' but the interchange has 1"
    )


def test_a_group_error_quarantines_the_group() -> None:
    items = envelope(swap("GE*2*1", "GE*3*1")(TWO_SETS))
    summary = items[-1]
    assert isinstance(summary, InterchangeSummary)
    assert summary.reason_for(items[0]) == (  # type: ignore[arg-type]
        "functional group 1: GE01 transaction set count is '3' but the group has 2"
    )


def test_each_interchange_gets_its_own_summary() -> None:
    bad = simple("000000001").replace("IEA*1*000000001", "IEA*1*000000002")
    good = simple("000000002", element="|", terminator="\n")
    missing_iea = simple("000000003").replace("IEA*1*000000003~", "")
    items = envelope(bad + good + missing_iea)
    assert [type(x).__name__[0] for x in items] == ["T", "I", "T", "I", "T", "I"]
    summaries = [x for x in items if isinstance(x, InterchangeSummary)]
    assert [(s.index, s.control_number, s.error, s.delimiters.element) for s in summaries] == [
        (1, "000000001", "IEA02 control number '000000002' does not match ISA13 '000000001'",
         "*"),
        (2, "000000002", None, "|"),
        (3, "000000003", "missing IEA at end of file (file truncated?)", "*"),
    ]  # fmt: skip
    sets = [x for x in items if isinstance(x, TransactionSet)]
    assert [s.interchange_index for s in sets] == [1, 2, 3]
    assert sets[1].delimiters.element == "|"


def test_missing_iea_before_the_next_isa() -> None:
    first = simple("000000001").replace("IEA*1*000000001~", "")
    summaries = summaries_of(first + simple("000000002"))
    assert [(s.error, s.error_segment) for s in summaries] == [
        ("missing IEA before the next ISA", 8), (None, None)]  # fmt: skip


def test_ta1_between_isa_and_gs_is_accepted() -> None:
    text = simple().replace("~GS*", "~TA1*000000005*260101*1200*A*000~GS*", 1)
    (summary,) = summaries_of(text)
    assert summary.ok


def test_set_size_cap_marks_the_set_bad() -> None:
    body = [f"NTE*ADD*LINE{i}" for i in range(20)]
    reader = EnvelopeReader(
        io.BytesIO(interchange([transaction(body)]).encode()), max_set_segments=10
    )
    (ts,) = list(reader.transaction_sets())
    assert len(ts.segments) == 10
    assert (ts.error, ts.error_segment) == ("transaction set has more than 10 segments", 13)
    assert reader.interchanges[0].ok


KIND_CASES = [
    ("837", "005010X222A1", [], TransactionKind.PROFESSIONAL_837),
    ("837", "005010X223A2", [], TransactionKind.INSTITUTIONAL_837),
    ("837", "005010X224A2", [], TransactionKind.OTHER),
    ("837", "005010", ["LX*1", "SV1*HC:99213*10*UN*1"], TransactionKind.PROFESSIONAL_837),
    ("837", "005010", ["LX*1", "SV2*0450**10*UN*1"], TransactionKind.INSTITUTIONAL_837),
    ("837", "005010", [], TransactionKind.OTHER),
    ("835", "005010X221A1", [], TransactionKind.REMITTANCE_835),
    ("999", "005010X231A1", [], TransactionKind.ACK_999),
    ("277", "005010X214", [], TransactionKind.CLAIM_ACK_277CA),
    ("277", "005010X212", [], TransactionKind.OTHER),
    ("276", "005010X212", [], TransactionKind.OTHER),
    ("270", "005010X279A1", [], TransactionKind.OTHER),
    ("271", "005010X279A1", [], TransactionKind.OTHER),
    ("834", "005010X220A1", [], TransactionKind.OTHER),
    ("820", "005010X218", [], TransactionKind.OTHER),
]


@pytest.mark.parametrize(
    ("st01", "version", "body", "kind"),
    [pytest.param(*c, id=f"{c[0]}-{c[1]}{'-' + c[2][-1][:3] if c[2] else ''}") for c in KIND_CASES],
)
def test_kind_detection(st01: str, version: str, body: list[str], kind: TransactionKind) -> None:
    text = interchange([transaction(body, set_id=st01, version=version)], version=version)
    (ts,) = sets_of(text)
    assert ts.kind is kind
    assert ts.kind.skipped is (kind is TransactionKind.OTHER)


def test_implementation_falls_back_to_gs08() -> None:
    text = interchange([["ST*837*0001", *SIMPLE_BODY, "SE*4*0001"]], version="005010X223A2")
    (ts,) = sets_of(text)
    assert (ts.implementation, ts.kind, ts.error) == (
        "005010X223A2", TransactionKind.INSTITUTIONAL_837, None)  # fmt: skip


@pytest.mark.parametrize(
    "name", ["837p_two_claims.x12", "837i_inpatient.x12", "837p_cob_secondary.x12"]
)
def test_data_files_have_sound_envelopes(name: str) -> None:
    items = envelope(load(name))
    assert all(x.ok for x in items)
    assert len(items) == 2


def test_iter_transaction_sets_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "two.x12"
    path.write_text(TWO_SETS, encoding="latin-1")
    assert [ts.control_number for ts in iter_transaction_sets(path)] == ["0001", "0002"]
