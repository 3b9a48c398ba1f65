"""ST101 structure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from cleanclaim.claims.model import Claim, Provider, ServiceLine
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

MAX_POINTERS = 4
"""SV107 carries up to four diagnosis pointers (837P)."""


def _npi_problem(provider: Provider, what: str) -> str | None:
    if not provider.npi:
        return f"{what} has no NPI (NM108 XX / NM109)"
    if provider.npi_valid is False:
        return f"{what} NPI {provider.npi} fails its check digit"
    return None


class Structure(Rule):
    """Data the claim cannot be processed without is missing or inconsistent.

    What it checks
    --------------
    Claim level: at least one diagnosis; at least one service line; line charges that add
    up to the claim total (CLM02); a billing provider NPI, and a well-formed NPI (10 digits
    with a valid Luhn check digit) for every rendering or attending provider named; on an
    837I, the statement period.

    Line level: a procedure code (837P) or revenue code (837I); units greater than zero;
    a date of service (837P: every line); on an 837P, at least one diagnosis pointer and no
    pointer to a diagnosis that is not on the claim (SV107 pointing past the HI codes).

    Why it matters
    --------------
    A claim missing required data is returned as unprocessable (CARC 16, with a remark
    naming what is missing) or rejected by the clearinghouse before adjudication; it must
    be corrected and sent again, which delays payment and can run out the filing limit.

    Limitations
    -----------
    Only the elements above are checked, not every situational rule of the implementation
    guides (the X12 reader already rejects what it cannot parse). An NPI check digit proves
    the number is well formed, not that it is issued or enrolled. Line charges are compared
    to the cent.

    References
    ----------
    ASC X12N 837 Professional (005010X222A1) and Institutional (005010X223A2) TR3s: CLM02,
    HI, SV1/SV2, SV107, DTP*472 and the provider NM1 loops; Medicare Claims Processing
    Manual (Pub. 100-04), chapter 1, section 80.3.2 (incomplete or invalid claims).
    """

    code = "ST101"
    slug = "structure"
    title = "Required claim data missing or inconsistent"
    category = Category.STRUCTURE
    severity = Severity.ERROR
    citation = Citation(
        "ASC X12N 837 TR3s 005010X222A1 / 005010X223A2; CMS Pub. 100-04 chapter 1",
        "required claim and line elements; section 80.3.2 incomplete or invalid claims",
        "2010-06",
        "https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c01.pdf",
    )
    examples = (
        Example(
            "pointer-past-the-diagnoses",
            ExClaim(lines=(ExLine("99213"), ExLine("81002", dx=(2,))), dx=("I10",)),
            flags=(2,),
        ),
        Example(
            "pointer-to-the-last-diagnosis",
            ExClaim(lines=(ExLine("99213"), ExLine("81002", dx=(2,))), dx=("I10", "E11.9")),
        ),
        Example(
            "zero-units",
            ExClaim(lines=(ExLine("99213", units=0),)),
            flags=(1,),
        ),
        Example(
            "rendering-npi-check-digit",
            ExClaim(lines=(ExLine("99213"),), rendering_npi="1234567890"),
            flags=(None,),
        ),
        Example(
            "rendering-without-npi",
            ExClaim(lines=(ExLine("99213"),), rendering_npi=""),
            flags=(None,),
        ),
        Example(
            "institutional-complete",
            ExClaim(
                lines=(ExLine("", revenue_code="0450", dx=()),),
                claim_type="institutional",
                pos="13",
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        yield from self._claim_level(claim)
        for line in claim.lines:
            yield from self._line(claim, line)

    def _claim_level(self, claim: Claim) -> Iterator[Finding]:
        if not claim.diagnoses:
            yield self.finding(
                line=None,
                message="the claim has no diagnosis code (HI segment)",
                fix="Add the diagnosis codes that support the services, principal first.",
            )
        if not claim.lines:
            yield self.finding(
                line=None,
                message="the claim has no service lines",
                fix="Add the service lines (LX with SV1/SV2) billed on the claim.",
            )
        else:
            total = sum((ln.charge for ln in claim.lines), Decimal(0))
            if total != claim.total_charge:
                yield self.finding(
                    line=None,
                    message=f"line charges add up to {total:.2f} but the claim total (CLM02) "
                    f"is {claim.total_charge:.2f}",
                    fix="Make the claim total equal the sum of the line charges.",
                )
        problem = _npi_problem(claim.billing_provider, "the billing provider")
        if problem:
            yield self.finding(
                line=None,
                message=problem,
                fix="Send the billing provider's 10-digit NPI as enrolled with the payer.",
            )
        for provider, what in (
            (claim.rendering_provider, "the rendering provider"),
            (claim.attending_provider, "the attending provider"),
        ):
            problem = _npi_problem(provider, what) if provider is not None else None
            if problem:
                yield self.finding(
                    line=None,
                    message=problem,
                    fix="Send the provider's 10-digit NPI (check it in NPPES).",
                )
        if claim.claim_type == "institutional" and (
            claim.statement_from is None or claim.statement_to is None
        ):
            yield self.finding(
                line=None,
                message="the statement period (DTP*434) is missing",
                fix="Send the statement covers period (from and through dates).",
            )

    def _line(self, claim: Claim, line: ServiceLine) -> Iterator[Finding]:
        n = line.number
        professional = claim.claim_type == "professional"
        if professional and not line.procedure_code:
            yield self.finding(
                line=n,
                message=f"line {n} has no procedure code",
                fix="Add the CPT/HCPCS code of the service.",
            )
        if not professional and not line.revenue_code:
            yield self.finding(
                line=n,
                message=f"line {n} has no revenue code",
                fix="Add the revenue code (SV201) of the service.",
            )
        if line.units is None:
            yield self.finding(
                line=n,
                message=f"line {n} has no units",
                fix="Send the number of units or minutes billed.",
            )
        elif line.units <= 0:
            yield self.finding(
                line=n,
                message=f"line {n} bills {line.units} units",
                fix="Bill at least one unit, or remove the line.",
            )
        if professional and line.service_date_from is None:
            yield self.finding(
                line=n,
                message=f"line {n} has no date of service (DTP*472)",
                fix="Add the date the service was performed.",
            )
        if line.rendering_provider is not None:
            problem = _npi_problem(line.rendering_provider, f"line {n}'s rendering provider")
            if problem:
                yield self.finding(
                    line=n,
                    message=problem,
                    fix="Send the provider's 10-digit NPI (check it in NPPES).",
                )
        if professional:
            yield from self._pointers(claim, line)

    def _pointers(self, claim: Claim, line: ServiceLine) -> Iterator[Finding]:
        n = line.number
        if not line.diagnosis_pointers:
            yield self.finding(
                line=n,
                message=f"line {n} has no diagnosis pointer (SV107)",
                fix="Point the line to the diagnosis it treats.",
            )
            return
        count = len(claim.diagnoses)
        if not count:
            return  # the claim-level "no diagnosis" finding says it
        bad = [p for p in line.diagnosis_pointers if p < 1 or p > count]
        if bad:
            listed = ", ".join(str(p) for p in bad)
            yield self.finding(
                line=n,
                message=f"line {n} points to diagnosis {listed}, but the claim has "
                f"{count} diagnosis code{'s' if count != 1 else ''}",
                fix="Point the line only to diagnoses listed on the claim, or add the "
                "missing diagnosis.",
            )
        if len(line.diagnosis_pointers) > MAX_POINTERS:
            yield self.finding(
                line=n,
                message=f"line {n} has {len(line.diagnosis_pointers)} diagnosis pointers; "
                f"at most {MAX_POINTERS} are allowed",
                fix="Keep the four diagnoses most relevant to the line.",
            )
