"""One generated demo practice per test session (12 months x 250 encounters)."""

from __future__ import annotations

import pytest
from tests.synthetic._demo import AS_OF, MONTHS, SEED, Demo

from cleanclaim.analytics.synthetic import generate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    out = tmp_path_factory.mktemp("synthetic") / "demo"
    summary = generate(out, seed=SEED, months=MONTHS, claims_per_month=250, as_of=AS_OF)
    return Demo(out, summary)
