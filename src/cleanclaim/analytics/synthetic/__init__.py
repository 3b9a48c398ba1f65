"""The synthetic demo practice: seeded X12 files, sidecars and a truth ledger.

:func:`generate` writes it (``cleanclaim demo generate``); see docs/synthetic-practice.md for
the practice, the injected-error rate table, the payer behaviour table and the seed
contract. The payer behaviour table (:mod:`.payer_behaviour`) is the answer key: the denial
classifier never imports it.
"""

from cleanclaim.analytics.synthetic.files import GENERATOR, Summary
from cleanclaim.analytics.synthetic.generate import DEFAULT_AS_OF, generate

__all__ = ["DEFAULT_AS_OF", "GENERATOR", "Summary", "generate"]
