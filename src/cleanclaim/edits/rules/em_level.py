"""EM101 em-level: the billed office E/M level against what the documentation supports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from cleanclaim.claims.model import Claim
from cleanclaim.edits import mdm
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.encounters import Encounter
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.mdm import MdmLevel
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

NO_SIDECAR = (
    "no encounter documentation given (scrub with --encounters FILE): the billed office "
    "E/M level was not compared with the record"
)
NO_ENTRY = "the encounter file has no entry for this claim: E/M level not compared"

S, L, M, H = MdmLevel.STRAIGHTFORWARD, MdmLevel.LOW, MdmLevel.MODERATE, MdmLevel.HIGH


def _ex(*codes: str, dos: str = "2026-05-04") -> ExClaim:
    return ExClaim(lines=tuple(ExLine(c) for c in codes), dos=dos)


class EmLevel(Rule):
    """An office E/M visit billed above (or below) the level its documentation supports.

    What it checks
    --------------
    For professional claims with an office or other outpatient visit (new patient
    99202-99205, established patient 99211-99215), the billed code is compared with the
    code the encounter documentation supports. The documentation comes from an encounter
    sidecar file keyed by claim id (see docs/encounters.md): the three medical decision
    making (MDM) elements, each straightforward, low, moderate or high, and/or the
    practitioner's total minutes on the date.

    * MDM level: the highest level that two of the three elements meet or exceed.
    * Time: new patient 15/30/45/60 minutes for 99202/99203/99204/99205; established
      patient 10/20/30/40 minutes for 99212/99213/99214/99215, each a minimum that must be
      met or exceeded (the 2024 wording; the minimums are the same since 2021).
    * The supported code is the higher of the two. 99211 needs neither, so an established
      patient's record always supports at least 99211; a new patient's record that meets
      neither the lowest MDM nor 15 minutes supports no new-patient visit at all.

    A line billed above the supported code is an error (upcoding); below it, a warning
    (downcoding: revenue the record would support is lost). The grid is written out in
    the project's own words in ``cleanclaim.edits.mdm``.

    Without a sidecar, or without an entry for the claim, every office visit line is
    reported as not checked (the claim is at best incomplete). Entries whose ``date``
    differs from the line's date, and visits before 2021-01-01 (levelled under the
    1995/1997 guidelines), are not checked either.

    Why it matters
    --------------
    A level the record does not support is an overpayment to be refunded and a false
    claims risk; E/M levels are the first thing auditors sample (CARC 150 when a payer
    downcodes). Billing below the record is revenue given away, and systematic
    undercoding distorts the practice's profile too.

    Limitations
    -----------
    The rule trusts the levels and minutes written in the sidecar; it does not read the
    note. Prolonged services (99417, G2212), the G2211 add-on, split/shared visits and the
    other E/M families (hospital, emergency, nursing facility, home) are not checked.
    Whether the patient is new or established is rule EM102's question; this rule levels
    the code within the family billed.

    References
    ----------
    CMS fact sheet "Physician Fee Schedule Payment for Office/Outpatient E/M Visits"
    (2021-01-11): Medicare adopts the CPT 2021 framework, level by MDM or total time. AMA
    CPT 2021 E/M guidelines (MDM, 2 of 3 elements) and CPT 2024 office visit descriptors
    (single time thresholds), summarised in the project's own words. Medicare Claims
    Processing Manual, chapter 12, section 30.6.1 (selection of E/M level).
    """

    code = "EM101"
    slug = "em-level"
    title = "Office E/M level not supported by the encounter documentation"
    category = Category.EM_LEVEL
    severity = Severity.ERROR
    claim_types = frozenset({"professional"})
    citation = Citation(
        "CMS fact sheet, PFS Payment for Office/Outpatient Evaluation and Management Visits",
        "level selection by medical decision making or total time on the date (CPT 2021 "
        "framework; CPT 2024 time thresholds)",
        "2021-01-11",
    )
    examples = (
        Example("upcoded-99214-time-25-min", _ex("99214"), flags=(1,)),
        Example("downcoded-99213-mdm-moderate", _ex("99213"), flags=(1,)),
        Example("new-patient-99205-mdm-high", _ex("99205")),
        Example("no-sidecar-is-not-checked", _ex("99214"), note="coverage entry, no finding"),
        Example("not-an-office-visit", _ex("99283")),
    )
    #: Options the catalogue test passes for an example (``ctx.options``), by example name.
    example_options: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "upcoded-99214-time-25-min": {"encounters": {"EX1": Encounter("EX1", total_minutes=25)}},
        "downcoded-99213-mdm-moderate": {
            "encounters": {"EX1": Encounter("EX1", problems=M, data=L, risk=M)}
        },
        "new-patient-99205-mdm-high": {
            "encounters": {"EX1": Encounter("EX1", problems=H, data=M, risk=H, total_minutes=40)}
        },
    }

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        lines = [ln for ln in claim.lines if (ln.procedure_code or "") in mdm.OFFICE_CODES]
        if not lines:
            return
        encounters = ctx.options.get("encounters")
        if encounters is None:
            yield self.not_checked(NO_SIDECAR)
            return
        encounter = encounters.get(claim.claim_id)
        if not isinstance(encounter, Encounter):
            yield self.not_checked(NO_ENTRY)
            return
        for line in lines:
            code = line.procedure_code or ""
            day = line_date(claim, line)
            if day is None:
                continue
            if day < mdm.FRAMEWORK_START:
                yield self.not_checked(
                    f"{code} on {day.isoformat()}: before 2021 the level followed the "
                    "1995/1997 guidelines; not checked"
                )
                continue
            if encounter.date is not None and encounter.date != day:
                yield self.not_checked(
                    f"{code} on {day.isoformat()}: the encounter file dates the visit "
                    f"{encounter.date.isoformat()}; not compared"
                )
                continue
            yield from self._compare(line.number, code, encounter)

    def _compare(self, number: int, code: str, encounter: Encounter) -> Iterator[Finding]:
        kind = mdm.kind_of(code)
        assert kind is not None
        supported = mdm.supported_code(kind, encounter.mdm, encounter.total_minutes)
        record = encounter.describe()
        if supported is None:
            yield self.finding(
                line=number,
                message=f"{code} billed, but the documentation ({record}) supports no "
                "new-patient office visit level (straightforward MDM or 15 minutes needed): "
                "upcoding",
                fix="Do not bill the visit as documented; complete the documentation if it "
                "is unfinished, or bill the service the record does support.",
            )
            return
        billed, best = mdm.rank(code), mdm.rank(supported)
        if billed > best:
            yield self.finding(
                line=number,
                message=f"{code} billed, but the documentation ({record}) supports "
                f"{supported}: upcoding",
                fix=f"Bill {supported}, or complete the documentation if it is unfinished; "
                "never bill a level the record does not support.",
            )
        elif billed < best:
            yield self.finding(
                line=number,
                severity=Severity.WARNING,
                message=f"{code} billed, but the documentation ({record}) supports "
                f"{supported}: downcoding, lost revenue",
                fix=f"If the documentation is final, bill {supported}.",
            )
