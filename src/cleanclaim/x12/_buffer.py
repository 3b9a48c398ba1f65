"""The reader's building blocks: a sliding text window over a binary stream, and the
:class:`Chunk` of segment texts that the fast pass of :class:`~cleanclaim.x12.reader.X12Reader`
cuts out of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import count, repeat
from typing import BinaryIO

from cleanclaim.x12.segments import Segment

__all__ = [
    "Buffer",
    "Chunk",
    "find_ends",
    "find_start",
    "has_longer",
    "looks_like_isa",
    "marks_pattern",
    "scan_chunk",
    "segment_stop",
]

_new_tuple = tuple.__new__


def find_start(joined: str, term: str, prefix: str, test: Callable[[str], bool]) -> int:
    """Index of the first segment of ``joined`` (segments joined by ``term``) that starts
    with ``prefix`` and passes ``test``, or a number past the end."""
    at = 0 if joined.startswith(prefix) else joined.find(term + prefix)
    while at >= 0:
        start = at + 1 if joined[at] == term else at
        end = joined.find(term, start)
        if test(joined[start:] if end < 0 else joined[start:end]):
            return joined.count(term, 0, start)
        at = joined.find(term + prefix, start)
    return len(joined) + 1


def looks_like_isa(text: str) -> bool:
    return text.startswith("ISA") and (len(text) == 3 or not text[3].isalnum())


def has_longer(body: str, term: str, limit: int) -> bool:
    """Whether a segment of ``body`` (segments joined by ``term``) is longer than ``limit``.

    Looks for a terminator in each window of ``limit + 1`` characters, jumping from the last
    one found: a few look-ups per chunk, not one per segment."""
    start, end = 0, len(body)
    while end - start > limit:
        at = body.rfind(term, start, start + limit + 1)
        if at < 0:
            return True
        start = at + 1
    return False


@lru_cache(maxsize=64)
def marks_pattern(element: str, terminator: str, isa: bool = False) -> re.Pattern[str]:
    """Finds, in segments joined by ``terminator`` with one in front, the start of every
    segment that the envelope state machine must see one by one: ST, SE, GE, IEA, and a
    malformed id (not a letter and one or two letters or digits, then ``element``, the
    terminator or the end). With ``isa`` (the reader's scan), also every segment that starts
    with ``ISA`` and every terminator that follows a space.

    The id's letters and digits are matched possessively: the element separator and the
    terminator are never letters or digits, so giving some back could not make it match.
    """
    sep, term = re.escape(element), re.escape(terminator)
    end = f"(?:{sep}|{term}|\\Z)"
    spaced, extra = (f"(?<= {term})|", "|ISA") if isa else ("", "")
    return re.compile(
        f"{term}(?:{spaced}(?![A-Z][A-Z0-9]{{1,2}}+{end})|(?:S[TE]|GE|IEA){end}{extra})"
    )


def segment_stop(
    body: str, pieces: list[str], joined: str, term: str, limit: int, breaks: str
) -> int:
    """Number of segments (``pieces`` of ``body``; ``joined`` once trimmed) before the first
    that is longer than ``limit`` or holds one of the line ``breaks``."""
    stop = len(pieces)
    if has_longer(body, term, limit):
        stop = next((i for i, p in enumerate(pieces) if len(p) > limit), stop)
    for ch in breaks:
        at = joined.find(ch)
        if at >= 0:
            stop = min(stop, joined.count(term, 0, at))
    return stop


_BARE_MARKS = frozenset({"ST", "SE", "GE"})


def scan_chunk(
    joined: str, stop: int, sep: str, term: str, untrimmed: bool
) -> tuple[int, bool, list[int] | None] | None:
    """Where the reader's fast pass ends (before the first ISA, after the first IEA, at
    ``stop`` at the latest), whether the interchange is still open, and the envelope's
    marks (:func:`marks_pattern`) before that, in one regex scan of ``joined``.

    ``None`` when the scan cannot tell: a bare ST, SE or GE (their match takes the next
    terminator with it, so the segment after them is not looked at) or, for ``untrimmed``
    text, a space next to a terminator (the segments must be trimmed first).
    """
    marks: list[int] = []
    scan = term + joined
    index = prev = 0
    for match in marks_pattern(sep, term, True).finditer(scan):
        at = match.start()
        if untrimmed and scan[at - 1 : at] == " ":
            return None
        index += scan.count(term, prev, at)
        prev = at
        if index >= stop:
            break
        end = scan.find(term, at + 1)
        seg = scan[at + 1 :] if end < 0 else scan[at + 1 : end]
        if untrimmed and seg[:1] == " ":
            return None
        if looks_like_isa(seg):
            return index, True, marks
        marks.append(index)
        if seg[:3] == "IEA" and (len(seg) == 3 or seg[3] == sep):
            if untrimmed and seg[-1:] == " ":
                return None
            return index + 1, False, marks
        if seg in _BARE_MARKS:
            return None
    return stop, True, marks


def find_ends(joined: str, stop: int, sep: str, term: str) -> tuple[int, bool, None]:
    """As :func:`scan_chunk`, without the marks, for the text it cannot read."""
    stop = min(stop, find_start(joined, term, "ISA", looks_like_isa))
    iea = find_start(joined, term, "IEA", lambda s: s == "IEA" or s[3] == sep)
    if iea < stop:
        return iea + 1, False, None
    return stop, True, None


class Chunk:
    """A run of ordinary segments from one read: their texts (trimmed, none empty), the
    position of the first, and the delimiters needed to split them."""

    __slots__ = ("element", "first", "joined", "marks", "terminator", "texts")

    def __init__(
        self,
        first: int,
        texts: list[str],
        element: str,
        terminator: str,
        joined: str | None,
        marks: list[int] | None = None,
    ) -> None:
        self.first, self.texts, self.element, self.terminator = first, texts, element, terminator
        self.joined = joined
        """``terminator.join(texts)`` when it was at hand, else ``None``."""
        self.marks = marks
        """Indexes of the texts that :func:`marks_pattern` finds, in order, when the reader
        found them already, else ``None``."""

    def text(self) -> str:
        """The segment texts joined by the segment terminator."""
        if self.joined is None:
            self.joined = self.terminator.join(self.texts)
        return self.joined

    def segments(self) -> list[Segment]:
        """The segments as :class:`Segment` values."""
        elements = map(tuple, map(str.split, self.texts, repeat(self.element)))
        return list(map(_new_tuple, repeat(Segment), zip(count(self.first), elements)))


class Buffer:
    """A sliding latin-1 window over a binary stream."""

    def __init__(self, fh: BinaryIO, chunk_size: int) -> None:
        self._fh = fh
        self._chunk_size = chunk_size
        self.text = ""
        self.pos = 0
        self.offset = 0  # file offset of text[0]
        self.eof = False

    def read_more(self) -> bool:
        """Append one more chunk; false at end of file."""
        return self._read()

    def _read(self) -> bool:
        if self.eof:
            return False
        data = self._fh.read(self._chunk_size)
        if not data:
            self.eof = True
            return False
        if self.pos:
            self.text = self.text[self.pos :]
            self.offset += self.pos
            self.pos = 0
        self.text += data.decode("latin-1")
        return True

    @property
    def byte_offset(self) -> int:
        return self.offset + self.pos

    def available(self) -> int:
        return len(self.text) - self.pos

    def ensure(self, n: int) -> bool:
        """Make ``n`` characters available from ``pos`` if the stream has them."""
        while self.available() < n:
            if not self._read():
                return False
        return True

    def peek(self, n: int) -> str:
        self.ensure(n)
        return self.text[self.pos : self.pos + n]

    def skip(self, chars: str) -> None:
        """Advance past any run of ``chars``."""
        while True:
            text, i = self.text, self.pos
            end = len(text)
            while i < end and text[i] in chars:
                i += 1
            self.pos = i
            if i < end or not self._read():
                return

    def take(self, n: int) -> str:
        self.ensure(n)
        out = self.text[self.pos : self.pos + n]
        self.pos += len(out)
        return out

    def read_until(self, terminator: str, limit: int) -> tuple[str, bool] | None:
        """Text up to ``terminator`` (consumed, not returned) and whether it was found.

        Returns ``None`` when more than ``limit`` characters precede the terminator.
        At end of file the rest is returned with ``False``.
        """
        scanned = 0
        while True:
            i = self.text.find(terminator, self.pos + scanned)
            if i >= 0:
                if i - self.pos > limit:
                    return None
                out = self.text[self.pos : i]
                self.pos = i + 1
                return out, True
            scanned = len(self.text) - self.pos
            if scanned > limit:
                return None
            if not self._read():
                out = self.text[self.pos :]
                self.pos = len(self.text)
                return out, False
