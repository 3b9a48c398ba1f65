"""The envelope reader's working state: the interchange, group and set being read, the
first problem found in each, and the scan that picks out the segments the state machine
must see one by one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanclaim.x12._buffer import marks_pattern
from cleanclaim.x12._envelope_model import GroupSummary
from cleanclaim.x12.reader import Chunk, InterchangeInfo
from cleanclaim.x12.segments import Segment

__all__ = [
    "SEGMENT_ID",
    "VALID_IDS",
    "OpenGroup",
    "OpenInterchange",
    "OpenSet",
    "Problem",
    "find_marks",
]

SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
VALID_IDS: set[str] = set()
"""Segment ids already seen to match ``SEGMENT_ID`` (at most 26 * 37 * 37 of them)."""


def find_marks(chunk: Chunk) -> list[int]:
    """Indexes (into ``chunk.texts``) of the segments found by
    :func:`~cleanclaim.x12._buffer.marks_pattern`, then ``len(chunk.texts)``."""
    if chunk.marks is not None:
        return [*chunk.marks, len(chunk.texts)]
    term = chunk.terminator
    text = term + chunk.text()
    out: list[int] = []
    index = prev = 0
    for match in marks_pattern(chunk.element, term).finditer(text):
        at = match.start()
        index += text.count(term, prev, at)
        prev = at
        out.append(index)
    out.append(len(chunk.texts))
    return out


@dataclass
class Problem:
    reason: str | None = None
    segment: int | None = None
    segment_id: str | None = None

    def set(self, reason: str, segment: int | None, segment_id: str | None) -> None:
        if self.reason is None:  # keep the first problem
            self.reason, self.segment, self.segment_id = reason, segment, segment_id


@dataclass
class OpenSet:
    st: Segment
    texts: list[str]
    """The texts of the segments kept (positions consecutive from the ST's)."""
    dropped: int = 0
    """Segments counted but not kept (over ``max_set_segments``)."""
    problem: Problem = field(default_factory=Problem)


@dataclass
class OpenGroup:
    gs: Segment
    index: int
    sets: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    problem: Problem = field(default_factory=Problem)


@dataclass
class OpenInterchange:
    isa: Segment
    info: InterchangeInfo
    groups: list[GroupSummary] = field(default_factory=list)
    set_count: int = 0
    problem: Problem = field(default_factory=Problem)
