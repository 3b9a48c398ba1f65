"""NPI check digit: Luhn over the 80840 prefix and the first nine digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanclaim.x12.npi import npi_check_digit, valid_npi

NPI_CASES = [
    ("1234567893", True, "the CMS example NPI"),
    ("1234567890", False, "wrong check digit"),
    ("1234567894", False, "check digit off by one"),
    ("0000000006", True, "all zeros: the prefix alone contributes 24"),
    ("1999999992", True, "synthetic individual"),
    ("2123456785", False, "one transposed base digit"),
    ("123456789", False, "nine digits"),
    ("12345678931", False, "eleven digits"),
    ("123456789X", False, "letter check digit"),
    (" 1234567893", False, "leading space"),
    ("", False, "empty"),
    ("１２３４５６７８９３", False, "full-width digits"),
]


@pytest.mark.parametrize(("npi", "ok"), [pytest.param(n, ok, id=why) for n, ok, why in NPI_CASES])
def test_valid_npi(npi: str, ok: bool) -> None:
    assert valid_npi(npi) is ok


@pytest.mark.parametrize(
    ("base", "digit"), [("123456789", "3"), ("000000000", "6"), ("199999999", "2")]
)
def test_check_digit(base: str, digit: str) -> None:
    assert npi_check_digit(base) == digit


@pytest.mark.parametrize("base", ["12345678", "1234567890", "12345678X"])
def test_check_digit_needs_nine_digits(base: str) -> None:
    with pytest.raises(ValueError, match="an NPI base is 9 digits"):
        npi_check_digit(base)


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_matches_plain_luhn_over_the_prefixed_number(npi: str) -> None:
    assert valid_npi(npi) is _luhn_ok("80840" + npi)
