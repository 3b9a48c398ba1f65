"""Group the segment stream into interchanges, functional groups and transaction sets.

:class:`EnvelopeReader` reads a file through :class:`~cleanclaim.x12.reader.X12Reader` and
yields, in file order:

* one :class:`TransactionSet` per ST/SE (memory is bounded by one set), and
* one :class:`InterchangeSummary` when an interchange ends (at its IEA, at the next ISA, or
  at end of file), which says whether the envelope around those sets can be trusted.

Three levels of damage, mirroring 999 semantics:

* **set** (:attr:`TransactionSet.error`): SE01 count wrong, SE02 != ST02, SE missing,
  ST03 != GS08, duplicate ST02, a malformed segment id. Only that set is bad.
* **group** (:attr:`GroupSummary.error`): GE01 count wrong, GE02 != GS06, GE missing,
  duplicate GS06, segments between SE and the next ST. Every set of the group is bad.
* **interchange** (:attr:`InterchangeSummary.error`): a damaged ISA, IEA01 count wrong,
  IEA02 != ISA13, IEA missing (truncation), segments outside any group. Every set is bad.

Sets are yielded before their interchange is known to be sound, so an ingest layer stages
each set and commits it only when :meth:`InterchangeSummary.accepts` says so; a set whose
``accepts`` is false is quarantined with :meth:`InterchangeSummary.reason_for`.
A fatal :class:`~cleanclaim.errors.X12Error` from the reader (non-X12 file, overlong
segment, ...) ends the stream: the interchange being read then has no summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cleanclaim.x12._envelope_model import (
    GroupSummary,
    InterchangeSummary,
    TransactionKind,
    TransactionSet,
    detect_kind,
)
from cleanclaim.x12._envelope_state import (
    SEGMENT_ID,
    VALID_IDS,
    OpenGroup,
    OpenInterchange,
    OpenSet,
    find_marks,
)
from cleanclaim.x12.reader import DEFAULT_MAX_SEGMENT_BYTES, Chunk, X12Reader
from cleanclaim.x12.segments import Segment, SegmentList, make_segment

__all__ = [
    "DEFAULT_MAX_SET_SEGMENTS",
    "EnvelopeReader",
    "GroupSummary",
    "InterchangeSummary",
    "TransactionKind",
    "TransactionSet",
    "detect_kind",
    "iter_envelope",
    "iter_transaction_sets",
]

DEFAULT_MAX_SET_SEGMENTS = 1_000_000
"""Segments kept for one transaction set; a longer set is marked bad (memory bound)."""


class EnvelopeReader:
    """Iterate over the sets and interchange summaries of an X12 file."""

    def __init__(
        self,
        source: Path | BinaryIO,
        *,
        path_name: str | None = None,
        max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES,
        max_set_segments: int = DEFAULT_MAX_SET_SEGMENTS,
    ) -> None:
        self.reader = X12Reader(source, max_segment_bytes=max_segment_bytes, path_name=path_name)
        self.path_name = self.reader.path_name
        self.max_set_segments = max_set_segments
        self.interchanges: list[InterchangeSummary] = []
        """Summaries of the interchanges finished so far."""
        self._ic: OpenInterchange | None = None
        self._group: OpenGroup | None = None
        self._set: OpenSet | None = None

    def __iter__(self) -> Iterator[TransactionSet | InterchangeSummary]:
        cap, feed = self.max_set_segments, self._feed
        for batch in self.reader.raw_batches():
            if not isinstance(batch, Chunk):
                for seg in batch:
                    yield from feed(seg)
                continue
            # Runs of ordinary segments inside an open set are appended in bulk, as texts;
            # everything else (envelope segments, malformed ids, the cap, segments outside
            # a set) is made a Segment and goes through _feed.
            texts, sep, first = batch.texts, batch.element, batch.first
            marks = find_marks(batch)
            start, n, mark, m = 0, len(texts), marks[0], 0
            while start < n:
                open_set = self._set
                if open_set is not None and start < mark:
                    end = min(mark, start + cap - len(open_set.texts))
                    if end > start:
                        open_set.texts.extend(texts[start:end])
                        start = end
                        continue
                yield from feed(make_segment(first + start, tuple(texts[start].split(sep))))
                if start == mark:
                    m += 1
                    mark = marks[m]
                start += 1
        yield from self._close_all("at end of file", None, None)

    def transaction_sets(self) -> Iterator[TransactionSet]:
        """Only the sets (interchange summaries are still collected in ``interchanges``)."""
        for item in self:
            if isinstance(item, TransactionSet):
                yield item

    # -- the state machine -----------------------------------------------------------------

    def _feed(self, seg: Segment) -> Iterator[TransactionSet | InterchangeSummary]:
        sid, pos = seg.id, seg.position
        if sid == "ISA":
            yield from self._close_all("before the next ISA", pos, sid)
            info = self.reader.interchange
            assert info is not None
            self._ic = OpenInterchange(isa=seg, info=info)
            if info.problem:
                self._ic.problem.set(info.problem, pos, sid)
            return
        ic = self._ic
        assert ic is not None  # the reader never yields a segment outside an interchange
        if self._set is not None and sid not in ("ST", "SE", "GE", "IEA"):
            self._add(self._set, seg)
            return
        if sid == "ST":
            if self._set is not None:
                yield self._close_set("missing SE before the next ST", pos, sid)
            if self._group is None:
                ic.problem.set("ST outside a functional group (no GS)", pos, sid)
            self._set = OpenSet(st=seg, texts=[self._text(seg)])
        elif sid == "SE":
            if self._set is None:
                self._outside(seg)
                return
            self._add(self._set, seg)
            yield self._finish_set(seg)
        elif sid == "GS":
            yield from self._close_group("before the next GS", pos, sid)
            self._group = OpenGroup(gs=seg, index=len(ic.groups) + 1)
            if any(g.control_number == seg.get(6) for g in ic.groups):
                self._group.problem.set(
                    f"duplicate GS06 {seg.get(6)!r} in the interchange", pos, sid
                )
        elif sid == "GE":
            if self._set is not None:
                yield self._close_set("missing SE before GE", pos, sid)
            if self._group is None:
                ic.problem.set("GE without GS", pos, sid)
                return
            group = self._group
            if seg.get(1) != str(len(group.sets)):
                group.problem.set(
                    f"GE01 transaction set count is {seg.get(1)!r} "
                    f"but the group has {len(group.sets)}",
                    pos,
                    sid,
                )
            if seg.get(2) != group.gs.get(6):
                group.problem.set(
                    f"GE02 control number {seg.get(2)!r} does not match GS06 {group.gs.get(6)!r}",
                    pos,
                    sid,
                )
            self._end_group()
        elif sid == "IEA":
            yield from self._close_group("before IEA", pos, sid)
            count, control = seg.get(1), seg.get(2)
            if count != str(len(ic.groups)):
                ic.problem.set(
                    f"IEA01 group count is {count!r} but the interchange has {len(ic.groups)}",
                    pos,
                    sid,
                )
            if control != ic.isa.get(13):
                ic.problem.set(
                    f"IEA02 control number {control!r} does not match ISA13 {ic.isa.get(13)!r}",
                    pos,
                    sid,
                )
            yield self._end_interchange(pos)
        elif sid == "TA1" and self._group is None:
            return  # an interchange acknowledgment sits between ISA and GS
        else:
            self._outside(seg)

    def _outside(self, seg: Segment) -> None:
        assert self._ic is not None
        if self._group is not None:
            self._group.problem.set(
                f"segment {seg.id!r} outside a transaction set", seg.position, seg.id
            )
        else:
            self._ic.problem.set(
                f"segment {seg.id!r} outside a functional group", seg.position, seg.id
            )

    def _add(self, open_set: OpenSet, seg: Segment) -> None:
        sid = seg.id
        if sid not in VALID_IDS and seg is not open_set.st:
            if SEGMENT_ID.fullmatch(sid):
                VALID_IDS.add(sid)
            else:
                open_set.problem.set(
                    f"malformed segment id {sid[:4]!r}", seg.position, sid[:4] or None
                )
        if len(open_set.texts) < self.max_set_segments:
            open_set.texts.append(self._text(seg))
        else:
            open_set.dropped += 1
            open_set.problem.set(
                f"transaction set has more than {self.max_set_segments} segments",
                seg.position,
                seg.id,
            )

    def _text(self, seg: Segment) -> str:
        assert self._ic is not None
        return self._ic.info.delimiters.element.join(seg[1])

    def _finish_set(self, se: Segment) -> TransactionSet:
        open_set = self._set
        assert open_set is not None
        count, control, st02 = se.get(1), se.get(2), open_set.st.get(2)
        total = len(open_set.texts) + open_set.dropped
        if count != str(total):
            open_set.problem.set(
                f"SE01 segment count is {count!r} but the transaction set has {total} segments",
                se.position,
                se.id,
            )
        if control != st02:
            open_set.problem.set(
                f"SE02 control number {control!r} does not match ST02 {st02!r}",
                se.position,
                se.id,
            )
        return self._emit_set()

    def _close_set(self, reason: str, pos: int | None, sid: str | None) -> TransactionSet:
        assert self._set is not None
        self._set.problem.set(reason, pos, sid)
        return self._emit_set()

    def _emit_set(self) -> TransactionSet:
        open_set, ic = self._set, self._ic
        assert open_set is not None and ic is not None
        self._set = None
        st, group = open_set.st, self._group
        gs = group.gs if group else None
        version = gs.get(8) if gs else ""
        implementation = st.get(3) or version
        if st.get(3) and version and st.get(3) != version:
            open_set.problem.set(
                f"ST03 {st.get(3)!r} does not match GS08 {version!r}", st.position, "ST"
            )
        if group is not None:
            if st.get(2) in group.seen:
                open_set.problem.set(
                    f"duplicate ST02 {st.get(2)!r} in the functional group", st.position, "ST"
                )
            group.sets.append(st.get(2))
            group.seen.add(st.get(2))
        ic.set_count += 1
        isa, problem = ic.isa, open_set.problem
        segments = SegmentList(st.position, open_set.texts, ic.info.delimiters.element)
        return TransactionSet(
            control_number=st.get(2),
            id=st.get(1),
            implementation=implementation,
            kind=detect_kind(st.get(1), implementation, segments),
            segments=segments,
            position=st.position,
            delimiters=ic.info.delimiters,
            interchange_index=ic.info.index,
            interchange_control=isa.get(13),
            group_control=gs.get(6) if gs else "",
            interchange_sender=isa.get(6).strip(),
            interchange_receiver=isa.get(8).strip(),
            group_sender=gs.get(2) if gs else "",
            group_receiver=gs.get(3) if gs else "",
            usage_indicator=isa.get(15),
            group_index=group.index if group else 0,
            error=problem.reason,
            error_segment=problem.segment,
            error_segment_id=problem.segment_id,
        )

    def _close_group(
        self, where: str, pos: int | None, sid: str | None
    ) -> Iterator[TransactionSet]:
        if self._set is not None:
            yield self._close_set(f"missing SE {where}", pos, sid)
        if self._group is not None:
            self._group.problem.set(f"missing GE {where}", pos, sid)
            self._end_group()

    def _end_group(self) -> None:
        group, ic = self._group, self._ic
        assert group is not None and ic is not None
        self._group = None
        gs = group.gs
        ic.groups.append(
            GroupSummary(
                index=group.index,
                control_number=gs.get(6),
                functional_id=gs.get(1),
                version=gs.get(8),
                position=gs.position,
                set_controls=tuple(group.sets),
                error=group.problem.reason,
                error_segment=group.problem.segment,
                error_segment_id=group.problem.segment_id,
            )
        )

    def _close_all(
        self, where: str, pos: int | None, sid: str | None
    ) -> Iterator[TransactionSet | InterchangeSummary]:
        if self._ic is None:
            return
        yield from self._close_group(where, pos, sid)
        suffix = " (file truncated?)" if pos is None else ""
        self._ic.problem.set(f"missing IEA {where}{suffix}", pos, sid)
        yield self._end_interchange(None)

    def _end_interchange(self, end_position: int | None) -> InterchangeSummary:
        ic = self._ic
        assert ic is not None
        self._ic = None
        summary = InterchangeSummary(
            index=ic.info.index,
            control_number=ic.isa.get(13),
            sender=ic.isa.get(6).strip(),
            receiver=ic.isa.get(8).strip(),
            position=ic.isa.position,
            end_position=end_position,
            info=ic.info,
            groups=tuple(ic.groups),
            set_count=ic.set_count,
            error=ic.problem.reason,
            error_segment=ic.problem.segment,
            error_segment_id=ic.problem.segment_id,
        )
        self.interchanges.append(summary)
        return summary


def iter_envelope(
    source: Path | BinaryIO,
    *,
    path_name: str | None = None,
    max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES,
    max_set_segments: int = DEFAULT_MAX_SET_SEGMENTS,
) -> Iterator[TransactionSet | InterchangeSummary]:
    """Sets and interchange summaries in file order (see :class:`EnvelopeReader`)."""
    yield from EnvelopeReader(
        source,
        path_name=path_name,
        max_segment_bytes=max_segment_bytes,
        max_set_segments=max_set_segments,
    )


def iter_transaction_sets(
    source: Path | BinaryIO,
    *,
    path_name: str | None = None,
    max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES,
) -> Iterator[TransactionSet]:
    """Only the sets, for callers that check envelopes elsewhere (tests, tools)."""
    yield from EnvelopeReader(
        source, path_name=path_name, max_segment_bytes=max_segment_bytes
    ).transaction_sets()
