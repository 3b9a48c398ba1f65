"""EM102 em-new-patient: a new-patient visit code for a patient the group has seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.edits import mdm
from cleanclaim.edits.context import BatchHistory, ClaimHistory, RuleContext, line_date, patient_key
from cleanclaim.edits.data.em_codes import is_em_section
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.payers.registry import add_months

LOOKBACK_MONTHS = 36
NEW_TO_ESTABLISHED = {mdm.NEW_CODES[level]: mdm.ESTABLISHED_CODES[level] for level in mdm.MdmLevel}
#: HCPCS level II visits that are face to face (initial preventive exam, wellness visits).
FACE_TO_FACE_HCPCS = frozenset({"G0402", "G0438", "G0439"})
NO_HISTORY = (
    "no stored claim history: only this claim and earlier claims of the batch were searched "
    "for visits in the last 3 years"
)
_OTHER_NPI = "1679576722"


@dataclass(frozen=True)
class PriorVisit:
    """A service line the patient received earlier, with who billed and rendered it."""

    day: dt.date
    procedure: str
    modifiers: tuple[str, ...] = ()
    billing_npi: str = ""
    billing_tin: str = ""
    rendering_npi: str = ""
    taxonomy: str = ""
    """Rendering practitioner's taxonomy (specialty); empty when unknown."""


class NewPatientHistory(Protocol):
    """Stored visits, looked up by patient and date range (an indexed query)."""

    def prior_visits(self, claim: Claim, since: dt.date, before: dt.date) -> Sequence[PriorVisit]:
        """Lines of the claim's patient with ``since <= date < before``."""
        ...

    def history_start(self) -> dt.date | None:
        """The earliest stored date of service of the practice (``None``: nothing stored)."""
        ...


def face_to_face(code: str, modifiers: Sequence[str]) -> bool:
    """Whether a line is a face-to-face professional service that makes a patient
    established: an E/M service, a surgical procedure (10004-69990) or a Medicare preventive
    visit; never a professional component alone (26) or a technical component (TC)."""
    if {"26", "TC"} & set(modifiers):
        return False
    key = code.strip().upper()
    if is_em_section(key) or key in FACE_TO_FACE_HCPCS:
        return True
    return key.isdigit() and len(key) == 5 and 10004 <= int(key) <= 69990


def _visit(claim: Claim, line: ServiceLine, day: dt.date) -> PriorVisit:
    billing = claim.billing_provider
    rendering = line.rendering_provider or claim.rendering_provider
    return PriorVisit(
        day=day,
        procedure=line.procedure_code or "",
        modifiers=line.modifiers,
        billing_npi=billing.npi or "",
        billing_tin=billing.tin or "",
        rendering_npi=(rendering.npi if rendering else None) or billing.npi or "",
        taxonomy=(rendering.taxonomy if rendering else billing.taxonomy) or "",
    )


def batch_visits(
    history: ClaimHistory, pkey: str, since: dt.date, before: dt.date
) -> list[PriorVisit]:
    """Lines of claims scrubbed earlier in the batch (taxonomy and TIN are not kept there)."""
    if not isinstance(history, BatchHistory):
        return []
    found = history.patient_lines(pkey)  # the batch's own lines, not the stored ones
    return [
        PriorVisit(
            day=h.day,
            procedure=h.procedure,
            modifiers=h.modifiers,
            billing_npi=h.billing_npi,
            rendering_npi=h.provider_npi,
        )
        for h in found
        if since <= h.day < before
    ]


def same_group(a: PriorVisit, b: PriorVisit) -> bool:
    """Same billing NPI, or same billing TIN."""
    return bool(a.billing_npi and a.billing_npi == b.billing_npi) or bool(
        a.billing_tin and a.billing_tin == b.billing_tin
    )


def same_specialty(a: PriorVisit, b: PriorVisit) -> bool | None:
    """Same practitioner, or same taxonomy; ``None`` when it cannot be told."""
    if a.rendering_npi and a.rendering_npi == b.rendering_npi:
        return True
    if a.taxonomy and b.taxonomy:
        return a.taxonomy == b.taxonomy
    return None


def _ex(*lines: ExLine, dos: str = "2026-05-04") -> ExClaim:
    return ExClaim(lines=lines, dos=dos)


def _earlier(line: ExLine, dos: str, npi: str = "1234567893") -> ExClaim:
    return ExClaim(lines=(line,), dos=dos, rendering_npi=npi, claim_id="EX0")


