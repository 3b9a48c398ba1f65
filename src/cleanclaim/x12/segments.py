"""The lowest X12 layer: delimiters and segments with their positions.

Every parser above this layer sees segments as :class:`Segment` values, each carrying its
1-based position in the file, so that an error can say ``path: segment N (ID) loop L``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

__all__ = ["Delimiters", "Segment", "SegmentList", "make_segment", "raw_texts"]


@dataclass(frozen=True)
class Delimiters:
    """The four X12 separators, taken from the ISA by position."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


class Segment(tuple[int, tuple[str, ...]]):
    """One segment: its id, its elements (element 0 is the id) and its position in the file.

    Immutable and hashable. It is a ``(position, elements)`` pair underneath, so that the
    reader can build millions of them cheaply; use the attributes, not the indexes.
    """

    __slots__ = ()
    __match_args__ = ("position", "elements")

    def __new__(cls, position: int, elements: tuple[str, ...]) -> Segment:
        return tuple.__new__(cls, (position, elements))

    if TYPE_CHECKING:

        @property
        def position(self) -> int:
            """1-based position of the segment in the file."""
            return self[0]

        @property
        def elements(self) -> tuple[str, ...]:
            """The elements; element 0 is the segment id."""
            return self[1]

    else:
        position = property(itemgetter(0), doc="1-based position of the segment in the file.")
        elements = property(itemgetter(1), doc="The elements; element 0 is the segment id.")

    def __repr__(self) -> str:
        return f"Segment(position={self[0]!r}, elements={self[1]!r})"

    def __getnewargs__(self) -> tuple[int, tuple[str, ...]]:
        return (self[0], self[1])

    @property
    def id(self) -> str:
        """The segment id (``CLM``, ``SV1``...)."""
        elements = self[1]
        return elements[0] if elements else ""

    def get(self, index: int, default: str = "") -> str:
        """Element ``index`` (1-based, as in the implementation guides), or ``default``."""
        elements = self[1]
        if index < len(elements):
            return elements[index]
        return default

    def components(self, index: int, delimiters: Delimiters) -> list[str]:
        """Element ``index`` split into its components."""
        return self.get(index).split(delimiters.component)

    def repetitions(self, index: int, delimiters: Delimiters) -> list[str]:
        """Element ``index`` split at the repetition separator (no split when there is none).

        ``delimiters.repetition`` is ``""`` for an interchange whose ISA11 is not a separator
        (4010 files send ``U`` there).
        """
        value = self.get(index)
        return value.split(delimiters.repetition) if delimiters.repetition else [value]


_new_tuple = tuple.__new__


def make_segment(position: int, elements: tuple[str, ...]) -> Segment:
    """``Segment(position, elements)`` without the Python-level constructor call."""
    return _new_tuple(Segment, (position, elements))


class SegmentList(list[Segment]):
    """A list of segments made from their texts on first use.

    The envelope layer keeps a transaction set as the texts of its segments (one string
    each, positions consecutive from ``first``); the parsers read those texts directly
    (:func:`raw_texts`), and the :class:`Segment` values are only made when something
    else reads the list. It is then an ordinary list.
    """

    __slots__ = ("_raw",)

    def __init__(self, first: int = 1, texts: list[str] | None = None, element: str = "*") -> None:
        super().__init__()
        self._raw: tuple[int, list[str], str] | None = (first, texts, element) if texts else None

    def _fill(self) -> None:
        raw = self._raw
        if raw is not None:
            self._raw = None
            first, texts, element = raw
            elements = map(tuple, map(str.split, texts, repeat(element)))
            list.extend(self, map(_new_tuple, repeat(Segment), zip(count(first), elements)))


def _filling(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def call(self: SegmentList, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        for arg in args:
            if type(arg) is SegmentList:
                arg._fill()
        return method(self, *args, **kwargs)

    call.__name__ = name
    return call


for _name in (
    "__add__", "__contains__", "__delitem__", "__eq__", "__ge__", "__getitem__", "__gt__",
    "__iadd__", "__imul__", "__iter__", "__le__", "__len__", "__lt__", "__mul__", "__ne__",
    "__reduce_ex__", "__repr__", "__reversed__", "__rmul__", "__setitem__", "__sizeof__",
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
    "reverse", "sort",
):  # fmt: skip
    setattr(SegmentList, _name, _filling(_name))


def raw_texts(segments: object) -> tuple[int, list[str], str] | None:
    """``(first position, segment texts, element separator)`` of a :class:`SegmentList`
    whose segments have not been made yet, else ``None``."""
    if type(segments) is SegmentList:
        raw: tuple[int, list[str], str] | None = segments._raw
        return raw
    return None
