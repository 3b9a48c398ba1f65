"""The streaming segment reader: delimiters, line endings, several interchanges, caps."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _x12build import interchange, isa, simple, transaction

from cleanclaim.errors import UsageError, X12Error
from cleanclaim.x12.reader import X12Reader, iter_segments
from cleanclaim.x12.segments import Delimiters, Segment

SIMPLE_IDS = ["ISA", "GS", "ST", "BHT", "NM1", "SE", "GE", "IEA"]


def read(data: str | bytes, **kw: int) -> tuple[list[Segment], X12Reader]:
    raw = data.encode("latin-1") if isinstance(data, str) else data
    reader = X12Reader(io.BytesIO(raw), path_name="in.x12", **kw)
    return list(reader), reader


def read_error(data: str | bytes, **kw: int) -> str:
    with pytest.raises(X12Error) as info:
        read(data, **kw)
    return str(info.value)


# -- delimiters and line endings --------------------------------------------------------------

DELIMITER_CASES = [
    pytest.param(dict(element="*", component=":", repetition="^", terminator="~"), "",
                 id="star-colon-caret-tilde"),
    pytest.param(dict(element="|", component=">", repetition="^", terminator="\n"), "",
                 id="pipe-gt-caret-newline-terminator"),
    pytest.param(dict(element="*", component=":", repetition="^", terminator="~"), "\r\n",
                 id="tilde-then-crlf"),
    pytest.param(dict(element="*", component=":", repetition="^", terminator="~"), "\n",
                 id="tilde-then-lf"),
    pytest.param(dict(element="*", component=":", repetition="^", terminator="\r"), "\n",
                 id="crlf-as-terminator"),
    pytest.param(dict(element="\x1d", component="\x1f", repetition="\x1e", terminator="\x1c"),
                 "", id="binary-delimiters"),
]  # fmt: skip


@pytest.mark.parametrize(("delims", "eol"), DELIMITER_CASES)
def test_delimiters_are_taken_from_the_isa(delims: dict[str, str], eol: str) -> None:
    segments, reader = read(simple(**delims, eol=eol))
    assert [s.id for s in segments] == SIMPLE_IDS
    assert [s.position for s in segments] == list(range(1, 9))
    assert segments[4].elements == ("NM1", "41", "2", "TEST SUBMITTER", "", "", "", "", "46", "S1")
    assert segments[0].get(13) == "000000001"
    info = reader.interchange
    assert info is not None and info.problem is None and info.isa_length == 106
    assert info.delimiters == Delimiters(
        element=delims["element"], component=delims["component"],
        repetition=delims["repetition"], segment=delims["terminator"],
    )  # fmt: skip


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 105, 106, 107, 4096])
def test_chunk_boundaries_do_not_change_the_result(chunk_size: int) -> None:
    text = simple(eol="\r\n") + simple("000000002", element="|", terminator="\n")
    expected, _ = read(text)
    got, _ = read(text, chunk_size=chunk_size)
    assert got == expected
    assert len(got) == 16


def test_components_and_repetitions_use_the_interchange_delimiters() -> None:
    body = ["HI*ABK:J0190*ABF:R509", "NTE*ADD*A^B"]
    text = interchange([transaction(body)], element="|", component=">", repetition="^")
    assert "HI|ABK>J0190|ABF>R509" in text
    segments, reader = read(text)
    hi = next(s for s in segments if s.id == "HI")
    assert hi.components(1, reader.delimiters) == ["ABK", "J0190"]
    nte = next(s for s in segments if s.id == "NTE")
    assert nte.repetitions(2, reader.delimiters) == ["A", "B"]


def test_repetition_separator_is_ignored_in_4010() -> None:
    text = isa(repetition="U", version="00401") + "GS*HC*A*B*20260101*1200*1*X*004010X098A1~"
    _, reader = read(text + "GE*0*1~IEA*1*000000001~")
    assert reader.delimiters.repetition == ""


def test_leading_whitespace_and_bom_are_skipped_and_recorded() -> None:
    segments, reader = read(b"\r\n  \xef\xbb\xbf\n" + simple().encode())
    assert [s.id for s in segments] == SIMPLE_IDS
    assert reader.interchanges[0].bom_stripped is True
    assert reader.interchanges[0].byte_offset == 8


def test_blank_segments_are_skipped_without_using_a_position() -> None:
    text = simple().replace("~BHT", "~~\n~BHT")
    segments, _ = read(text)
    assert [s.id for s in segments] == SIMPLE_IDS
    assert segments[3].position == 4


def test_isa_inside_element_data_does_not_start_an_interchange() -> None:
    text = interchange([transaction(["NM1*IL*1*ISA*ISAAC"])])
    segments, reader = read(text)
    assert [s.id for s in segments].count("ISA") == 1
    assert len(reader.interchanges) == 1


def test_non_ascii_bytes_never_raise_and_keep_their_offsets() -> None:
    text = simple().encode("latin-1").replace(b"TEST SUBMITTER", b"T\xe9ST\x00SUB\xff")
    segments, _ = read(text)
    assert segments[4].get(3) == "T\u00e9ST\x00SUB\u00ff"


# -- several interchanges ---------------------------------------------------------------------


@pytest.mark.parametrize("between", ["", "\n", "\r\n\r\n"], ids=["adjacent", "lf", "blank-lines"])
def test_several_interchanges_with_different_delimiters(between: str) -> None:
    first = simple("000000001")
    second = simple("000000002", element="|", component=">", terminator="\n")
    third = simple("000000003", element="^", component="\\", repetition="{", terminator="'")
    segments, reader = read(first + between + second + between + third)
    assert [s.id for s in segments] == SIMPLE_IDS * 3
    assert [s.position for s in segments] == list(range(1, 25))
    assert [(i.index, i.position, i.delimiters.element, i.delimiters.segment)
            for i in reader.interchanges] == [(1, 1, "*", "~"), (2, 9, "|", "\n"),
                                              (3, 17, "^", "'")]  # fmt: skip
    assert [s.get(13) for s in segments if s.id == "ISA"] == ["000000001", "000000002", "000000003"]


def test_new_isa_without_iea_redetects_delimiters() -> None:
    first = simple().replace("IEA*1*000000001~", "")
    second = simple("000000002", element="|", terminator="\n")
    segments, reader = read(first + second)
    assert [s.id for s in segments] == SIMPLE_IDS[:-1] + SIMPLE_IDS
    assert reader.interchanges[1].delimiters.element == "|"


def test_iter_segments_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "claims.x12"
    path.write_bytes(simple().encode())
    assert [s.id for s in iter_segments(path)] == SIMPLE_IDS


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read file"):
        list(iter_segments(tmp_path / "nope.x12"))


def test_damaged_isa_is_read_leniently_and_flagged() -> None:
    text = simple().replace("*TESTSENDER     *", "*TESTSENDER   *", 1)
    segments, reader = read(text)
    assert [s.id for s in segments] == SIMPLE_IDS
    assert reader.interchanges[0].problem == "ISA is 104 characters long, expected 106"
    assert reader.interchanges[0].delimiters == Delimiters("*", ":", "^", "~")


# -- fatal errors -----------------------------------------------------------------------------

ERROR_CASES = [
    pytest.param(b"", "in.x12: empty file: not an X12 interchange", id="empty-file"),
    pytest.param(b" \r\n\t\n", "in.x12: empty file: not an X12 interchange", id="whitespace-only"),
    pytest.param(b"Name,Code\nTEST,1\n",
                 "in.x12: not an X12 interchange: the file does not start with ISA",
                 id="csv-file"),
    pytest.param("ISA*00*".encode("utf-16"),
                 "in.x12: file is UTF-16 encoded; X12 must be single-byte text", id="utf-16"),
    pytest.param(b"ISA*00*          *00*   ~",
                 "in.x12: segment 1 (ISA): ISA is truncated or malformed: fewer than 16 "
                 "elements separated by '*'", id="truncated-isa"),
    pytest.param(simple().replace("*:~", "**~", 1).encode(),
                 "in.x12: segment 1 (ISA): unusable delimiters in ISA: element '*', "
                 "component '*', segment terminator '~'", id="equal-delimiters"),
    pytest.param(simple().replace("*:~", "*:A", 1).encode(),
                 "in.x12: segment 1 (ISA): unusable delimiters in ISA: element '*', "
                 "component ':', segment terminator 'A'", id="alphanumeric-terminator"),
    pytest.param((simple() + "TRAILER TEXT").encode(),
                 "in.x12: segment 9: expected ISA or end of file after IEA, found 'TRA'",
                 id="junk-after-iea"),
    pytest.param(simple().replace("NM1*41*2*TEST SUB", "NM1*41*2*TEST\r\nSUB").encode(),
                 "in.x12: segment 5 (NM1): line break inside a segment "
                 "(is the file hard-wrapped?)", id="hard-wrapped"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), ERROR_CASES)
def test_unreadable_input_raises_a_located_error(data: bytes, message: str) -> None:
    assert read_error(data) == message


def test_segment_longer_than_the_cap_is_an_error() -> None:
    text = simple().replace("TEST SUBMITTER", "X" * 300)
    assert read_error(text, max_segment_bytes=200) == (
        "in.x12: segment 5 (NM1): segment longer than 200 bytes (missing segment terminator '~'?)"
    )


def test_missing_terminators_hit_the_cap_not_memory() -> None:
    text = isa() + "GS*HC*A*B" + "*X" * 100_000
    assert read_error(text, max_segment_bytes=1000) == (
        "in.x12: segment 2 (GS): segment longer than 1000 bytes (missing segment terminator '~'?)"
    )


def test_error_names_the_segment_after_earlier_interchanges() -> None:
    text = simple() + simple("000000002").replace("BHT", "BH\nT")
    assert read_error(text) == (
        "in.x12: segment 12 (BH): line break inside a segment (is the file hard-wrapped?)"
    )
