"""Made-up identifiers that still pass format checks: NPIs, MBIs, member ids, TINs.

The NPI check digit is the Luhn digit computed over ``80840`` + the first nine digits
(the 80840 prefix is the health-industry issuer prefix the NPI standard adds before
running Luhn). This is a private copy on purpose: the generator must not depend on the
validator it is used to test.
"""

from __future__ import annotations

import random
import zlib

_NPI_PREFIX = "80840"
# MBI: no S, L, O, I, B, Z in the letter positions.
_MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"
_MBI_ALNUM = _MBI_ALPHA + "0123456789"
_DIGITS = "0123456789"


def npi_check_digit(base9: str) -> str:
    """The Luhn check digit for a 9-digit NPI base (prefix 80840 included in the sum)."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"an NPI base has 9 digits, got {base9!r}")
    total = 0
    # Walk right to left over prefix+base; double every other digit starting with the last.
    for i, ch in enumerate(reversed(_NPI_PREFIX + base9)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def random_npi(rng: random.Random, *, entity: int = 1) -> str:
    """A 10-digit NPI with a valid check digit; starts with 1 (individual) or 2 (organisation)."""
    first = "1" if entity == 1 else "2"
    base = first + "".join(rng.choices(_DIGITS, k=8))
    return base + npi_check_digit(base)


def random_tin(rng: random.Random) -> str:
    """A 9-digit employer id in a made-up range (never 00 as the prefix)."""
    return str(rng.randint(10, 99)) + "".join(rng.choices(_DIGITS, k=7))


def random_mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier shaped value (format only; not a real person's)."""
    c = rng.choice
    return (
        c("123456789")
        + c(_MBI_ALPHA)
        + c(_MBI_ALNUM)
        + c(_DIGITS)
        + c(_MBI_ALPHA)
        + c(_MBI_ALNUM)
        + c(_DIGITS)
        + c(_MBI_ALPHA)
        + c(_MBI_ALPHA)
        + c(_DIGITS)
        + c(_DIGITS)
    )


def random_member_id(rng: random.Random, prefix: str) -> str:
    """A commercial-style member id: a 3-letter prefix and 9 digits."""
    return prefix + "".join(rng.choices(_DIGITS, k=9))


def payer_claim_number(claim_id: str, payer_id: str) -> str:
    """A stable payer claim control number for a claim at a payer.

    Derived from the ids (not from a seed), so a 277CA ``REF*1K`` and the 835 ``CLP07``
    generated separately for the same claim agree.
    """
    key = f"{payer_id}|{claim_id}".encode()
    a = zlib.crc32(key)
    b = zlib.crc32(key[::-1])
    return f"{a % 10**7:07d}{b % 10**7:07d}"
