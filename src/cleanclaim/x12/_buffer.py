"""The reader's building blocks: a sliding text window over a binary stream, and the
:class:`Chunk` of segment texts that the fast pass of :class:`~cleanclaim.x12.reader.X12Reader`
cuts out of it."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count, repeat
from typing import BinaryIO

from cleanclaim.x12.segments import Segment

__all__ = ["Buffer", "Chunk", "find_start", "looks_like_isa"]

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


class Chunk:
    """A run of ordinary segments from one read: their texts (trimmed, none empty), the
    position of the first, and the delimiters needed to split them."""

    __slots__ = ("element", "first", "joined", "terminator", "texts")

    def __init__(
        self, first: int, texts: list[str], element: str, terminator: str, joined: str | None
    ) -> None:
        self.first, self.texts, self.element, self.terminator = first, texts, element, terminator
        self.joined = joined
        """``terminator.join(texts)`` when it was at hand, else ``None``."""

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
