"""The streaming X12 segment reader.

:func:`iter_segments` turns a file (or binary stream) into :class:`Segment` values, reading
in chunks so that a 1 GB file is never held whole. The delimiters are taken from each ISA
by position (element separator at offset 3, repetition separator ISA11 at offset 82,
component separator ISA16 at offset 104, segment terminator at offset 105) and re-detected
at every ISA, so several interchanges with different delimiters can share one file.

The bytes are decoded as latin-1: one byte is one character, no byte can raise, and
offsets stay exact. Validating the character set is left to the layers above.

Tolerated: a newline as the segment terminator; CR/LF after each terminator; blank
segments; leading whitespace and a UTF-8 byte-order mark before an ISA (recorded on
:class:`InterchangeInfo`); an ISA whose fixed-width fields are padded wrongly (delimiters are
then found by counting elements, and :attr:`InterchangeInfo.problem` says so, which makes
the envelope layer mark the whole interchange bad).

Fatal (:class:`~cleanclaim.errors.X12Error`): an empty or non-X12 file, a segment longer
than ``max_segment_bytes``, a line break inside a segment (a hard-wrapped file), unusable
delimiters, and anything other than an ISA after an IEA.

Use :class:`X12Reader` when you need to know the delimiters of the interchange a segment
belongs to: :attr:`X12Reader.interchange` is updated *before* each ISA segment is yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

from cleanclaim.errors import UsageError, X12Error
from cleanclaim.x12._buffer import Buffer, Chunk, find_ends, scan_chunk, segment_stop
from cleanclaim.x12.segments import Delimiters, Segment, make_segment

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_SEGMENT_BYTES",
    "ISA_LENGTH",
    "Chunk",
    "InterchangeInfo",
    "X12Reader",
    "iter_segments",
]

DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024
"""Longest segment accepted (terminator excluded). Real segments are far shorter."""
DEFAULT_CHUNK_SIZE = 256 * 1024
ISA_LENGTH = 106
"""Length of an ISA segment, terminator included."""

# Offsets of the 16 element separators in a well-formed ISA (fixed-width fields).
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_ISA_SEP_OFFSETS: tuple[int, ...] = tuple(
    3 + sum(_ISA_WIDTHS[:i]) + i for i in range(len(_ISA_WIDTHS))
)
_LENIENT_ISA_WINDOW = 512
_BOM = "\xef\xbb\xbf"  # UTF-8 byte-order mark, decoded as latin-1
_SPACE = " \t\r\n"
_LINE_BREAKS = "\r\n"
_FAST_MIN = 4096
"""Read another chunk before a fast pass that would see fewer complete characters than this."""


@dataclass(frozen=True, slots=True)
class InterchangeInfo:
    """What the reader learnt from one ISA."""

    index: int
    """1-based number of the interchange in the file."""
    position: int
    """Segment position of the ISA."""
    byte_offset: int
    """Byte offset of the ``I`` of ``ISA`` in the file."""
    delimiters: Delimiters
    """The delimiters of this interchange. ``repetition`` is ``""`` when ISA11 is not one."""
    isa_length: int
    """Length of the ISA as read, terminator included (106 when well formed)."""
    problem: str | None = None
    """Why the ISA is damaged (the interchange must then be treated as bad), or ``None``."""
    bom_stripped: bool = False
    """A UTF-8 byte-order mark preceded this ISA and was skipped."""


class X12Reader:
    """Iterate over the segments of an X12 file, one interchange after another.

    Iterating twice re-reads a :class:`~pathlib.Path` source; a stream source can be read once.
    """

    def __init__(
        self,
        source: Path | BinaryIO,
        *,
        max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES,
        path_name: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self._source = source
        self.max_segment_bytes = max_segment_bytes
        self.chunk_size = max(chunk_size, 1)
        if path_name is None:
            path_name = (
                str(source)
                if isinstance(source, Path)
                else str(getattr(source, "name", "<stream>"))
            )
        self.path_name = path_name
        self._skip = self._strip = self._breaks = self._element = self._terminator = ""
        self.interchange: InterchangeInfo | None = None
        """The interchange being read (set before its ISA segment is yielded)."""
        self.interchanges: list[InterchangeInfo] = []
        """Every interchange met so far, in order."""

    @property
    def delimiters(self) -> Delimiters:
        """Delimiters of the current interchange (the X12 defaults before the first ISA)."""
        return self.interchange.delimiters if self.interchange else Delimiters()

    def __iter__(self) -> Iterator[Segment]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[Segment]]:
        """The segments in lists (one list per chunk read, roughly), for fast consumers.

        An ISA is always the first segment of its list, and :attr:`interchange` is updated
        before that list is yielded. A fatal error is raised only after every segment before
        it has been yielded.
        """
        for batch in self.raw_batches():
            if isinstance(batch, Chunk):
                yield batch.segments()
            else:
                yield batch

    def raw_batches(self) -> Iterator[list[Segment] | Chunk]:
        """As :meth:`batches`, but runs of ordinary segments come as :class:`Chunk` values
        (segment texts, not yet split into elements), which cost far less to make."""
        if isinstance(self._source, Path):
            try:
                fh = self._source.open("rb")
            except OSError as exc:
                raise UsageError(f"{self.path_name}: cannot read file: {exc.strerror}") from None
            with fh:
                yield from self._batches(fh)
        else:
            yield from self._batches(self._source)

    # -- internals -------------------------------------------------------------------------

    def _error(
        self, reason: str, position: int | None = None, segment_id: str | None = None
    ) -> X12Error:
        return X12Error(self.path_name, reason, segment=position, segment_id=segment_id)

    def _batches(self, fh: BinaryIO) -> Iterator[list[Segment] | Chunk]:
        buf = Buffer(fh, self.chunk_size)
        position = 0
        in_interchange = False
        started = False
        while True:
            if in_interchange:
                chunk, in_interchange = self._fast(buf, position)
                if chunk is not None:
                    position += len(chunk.texts)
                    yield chunk
                    if not in_interchange:  # the chunk ended with an IEA
                        continue
            # The slow path: one segment, whatever it is (an ISA, damage, the end of the
            # file, a segment cut by the end of the buffer).
            bom = False
            if not in_interchange:
                buf.skip(_SPACE)
                if buf.peek(3) == _BOM:
                    buf.take(3)
                    bom = True
                    buf.skip(_SPACE)
            else:
                buf.skip(self._skip)
            head = buf.peek(4)
            if not head:
                if not started:
                    raise self._error("empty file: not an X12 interchange")
                return
            if head[:3] == "ISA" and len(head) == 4 and not head[3].isalnum():
                position += 1
                isa = self._read_isa(buf, position, bom)
                started = True
                in_interchange = True
                yield [isa]
                continue
            if not started:
                if head[:2] in ("\xff\xfe", "\xfe\xff"):
                    raise self._error("file is UTF-16 encoded; X12 must be single-byte text")
                raise self._error("not an X12 interchange: the file does not start with ISA")
            if not in_interchange:
                raise self._error(
                    f"expected ISA or end of file after IEA, found {_show_id(head)!r}",
                    position + 1,
                )
            seg = self._read_segment(buf, position + 1)
            if seg is None:
                continue
            position += 1
            if seg[1][0] == "IEA":
                in_interchange = False
            yield [seg]

    def _fast(self, buf: Buffer, position: int) -> tuple[Chunk | None, bool]:
        """Every ordinary segment that lies whole in the buffer, cut out in one go.

        Stops before the first segment that needs the slow path (an ISA, an overlong
        segment, a line break inside a segment) and after an IEA. Returns the segments (or
        ``None``) and whether the interchange is still open. The work per segment is done
        by C-level string methods; Python code runs per chunk.
        """
        term, text, pos = self._terminator, buf.text, buf.pos
        last = text.rfind(term, pos)
        if last - pos < _FAST_MIN and not buf.eof and buf.read_more():
            text, pos = buf.text, buf.pos
            last = text.rfind(term, pos)
        if last < pos:
            return None, True
        body = text[pos:last]
        pieces = body.split(term)
        strip = self._strip
        found: tuple[int, bool, list[int] | None] | None = None
        if body[-1:] not in strip and not any(ch in body for ch in strip if ch != " "):
            # Nothing to trim, unless a space lies next to a terminator: the scan sees that.
            segs, joined = pieces, body
            stop = segment_stop(body, pieces, joined, term, self.max_segment_bytes, self._breaks)
            found = scan_chunk(joined, stop, self._element, term, True)
        if found is None:
            segs = list(map(str.strip, pieces, repeat(strip)))
            # ``str.strip`` returns the very string when there is nothing to trim
            joined = body if segs == pieces else term.join(segs)
            stop = segment_stop(body, pieces, joined, term, self.max_segment_bytes, self._breaks)
            found = scan_chunk(joined, stop, self._element, term, False) or find_ends(
                joined, stop, self._element, term
            )
        stop, still_open, marks = found
        kept: str | None = joined
        if stop == len(segs):
            buf.pos = last + 1
        else:
            buf.pos = pos + sum(map(len, pieces[:stop])) + stop
            segs = segs[:stop]
            kept = None
        if "" in segs:
            segs = [s for s in segs if s]
            kept = marks = None
        if not segs:
            return None, still_open
        return Chunk(position + 1, segs, self._element, term, kept, marks), still_open

    def _read_segment(self, buf: Buffer, position: int) -> Segment | None:
        d = self.delimiters
        got = buf.read_until(d.segment, self.max_segment_bytes)
        if got is None:
            partial = buf.peek(4)
            raise self._error(
                f"segment longer than {self.max_segment_bytes} bytes "
                f"(missing segment terminator {d.segment!r}?)",
                position,
                _segment_id(partial),
            )
        text = got[0].strip(self._strip)
        return self._make(text, position) if text else None

    def _make(self, text: str, position: int) -> Segment:
        breaks = self._breaks  # zero, one or two characters
        if breaks and (breaks[0] in text or breaks[-1] in text):
            raise self._error(
                "line break inside a segment (is the file hard-wrapped?)",
                position,
                _segment_id(text),
            )
        return make_segment(position, tuple(text.split(self._element)))

    def _read_isa(self, buf: Buffer, position: int, bom: bool) -> Segment:
        byte_offset = buf.byte_offset
        text = buf.peek(ISA_LENGTH)
        sep = text[3]
        problem: str | None = None
        if len(text) == ISA_LENGTH and all(text[o] == sep for o in _ISA_SEP_OFFSETS):
            length = ISA_LENGTH
        else:
            window = buf.peek(_LENIENT_ISA_WINDOW)
            idx = 3
            for _ in range(15):
                idx = window.find(sep, idx + 1)
                if idx < 0:
                    break
            if idx < 0 or idx + 2 >= len(window):
                raise self._error(
                    f"ISA is truncated or malformed: fewer than 16 elements separated by {sep!r}",
                    position,
                    "ISA",
                )
            length = idx + 3
            text = window[:length]
            if length != ISA_LENGTH:
                problem = f"ISA is {length} characters long, expected {ISA_LENGTH}"
            else:
                problem = "ISA fields do not have their fixed widths"
        component, terminator = text[length - 2], text[length - 1]
        body = text[: length - 1]
        elements = tuple(body.split(sep))
        repetition = elements[11] if len(elements) > 11 else ""
        version = elements[12] if len(elements) > 12 else ""
        core = (sep, component, terminator)
        if (
            len(set(core)) != 3
            or any(ch.isalnum() or ch == " " for ch in core)
            or sep in _LINE_BREAKS
            or component in _LINE_BREAKS
        ):
            raise self._error(
                f"unusable delimiters in ISA: element {sep!r}, component {component!r}, "
                f"segment terminator {terminator!r}",
                position,
                "ISA",
            )
        if (
            len(repetition) != 1
            or repetition.isalnum()
            or repetition in core
            or repetition in _SPACE
            or version < "00402"
        ):
            repetition = ""
        buf.take(length)
        info = InterchangeInfo(
            index=len(self.interchanges) + 1,
            position=position,
            byte_offset=byte_offset,
            delimiters=Delimiters(
                element=sep, component=component, repetition=repetition, segment=terminator
            ),
            isa_length=length,
            problem=problem,
            bom_stripped=bom,
        )
        self.interchange = info
        self.interchanges.append(info)
        used = (sep, component, repetition, terminator)
        # Whitespace that is not a delimiter: skipped between segments, trimmed off their ends;
        # a line break left inside a segment means the file was hard-wrapped.
        self._skip = "".join(ch for ch in _SPACE if ch not in used)
        self._strip = "".join(ch for ch in _SPACE if ch not in (sep, terminator))
        self._breaks = "".join(ch for ch in _LINE_BREAKS if ch not in (sep, terminator))
        self._element, self._terminator = sep, terminator
        return make_segment(position, elements)


def _show_id(text: str) -> str:
    """A short, printable prefix of ``text`` for error messages (never element data)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:3])


def _segment_id(text: str) -> str | None:
    """The segment id at the start of ``text``: its leading letters and digits (at most 3)."""
    out = ""
    for ch in text[:3]:
        if not (ch.isascii() and ch.isalnum()):
            break
        out += ch
    return out or None


def iter_segments(
    source: Path | BinaryIO,
    *,
    max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES,
    path_name: str | None = None,
) -> Iterator[Segment]:
    """Stream the segments of an X12 file. See :class:`X12Reader` for the delimiters."""
    yield from X12Reader(source, max_segment_bytes=max_segment_bytes, path_name=path_name)
