"""PS101 place-of-service."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.curated import CuratedCode, CuratedTable
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.em_codes import OFFICE_OUTPATIENT
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

TELEHEALTH_POS_ONLY = dt.date(2024, 1, 1)
#: Medicare telehealth modifiers that the POS must agree with (GT is MD106's).
TELEHEALTH_MODS = frozenset({"95", "93"})
#: Hospital outpatient settings where CMS kept "in-person POS + 95" billing.
HOSPITAL_OUTPATIENT = frozenset({"19", "22"})
#: Inpatient-type settings and the E/M family to use there instead of office visits.
NOT_OFFICE: dict[str, tuple[str, str]] = {
    "21": (
        "an inpatient hospital",
        "hospital inpatient or observation care (99221-99223, 99231-99239)",
    ),
    "51": (
        "an inpatient psychiatric facility",
        "hospital inpatient care (99221-99223, 99231-99239)",
    ),
    "61": (
        "an inpatient rehabilitation facility",
        "hospital inpatient care (99221-99223, 99231-99239)",
    ),
    "31": ("a skilled nursing facility", "nursing facility care (99304-99310, 99315-99316)"),
    "32": ("a nursing facility", "nursing facility care (99304-99310, 99315-99316)"),
}


def _medicare(claim: Claim, ctx: RuleContext) -> bool:
    if ctx.payer is not None:
        return ctx.payer_type == "medicare-ffs"
    return claim.payer.filing_indicator in ("MA", "MB")


def _row(table: CuratedTable, *, code: str, day: dt.date) -> CuratedCode | None:
    return table.get(code, day)


def _any(table: CuratedTable, code: str) -> CuratedCode | None:
    return table.any_row(code)


class PlaceOfService(Rule):
    """The place of service is not valid on the date, or does not fit the line.

    What it checks
    --------------
    On professional claims, for each line's place of service (the line's own SV105, else
    the claim's CLM05-1), judged on the line's date of service against the place-of-service
    code set:

    * the code is unknown, or not valid on the date (for example POS 10 before 2022-01-01
      or POS 27 before 2023-10-01): an error, once for the claim when the code is the
      claim's, else on the line;
    * an office or outpatient visit (99202-99205, 99211-99215) billed with an inpatient or
      nursing facility place of service (21, 51, 61, 31, 32): an error; the visit family
      of that setting must be used;
    * on Medicare fee-for-service claims from 2024-01-01, a line with telehealth modifier
      95 or 93 whose place of service is not a telehealth code (02 or 10) nor a hospital
      outpatient one (19, 22): a warning, the POS should be 10 (patient at home) or 02.

    This rule judges the place of service; MD106 judges the telehealth modifiers
    themselves (GT, contradictory modifiers), so a line is not flagged twice for one fault.

    Why it matters
    --------------
    The place of service sets the payment rate (facility or non-facility) and the visit
    codes allowed. An invalid code is rejected; office visits billed for an inpatient are
    denied as inconsistent with the setting; telehealth billed with the office POS is paid
    at the wrong rate or denied.

    Limitations
    -----------
    The code list is the project's curated place-of-service list, whose dates are taken
    from the CMS code set. Emergency department (23) and custodial care (33) settings are
    not checked against office codes; payers differ. The telehealth check follows the CMS
    2024 instructions as the project reads them (domain reference, section 5.2): Medicaid
    and commercial payers that still want the in-person POS with 95 are not checked, and
    contractors differ on the hospital-outpatient exceptions. Institutional claims carry no
    place of service and are not checked.

    References
    ----------
    CMS Place of Service Code Set (code list and effective dates); Medicare Claims
    Processing Manual (Pub. 100-04), chapter 26, section 10.5 (place of service
    instructions) and chapter 12, sections 30.6.9 and 30.6.13 (hospital and nursing
    facility visits); CMS MLN901705 and the CMS telehealth FAQ (POS 02/10 from 2024).
    """

    code = "PS101"
    slug = "place-of-service"
    title = "Place of service invalid on the date or inconsistent with the line"
    category = Category.POS
    severity = Severity.ERROR
    citation = Citation(
        "CMS Place of Service Code Set (as curated in cleanclaim's pos list); Medicare Claims "
        "Processing Manual (Pub. 100-04)",
        "POS codes and effective dates; chapter 26, section 10.5 (place of service)",
        "2024-08-01",
    )
    needs = ("pos",)
    claim_types = frozenset({"professional"})
    examples = (
        Example(
            "pos-10-before-it-existed",
            ExClaim(lines=(ExLine("99213"),), pos="10", dos="2021-12-31"),
            flags=(None,),
        ),
        Example(
            "pos-10-on-its-first-day", ExClaim(lines=(ExLine("99213"),), pos="10", dos="2022-01-01")
        ),
        Example(
            "pos-27-day-before",
            ExClaim(lines=(ExLine("99213"),), pos="27", dos="2023-09-30"),
            flags=(None,),
        ),
        Example("pos-27-first-day", ExClaim(lines=(ExLine("99213"),), pos="27", dos="2023-10-01")),
        Example("unknown-pos", ExClaim(lines=(ExLine("99213"),), pos="98"), flags=(None,)),
        Example(
            "office-visit-inpatient",
            ExClaim(lines=(ExLine("99213"), ExLine("36415")), pos="21"),
            flags=(1,),
        ),
        Example(
            "office-visit-nursing-facility", ExClaim(lines=(ExLine("99214"),), pos="31"), flags=(1,)
        ),
        Example("hospital-visit-inpatient", ExClaim(lines=(ExLine("99223"),), pos="21")),
        Example("office-visit-outpatient-hospital", ExClaim(lines=(ExLine("99213"),), pos="22")),
        Example(
            "telehealth-modifier-with-office-pos",
            ExClaim(lines=(ExLine("99213", ("95",)),), pos="11", dos="2024-01-01"),
            flags=(1,),
        ),
        Example(
            "telehealth-modifier-with-office-pos-2023",
            ExClaim(lines=(ExLine("99213", ("95",)),), pos="11", dos="2023-12-31"),
        ),
        Example(
            "audio-only-with-pos-10",
            ExClaim(lines=(ExLine("99213", ("93",)),), pos="10", dos="2024-01-01"),
        ),
        Example(
            "telehealth-hospital-outpatient", ExClaim(lines=(ExLine("99213", ("95",)),), pos="22")
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        bad_claim_pos: list[str] = []
        for line in claim.lines:
            day = line_date(claim, line)
            pos = (line.place_of_service or claim.place_of_service or "").strip()
            if day is None or not pos:
                continue
            view = ctx.view(day)
            answer = view.ask("pos", functools.partial(_row, code=pos, day=day))
            row = answer.value
            if row is None:
                if not answer.authoritative:
                    yield self.not_checked(
                        f"pos: {pos} is not in the place-of-service list in force on "
                        f"{day.isoformat()} ({answer.source})"
                    )
                    continue
                reason = self._invalid(view, pos, day)
                if line.place_of_service:
                    yield self.finding(
                        line=line.number,
                        message=f"place of service {pos} on this line {reason}",
                        fix="Use the place-of-service code in force on the date of service.",
                    )
                elif reason not in bad_claim_pos:
                    bad_claim_pos.append(reason)
                continue
            yield from self._fits(claim, ctx, line, pos, row, day)
        if bad_claim_pos and claim.place_of_service:
            yield self.finding(
                line=None,
                message=f"claim place of service {claim.place_of_service} "
                f"{'; '.join(bad_claim_pos)}",
                fix="Use the place-of-service code in force on the date of service.",
            )

    @staticmethod
    def _invalid(view: CodesetView, pos: str, day: dt.date) -> str:
        other = view.ask("pos", lambda table: _any(table, pos)).value
        if other is None:
            return "is not a place-of-service code"
        if day < other.effective_from:
            return f"is not valid on {day.isoformat()} (valid from {other.effective_from})"
        return f"is not valid on {day.isoformat()} (retired after {other.effective_to})"

    def _fits(
        self,
        claim: Claim,
        ctx: RuleContext,
        line: ServiceLine,
        pos: str,
        row: CuratedCode,
        day: dt.date,
    ) -> Iterator[Finding]:
        code = line.procedure_code or ""
        if code in OFFICE_OUTPATIENT and pos in NOT_OFFICE:
            setting, family = NOT_OFFICE[pos]
            yield self.finding(
                line=line.number,
                message=f"office or outpatient visit {code} is billed with place of service "
                f"{pos} ({setting})",
                fix=f"Bill the visit with the {family} code that matches the documentation, "
                "or correct the place of service if the patient was seen in the office.",
            )
        mods = sorted(set(line.modifiers) & TELEHEALTH_MODS)
        if (
            mods
            and day >= TELEHEALTH_POS_ONLY
            and row.attrs.get("telehealth", "no") != "yes"
            and pos not in HOSPITAL_OUTPATIENT
            and _medicare(claim, ctx)
        ):
            yield self.finding(
                line=line.number,
                severity=Severity.WARNING,
                message=f"{code} carries telehealth modifier {', '.join(mods)} but place of "
                f"service {pos}; since 2024-01-01 Medicare telehealth is billed with POS 10 "
                "(patient at home) or 02 (patient elsewhere)",
                fix="If the service was telehealth, change the place of service to 10 or 02; "
                f"if it was in person, remove {', '.join(mods)}.",
            )