class EmNewPatient(Rule):
    """A new-patient office visit code for a patient the group saw within 3 years.

    What it checks
    --------------
    For each new-patient office or outpatient visit line (99202-99205) on a professional
    claim, the patient's services in the 3 years before the line's date are searched: the
    earlier lines of the same claim, the claims scrubbed earlier in the same batch and,
    when available, the practice's stored claims (an indexed lookup by patient and date).
    A service counts when it was face to face (an E/M service, a surgical procedure
    10004-69990, or a Medicare preventive visit; not a reading billed with 26 or TC) and it
    was billed by the same group (same billing NPI or tax id) and rendered in the same
    specialty (the same practitioner, or the same rendering taxonomy). The window is the
    3 years before the date of service: a visit on the same calendar date 3 years earlier
    is outside it; a visit the next day is inside.

    A match is flagged with the established-patient code of the same level (99203 ->
    99213). When none is found, the claim is reported as not fully checked if the search
    could not cover 3 years: no stored history at all, or stored history that starts less
    than 3 years before the date of service. An earlier visit in the group by a
    practitioner whose specialty is unknown (no taxonomy) is reported the same way.

    Why it matters
    --------------
    New-patient visits pay more than established ones; payers check the 3-year history
    and deny or recoup the difference, and a pattern of them draws audits.

    Limitations
    -----------
    Specialty is the rendering taxonomy code; Medicare uses the enrolled specialty, which
    usually but not always maps one to one, and CPT also counts subspecialty. Services of
    the medicine, radiology and laboratory sections are not counted even when face to
    face (for example psychotherapy), so the rule errs towards silence. Claims scrubbed in
    the same batch carry no taxonomy or TIN, so there only the same billing NPI and the same
    practitioner count. Other new-patient families (preventive, home) are not checked.
    Visits billed to other payers count only when they are in the stored history.

    References
    ----------
    Medicare Claims Processing Manual (Pub. 100-04), chapter 12, section 30.6.7 (definition
    of a new patient: no professional face-to-face service from the physician or group, same
    specialty, within the previous 3 years; the wording has stood since at least 2009,
    when contractors such as WPS quoted it in their new-patient Q&As). CPT defines a new
    patient the same way, adding subspecialty.
    """

    code = "EM102"
    slug = "em-new-patient"
    title = "New-patient visit for a patient seen by the group within 3 years"
    category = Category.EM_LEVEL
    severity = Severity.WARNING
    claim_types = frozenset({"professional"})
    citation = Citation(
        "Medicare Claims Processing Manual (Pub. 100-04), chapter 12",
        "section 30.6.7, payment for office or other outpatient E/M visits: definition of "
        "new patient",
        "2009",
    )
    examples = (
        Example(
            "seen-4-months-earlier",
            _ex(ExLine("99203")),
            history=(_earlier(ExLine("99213"), "2026-01-10"),),
            flags=(1,),
        ),
        Example(
            "seen-3-years-less-1-day-earlier",
            _ex(ExLine("99204")),
            history=(_earlier(ExLine("99214"), "2023-05-05"),),
            flags=(1,),
        ),
        Example(
            "seen-exactly-3-years-earlier",
            _ex(ExLine("99204")),
            history=(_earlier(ExLine("99214"), "2023-05-04"),),
        ),
        Example(
            "earlier-line-of-the-same-claim",
            _ex(ExLine("99213", dos="2026-05-01"), ExLine("99203")),
            flags=(2,),
        ),
        Example(
            "earlier-service-was-a-reading-only",
            _ex(ExLine("99203")),
            history=(_earlier(ExLine("71046", ("26",)), "2026-01-10"),),
        ),
        Example(
            "other-practitioner-specialty-unknown",
            _ex(ExLine("99203")),
            history=(_earlier(ExLine("99213"), "2026-01-10", _OTHER_NPI),),
            note="coverage entry: the other practitioner's specialty is not in batch history",
        ),
        Example(
            "established-code-billed",
            _ex(ExLine("99213")),
            history=(_earlier(ExLine("99213"), "2026-01-10"),),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        lines = [ln for ln in claim.lines if (ln.procedure_code or "") in NEW_TO_ESTABLISHED]
        if not lines:
            return
        pkey = str(ctx.options.get("patient_key") or patient_key(claim))
        stored: NewPatientHistory | None = ctx.options.get("visit_history")
        for line in lines:
            day = line_date(claim, line)
            if day is None:
                continue
            since = add_months(day, -LOOKBACK_MONTHS) + dt.timedelta(days=1)
            yield from self._line(claim, line, day, since, pkey, ctx, stored)

    def _line(
        self,
        claim: Claim,
        line: ServiceLine,
        day: dt.date,
        since: dt.date,
        pkey: str,
        ctx: RuleContext,
        stored: NewPatientHistory | None,
    ) -> Iterator[Finding | NotChecked]:
        code = line.procedure_code or ""
        me = _visit(claim, line, day)
        visits = [
            _visit(claim, other, d)
            for other in claim.lines
            if (d := line_date(claim, other)) is not None and since <= d < day
        ]
        visits += batch_visits(ctx.history, pkey, since, day)
        if stored is not None:
            visits += stored.prior_visits(claim, since, day)
        group = [v for v in visits if face_to_face(v.procedure, v.modifiers) and same_group(me, v)]
        same = [v for v in group if same_specialty(me, v)]
        if same:
            seen = max(same, key=lambda v: v.day)
            who = (
                f"the same practitioner (NPI {seen.rendering_npi})"
                if seen.rendering_npi == me.rendering_npi
                else f"the same specialty ({seen.taxonomy})"
            )
            yield self.finding(
                line=line.number,
                message=f"{code} billed as a new-patient visit on {day.isoformat()}, but the "
                f"patient had {seen.procedure} on {seen.day.isoformat()} from the same group "
                f"and {who}, within 3 years",
                fix=f"Bill the established-patient code of the same level "
                f"({NEW_TO_ESTABLISHED[code]}).",
            )
            return
        unknown = [v for v in group if same_specialty(me, v) is None]
        if unknown:
            seen = max(unknown, key=lambda v: v.day)
            yield self.not_checked(
                f"{code} on {day.isoformat()}: the patient saw another practitioner of the "
                f"group on {seen.day.isoformat()} whose specialty is unknown; new-patient "
                "status not decided"
            )
        if stored is None:
            yield self.not_checked(NO_HISTORY)
            return
        start = stored.history_start()
        if start is None:
            yield self.not_checked(
                "no stored claims for this practice yet: only this claim and the batch were "
                "searched for visits in the last 3 years"
            )
        elif start > since:
            yield self.not_checked(
                f"stored claim history starts {start.isoformat()}, less than 3 years before "
                f"{day.isoformat()}: earlier visits would not be seen"
            )
