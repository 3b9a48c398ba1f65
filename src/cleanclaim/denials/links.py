"""The link from a denial to the scrub findings of the claim version that was submitted.

Each reason has the scrubber categories whose rules can prevent it (the ``[reason.*]``
table of ``denial_codes.toml``, published in docs/denials.md). For a denial on a matched,
scrubbed claim version, the findings of those categories on the denied line (or on the
whole claim) decide the link:

* ``caught-overridden``: such a finding fired and someone suppressed it (``by`` says who);
* ``caught-unfixed``: such a finding fired and the claim went out unchanged;
* ``missed``: no rule that could prevent this reason fired.

The link is ``None`` when there is nothing to judge: not a denial, a reason no scrubber
category can prevent, an unmatched remittance, or a version that was never scrubbed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.storage.db import read_rows
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow

CAUGHT_OVERRIDDEN = "caught-overridden"
CAUGHT_UNFIXED = "caught-unfixed"
MISSED = "missed"


@dataclass(frozen=True)
class FindingIn:
    """One stored scrub finding, as the link needs it."""

    rule: str
    category: str
    line: int | None
    suppressed: bool
    suppressed_by: str | None


@dataclass(frozen=True)
class ScrubLink:
    """The link of one denial: kind, who overrode, and the rules it rests on."""

    kind: str | None
    by: str | None = None
    rules: tuple[str, ...] = ()


NO_LINK = ScrubLink(None)


def scrub_link(
    categories: Iterable[str],
    line: int | None,
    findings: list[FindingIn] | None,
) -> ScrubLink:
    """The link of a denial of a reason preventable by ``categories`` on ``line``.

    ``findings`` is ``None`` when the version was never scrubbed (no link can be judged).
    """
    cats = set(categories)
    if not cats or findings is None:
        return NO_LINK
    relevant = [
        f for f in findings
        if f.category in cats and (line is None or f.line is None or f.line == line)
    ]  # fmt: skip
    rules = tuple(sorted({f.rule for f in relevant}))
    overridden = [f for f in relevant if f.suppressed]
    if overridden:
        return ScrubLink(CAUGHT_OVERRIDDEN, overridden[0].suppressed_by, rules)
    if relevant:
        return ScrubLink(CAUGHT_UNFIXED, None, rules)
    return ScrubLink(MISSED)


def submitted_findings(session: Session, claim_ids: list[int]) -> dict[int, list[FindingIn]]:
    """The findings of each version's pre-submission scrub (the one made at ingest; else
    its first scrub). Versions never scrubbed are left out."""
    scrub_of: dict[int, tuple[bool, int]] = {}
    for start in range(0, len(claim_ids), 900):
        for sid, cid, trigger in read_rows(
            session,
            select(ClaimScrubRow.id, ClaimScrubRow.claim_id, ClaimScrubRow.trigger).where(
                ClaimScrubRow.claim_id.in_(claim_ids[start : start + 900])
            ),
        ):
            rank = (trigger != "ingest", sid)
            if cid not in scrub_of or rank < scrub_of[cid]:
                scrub_of[cid] = rank
    findings: dict[int, list[FindingIn]] = {cid: [] for cid in scrub_of}
    owner = {rank[1]: cid for cid, rank in scrub_of.items()}
    ids = list(owner)
    for start in range(0, len(ids), 900):
        f = FindingRow
        query = select(f.scrub_id, f.rule, f.category, f.line, f.suppressed, f.suppressed_by)
        for scrub_id, *finding in read_rows(
            session, query.where(f.scrub_id.in_(ids[start : start + 900]))
        ):
            findings[owner[scrub_id]].append(FindingIn(*finding))
    return findings
