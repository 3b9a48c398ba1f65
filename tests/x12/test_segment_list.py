"""Sets are kept as segment texts: the segments made on demand, and both parse paths agree."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from _x12build import SIMPLE_BODY, interchange, transaction

from cleanclaim.x12.envelope import TransactionSet, iter_transaction_sets
from cleanclaim.x12.parse835 import parse_835
from cleanclaim.x12.parse837 import parse_837
from cleanclaim.x12.segments import Segment, SegmentList, raw_texts

DATA = Path(__file__).parent / "data"
DATA835 = Path(__file__).parent / "data835"


def _list() -> SegmentList:
    return SegmentList(7, ["ST*837*0001", "BHT*0019*00", "SE*3*0001"], "*")


READS: list[tuple[str, Callable[[SegmentList], object], object]] = [
    ("len", len, 3),
    ("bool", bool, True),
    ("index", lambda s: s[1], Segment(8, ("BHT", "0019", "00"))),
    ("slice", lambda s: [x.position for x in s[1:]], [8, 9]),
    ("iterate", lambda s: [x.id for x in s], ["ST", "BHT", "SE"]),
    ("reversed", lambda s: [x.position for x in reversed(s)], [9, 8, 7]),
    ("equal", lambda s: s == _list(), True),
    ("equal-reflected", lambda s: list(_list()) == s, True),
    ("contains", lambda s: Segment(9, ("SE", "3", "0001")) in s, True),
    ("tuple", lambda s: tuple(s)[-1].get(1), "3"),
    ("append", lambda s: (s.append(Segment(10, ("X",))), len(s))[1], 4),
    ("repr", lambda s: repr(s).startswith("[Segment(position=7"), True),
]


@pytest.mark.parametrize(("read", "expected"), [pytest.param(r, e, id=n) for n, r, e in READS])
def test_segment_list_makes_its_segments_on_first_use(
    read: Callable[[SegmentList], object], expected: object
) -> None:
    segments = _list()
    assert raw_texts(segments) is not None
    assert read(segments) == expected
    assert raw_texts(segments) is None  # an ordinary list from now on


def test_an_empty_segment_list_is_an_empty_list() -> None:
    assert SegmentList() == [] and raw_texts(SegmentList()) is None


def _sets(path: Path) -> list[TransactionSet]:
    return list(iter_transaction_sets(io.BytesIO(path.read_bytes())))


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.x12")))
def test_837_parses_the_same_from_texts_and_from_segments(name: str) -> None:
    for ts in _sets(DATA / name):
        assert raw_texts(ts.segments) is not None
        from_texts = parse_837(ts)
        list(ts.segments)  # make the segments: the parser now reads Segment values
        assert raw_texts(ts.segments) is None
        assert parse_837(ts) == from_texts


@pytest.mark.parametrize("name", sorted(p.name for p in DATA835.glob("*")))
def test_835_parses_the_same_from_texts_and_from_segments(name: str) -> None:
    for ts in _sets(DATA835 / name):
        if ts.id != "835":
            continue
        from_texts = parse_835(ts.segments, ts.delimiters, name)
        assert parse_835(list(ts.segments), ts.delimiters, name) == from_texts


def test_set_segments_keep_their_positions() -> None:
    text = interchange([transaction(SIMPLE_BODY, "0001"), transaction(SIMPLE_BODY, "0002")])
    second = list(iter_transaction_sets(io.BytesIO(text.encode())))[1]
    assert [s.position for s in second.segments] == [7, 8, 9, 10]
    assert second.segments[1].elements[0] == "BHT"
