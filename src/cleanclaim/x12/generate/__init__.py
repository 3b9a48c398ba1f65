"""Seeded generator of synthetic X12 files: 837P, 837I, 835, 999 and 277CA.

Inputs are plain frozen dataclasses (:mod:`.model`); writers return the interchange as a
string. Everything is deterministic for a given seed (``random.Random(seed)``, never the
global generator). All people, ids and payers are made up. See ``docs/generator.md``.
"""

from cleanclaim.x12.generate._ids import npi_check_digit, payer_claim_number
from cleanclaim.x12.generate.ack277 import (
    REJECTED_CATEGORIES,
    VERSION_277CA,
    ClaimAck,
    random_acks_for,
    write_277ca,
)
from cleanclaim.x12.generate.ack999 import (
    VERSION_999,
    Ack999ElementError,
    Ack999Group,
    Ack999SegmentError,
    Ack999Transaction,
    ack999_for,
    write_999,
)
from cleanclaim.x12.generate.claims837 import VERSION_837I, VERSION_837P, write_837i, write_837p
from cleanclaim.x12.generate.facility import random_facility_claims
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenLineAdjudication,
    GenOtherPayer,
    GenProviderAdjustment,
    GenRemit,
    GenServicePayment,
    Payer,
    Person,
    Practitioner,
    Subscriber,
    money,
)
from cleanclaim.x12.generate.practice import ALL_DX, demo_practice, random_practice_claims
from cleanclaim.x12.generate.remit835 import VERSION_835, write_835
from cleanclaim.x12.generate.remits_random import random_remits_for
from cleanclaim.x12.generate.writer import Party

__all__ = [
    "ALL_DX",
    "REJECTED_CATEGORIES",
    "VERSION_277CA",
    "VERSION_835",
    "VERSION_837I",
    "VERSION_837P",
    "VERSION_999",
    "Ack999ElementError",
    "Ack999Group",
    "Ack999SegmentError",
    "Ack999Transaction",
    "Address",
    "BillingProvider",
    "ClaimAck",
    "GenAdjustment",
    "GenClaim",
    "GenClaimPayment",
    "GenLine",
    "GenLineAdjudication",
    "GenOtherPayer",
    "GenProviderAdjustment",
    "GenRemit",
    "GenServicePayment",
    "Party",
    "Payer",
    "Person",
    "Practitioner",
    "Subscriber",
    "ack999_for",
    "demo_practice",
    "money",
    "npi_check_digit",
    "payer_claim_number",
    "random_acks_for",
    "random_facility_claims",
    "random_practice_claims",
    "random_remits_for",
    "write_277ca",
    "write_835",
    "write_837i",
    "write_837p",
    "write_999",
]
