"""Fixtures for the scrubber tests: the bundled store and Medicare registry terms."""

from __future__ import annotations

import pytest

from cleanclaim.payers.registry import BUNDLED, PayerTerms, read_toml


@pytest.fixture(scope="session")
def medicare() -> PayerTerms:
    (terms,) = read_toml(BUNDLED)
    return terms
