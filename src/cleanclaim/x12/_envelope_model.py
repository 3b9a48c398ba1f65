"""The values the envelope layer yields: transaction sets and envelope summaries.

Re-exported by :mod:`cleanclaim.x12.envelope`; import them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cleanclaim.errors import X12Error
from cleanclaim.x12.reader import InterchangeInfo
from cleanclaim.x12.segments import Delimiters, Segment


class TransactionKind(StrEnum):
    """What a transaction set is, as far as cleanclaim is concerned."""

    PROFESSIONAL_837 = "837P"
    INSTITUTIONAL_837 = "837I"
    REMITTANCE_835 = "835"
    ACK_999 = "999"
    CLAIM_ACK_277CA = "277CA"
    OTHER = "other"
    """Not read by cleanclaim (270/271, 276/277, 834, 820, unknown 837 variants...)."""

    @property
    def skipped(self) -> bool:
        return self is TransactionKind.OTHER


def detect_kind(st01: str, implementation: str, segments: list[Segment]) -> TransactionKind:
    """Classify a set from ST01, its implementation reference (ST03/GS08) and its segments."""
    if st01 == "837":
        if "X222" in implementation:
            return TransactionKind.PROFESSIONAL_837
        if "X223" in implementation:
            return TransactionKind.INSTITUTIONAL_837
        if "X224" in implementation:  # dental
            return TransactionKind.OTHER
        ids = {s.id for s in segments}
        if "SV1" in ids and "SV2" not in ids:
            return TransactionKind.PROFESSIONAL_837
        if "SV2" in ids and "SV1" not in ids:
            return TransactionKind.INSTITUTIONAL_837
        return TransactionKind.OTHER
    if st01 == "835":
        return TransactionKind.REMITTANCE_835
    if st01 == "999":
        return TransactionKind.ACK_999
    if st01 == "277" and "X214" in implementation:
        return TransactionKind.CLAIM_ACK_277CA
    return TransactionKind.OTHER


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One ST..SE transaction set with its envelope context."""

    control_number: str
    """ST02."""
    id: str
    """ST01 (``837``, ``835``, ``999``, ``277``...)."""
    implementation: str
    """ST03, or GS08 when ST03 is empty."""
    kind: TransactionKind
    segments: list[Segment]
    """The segments from ST to SE inclusive (fewer if the set was cut short or capped)."""
    position: int
    """Segment position of the ST."""
    delimiters: Delimiters
    interchange_index: int
    """1-based number of the interchange in the file."""
    interchange_control: str
    """ISA13."""
    group_control: str
    """GS06 (``""`` when the set is outside any group)."""
    interchange_sender: str = ""
    """ISA06, trimmed."""
    interchange_receiver: str = ""
    """ISA08, trimmed."""
    group_sender: str = ""
    """GS02."""
    group_receiver: str = ""
    """GS03."""
    usage_indicator: str = ""
    """ISA15: ``P`` production, ``T`` test."""
    group_index: int = 0
    """1-based number of the group in its interchange (0 when outside any group)."""
    error: str | None = None
    """Why the set is bad, or ``None``."""
    error_segment: int | None = None
    """Position of the segment where the set error was found."""
    error_segment_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_error(self, path_name: str | Path) -> X12Error:
        """The set error as an :class:`X12Error` (only meaningful when ``not ok``)."""
        return X12Error(
            path_name,
            self.error or "transaction set is valid",
            segment=self.error_segment,
            segment_id=self.error_segment_id,
        )


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """One GS..GE functional group."""

    index: int
    """1-based number of the group in its interchange."""
    control_number: str
    """GS06."""
    functional_id: str
    """GS01 (``HC`` claims, ``HP`` remittances, ``FA`` acknowledgments...)."""
    version: str
    """GS08."""
    position: int
    set_controls: tuple[str, ...]
    """ST02 of every set met in the group, in order."""
    error: str | None = None
    error_segment: int | None = None
    error_segment_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class InterchangeSummary:
    """One ISA..IEA interchange, emitted after its last set."""

    index: int
    control_number: str
    """ISA13."""
    sender: str
    """ISA06, trimmed."""
    receiver: str
    """ISA08, trimmed."""
    position: int
    end_position: int | None
    """Position of the IEA (``None`` when it is missing)."""
    info: InterchangeInfo
    groups: tuple[GroupSummary, ...]
    set_count: int
    error: str | None = None
    error_segment: int | None = None
    error_segment_id: str | None = None

    @property
    def delimiters(self) -> Delimiters:
        return self.info.delimiters

    @property
    def ok(self) -> bool:
        """The envelope is sound at interchange and group level."""
        return self.error is None and all(g.ok for g in self.groups)

    def group_of(self, ts: TransactionSet) -> GroupSummary | None:
        """The group ``ts`` belongs to (``None`` for a set outside any group)."""
        for g in self.groups:
            if g.index == ts.group_index:
                return g
        return None

    def reason_for(self, ts: TransactionSet) -> str | None:
        """Why ``ts`` (a set of this interchange) must be quarantined, or ``None``."""
        if self.error is not None:
            return f"interchange {self.control_number}: {self.error}"
        group = self.group_of(ts)
        if group is not None and group.error is not None:
            return f"functional group {group.control_number}: {group.error}"
        return ts.error

    def accepts(self, ts: TransactionSet) -> bool:
        """``ts`` may be committed: it, its group and this interchange are all sound."""
        return self.reason_for(ts) is None

    def to_error(self, path_name: str | Path) -> X12Error:
        """The interchange error as an :class:`X12Error`."""
        return X12Error(
            path_name,
            self.error or "interchange is valid",
            segment=self.error_segment,
            segment_id=self.error_segment_id,
        )
