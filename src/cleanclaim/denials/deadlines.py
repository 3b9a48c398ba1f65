"""Appeal and timely-filing deadlines of a denial, from the payer registry.

**Appeal deadline.** The appeal clock starts when the remittance is received. The notice
date is the remittance's production date (DTM*405), else its payment date (BPR16): the
earlier of the two when both are known, so that the deadline is never later than the
payer's. Receipt is presumed :attr:`~cleanclaim.payers.registry.PayerTerms.receipt_presumption_days`
after the notice (Medicare: 5 days, 42 CFR 405.942), and the appeal is due
:attr:`~cleanclaim.payers.registry.PayerTerms.appeal_window_days` after receipt (Medicare
redetermination: 120 days). The date a file was ingested is *not* used as the receipt
date: it proves nothing about when the practice got the notice.

**Timely-filing deadline.** The date of service plus the payer's filing limit
(``"12m"``, ``"90d"``), with a payer pack's ``filing_limit`` override in force on that date
applied (:meth:`~cleanclaim.edits.packs.PackRegistry.effective_terms`). A corrected claim
must reach the payer by then.

Both are ``None`` when the payer has no registry terms: the queue says so and never
guesses a deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleanclaim.edits.packs import PackRegistry
from cleanclaim.payers.registry import PayerTerms

NOT_APPEALABLE = frozenset({"29"})
"""CARCs that cannot be appealed: 29, the time limit for filing has expired."""


def notice_date(production: dt.date | None, payment: dt.date | None) -> dt.date | None:
    """The date of the payer's notice: the earlier of the production and payment dates."""
    known = [d for d in (production, payment) if d is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one denial, and how they were found."""

    notice: dt.date | None
    """Notice (remittance) date the appeal clock runs from."""
    received: dt.date | None
    """Presumed date of receipt (notice + receipt presumption)."""
    appeal: dt.date | None
    """Last day to file the first-level appeal."""
    service: dt.date | None
    """Date of service the filing limit runs from."""
    timely_filing: dt.date | None
    """Last day a (corrected) claim can reach the payer."""
    filing_limit: str | None
    """The limit applied (``"12m"``...), after pack overrides."""
    appeal_window_days: int | None
    receipt_presumption_days: int | None
    payer_terms: str | None
    """``key@effective_from`` of the registry entry used (``None``: no terms)."""

    def days_left(self, today: dt.date) -> int | None:
        """Days from ``today`` to the appeal deadline (0 on the last day, negative after)."""
        return None if self.appeal is None else (self.appeal - today).days

    def filing_days_left(self, today: dt.date) -> int | None:
        """Days from ``today`` to the timely-filing deadline."""
        return None if self.timely_filing is None else (self.timely_filing - today).days


def deadlines_for(
    terms: PayerTerms | None,
    *,
    notice: dt.date | None,
    service: dt.date | None,
    packs: PackRegistry | None = None,
) -> Deadlines:
    """The deadlines of a denial noticed on ``notice`` for a service on ``service``."""
    if terms is None:
        return Deadlines(notice, None, None, service, None, None, None, None, None)
    received = appeal = None
    if notice is not None:
        received = notice + dt.timedelta(days=terms.receipt_presumption_days)
        appeal = terms.appeal_deadline(notice)
    limit: str | None = terms.timely_filing
    filing = None
    if service is not None:
        effective = packs.effective_terms(terms, service) if packs is not None else terms
        limit = effective.timely_filing
        filing = effective.timely_filing_deadline(service)
    return Deadlines(
        notice=notice,
        received=received,
        appeal=appeal,
        service=service,
        timely_filing=filing,
        filing_limit=limit,
        appeal_window_days=terms.appeal_window_days,
        receipt_presumption_days=terms.receipt_presumption_days,
        payer_terms=f"{terms.key}@{terms.effective_from.isoformat()}",
    )


def appealable(carc: str) -> bool:
    """Whether a denial with this CARC can be appealed (29, filing time expired, cannot)."""
    return carc.strip().upper() not in NOT_APPEALABLE
