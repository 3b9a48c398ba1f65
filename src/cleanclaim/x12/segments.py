"""The lowest X12 layer: delimiters and segments with their positions.

Every parser above this layer sees segments as :class:`Segment` values, each carrying its
1-based position in the file, so that an error can say ``path: segment N (ID) loop L``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delimiters:
    """The four X12 separators, taken from the ISA by position."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its id, its elements (element 0 is the id) and its position in the file."""

    position: int
    """1-based position of the segment in the file."""
    elements: tuple[str, ...]

    @property
    def id(self) -> str:
        """The segment id (``CLM``, ``SV1``...)."""
        return self.elements[0] if self.elements else ""

    def get(self, index: int, default: str = "") -> str:
        """Element ``index`` (1-based, as in the implementation guides), or ``default``."""
        if index < len(self.elements):
            return self.elements[index]
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
