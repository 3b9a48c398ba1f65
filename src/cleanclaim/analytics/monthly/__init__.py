"""The monthly denial report computed from the database: one :class:`ReportData`.

``build_monthly_report(session, practice_id, month, store=...)`` reads the practice's
claims, scrubs, remittances, classified denials, work log and appeals, and returns the
report data that every format renders (:mod:`cleanclaim.analytics.report`). It writes
nothing. Classify denials first (``cleanclaim denials list`` or
:func:`cleanclaim.denials.service.classify_practice`): unclassified adjustments are not seen.
Then store what the report reads back (:func:`store_derived`: the resolved denial episodes
and HCC recapture by month), as ``cleanclaim report monthly`` and the demo do: without them,
or when the data changed since, the report computes them itself, with the same result, more
slowly.
"""

from __future__ import annotations

from cleanclaim.analytics.monthly.build import build_monthly_report, data_through, store_derived

__all__ = ["build_monthly_report", "data_through", "store_derived"]
