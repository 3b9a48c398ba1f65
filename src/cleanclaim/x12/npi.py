"""National Provider Identifier (NPI) check digit.

An NPI is 10 digits; the last is a Luhn check digit computed over the card-issuer prefix
``80840`` followed by the first nine digits (the NPI standard's adaptation of ISO/IEC 7812).
Equivalently: Luhn over the nine digits alone, plus the constant 24 contributed by the
prefix. The check digit proves only that the number is well formed, not that it is issued.
"""

from __future__ import annotations

__all__ = ["NPI_PREFIX", "npi_check_digit", "valid_npi"]

NPI_PREFIX = "80840"


def npi_check_digit(base9: str) -> str:
    """The check digit for the first nine digits of an NPI.

    Raises ``ValueError`` when ``base9`` is not nine ASCII digits.
    """
    if len(base9) != 9 or not (base9.isascii() and base9.isdigit()):
        raise ValueError(f"an NPI base is 9 digits, got {len(base9)} characters")
    total = 0
    # Right to left over prefix + base: double the 1st, 3rd, 5th... digit (the check digit,
    # which would sit to the right, is not part of the sum).
    for i, ch in enumerate(reversed(NPI_PREFIX + base9)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def valid_npi(s: str) -> bool:
    """``s`` is 10 ASCII digits whose last digit is the NPI Luhn check digit."""
    if len(s) != 10 or not (s.isascii() and s.isdigit()):
        return False
    return npi_check_digit(s[:9]) == s[9]
