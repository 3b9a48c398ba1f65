"""The bad-input catalogue (reliability-security.md, section b) as ingest tests.

Every case asserts the unit affected (file, interchange or transaction set), the 1-based
segment position and the exact error text; that nothing escapes but a clean report; and that
the database holds exactly the committed sets plus one quarantine row per rejected unit.

Inputs the ingester accepts by design (other delimiters, line ends, names holding ``ISA``...)
carry the *probe*: SE01 of one set is made wrong, and the test asserts that exactly that set
is quarantined at the position it has in the canonical file, so the input was read segment
for segment like the canonical one. Where ingest accepts and only ``cleanclaim validate``
objects (trailing separators, bad characters, duplicate ISA13, unknown segments...), the
three assertions are made on the validate finding, and where the 835 does not balance, on the
balance issue. See docs/bad-input.md for the catalogue-number-to-test-id table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.badinput import _build as b
from tests.badinput.conftest import Counts, Ingest

from cleanclaim.claims.ingest import FileReport
from cleanclaim.errors import UsageError
from cleanclaim.settings import reset_settings
from cleanclaim.storage.db import get_engine
from cleanclaim.storage.tables_x12 import ClaimRow, Quarantine, RemitClaimRow, X12File
from cleanclaim.x12.generate import GenProviderAdjustment
from cleanclaim.x12.validate import validate_file

T = b.THREE
P = b.se01_wrong(T)
"""The probe: SE01 of set 0003 one too low."""
ISA = T[:106]
SET = "transaction set"
IC = "interchange"
FILE = "file"
NONE = "none"
ALL = ("A1", "A2", "A3")
PROBE = ((("0003", 71, b.se01_reason(T)),), ("A1", "A2"))
"""What the probe leaves: set 0003 quarantined at its SE (71), A1 and A2 stored."""

Q = tuple[str | None, int | None, str]


@dataclass(frozen=True)
class Case:
    number: int
    data: str | bytes
    unit: str
    """file, interchange, transaction set, or none (nothing rejected, nothing flagged)."""
    quarantined: tuple[Q, ...] = ()
    stored: tuple[str, ...] = ()
    """CLM01 of the stored claims, then ``r:`` + CLP01 of the stored 835 claims."""
    sets: int | None = None
    """ST segments in the file, when it is read to its end."""
    finding: tuple[str, str, int | None, str] | None = None
    """A validate finding (severity, unit, segment, message) that must be reported."""
    pyx12: bool = False
    balance: tuple[tuple[str, int, str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    name: str = "in.x12"


def probe(data: str | bytes, number: int, **kw: object) -> Case:
    """``data`` made from :data:`P` (the probe in its third set, positions as in :data:`T`)."""
    quarantined, stored = PROBE
    return Case(number, data, SET, quarantined, stored, 3, **kw)  # type: ignore[arg-type]


def each_set(reason: str, segment: int | None = None) -> tuple[Q, ...]:
    return tuple((c, segment or s, reason) for c, s in (("0001", 3), ("0002", 26), ("0003", 49)))


TOO_LONG = "segment longer than 200 bytes (missing segment terminator '~'?)"
LONG = T.replace(
    "CLM*A2*100***11:B:1*Y*A*Y*Y~", "CLM*A2*100***11:B:1*Y*A*Y*Y~NTE*ADD*" + "LONG NOTE " * 30 + "~"
)
DELIMS = "unusable delimiters in ISA: element '*', component "
IEA1 = "interchange 000000001: "
GE = IEA1 + "functional group 1: "
REMITS = b.REMITS
BPR = (
    "0001",
    4,
    "transaction",
    "segment 4 (BPR): total paid 999.00 does not balance: sum of "
    "CLP04 140.00 minus sum of PLB 7.50 is 132.50",
)
R_ALL = ("r:A1", "r:A2", "r:A3")
SECOND_835 = b.redelimit(b.se01_wrong(REMITS, "0002"), "|", ">", "!", "~")
MIXED_AT = 73 + b.position(REMITS, "SE*", 2)
_834 = b.other(
    "834",
    "005010X220A1",
    [
        "BGN*00*12456*20260310*1200****2",
        "N1*P5*SPONSOR*FI*999888777",
        "N1*IN*DEMO COMMERCIAL HEALTH*FI*999888776",
        "INS*Y*18*030*XN*A",
        "REF*0F*MBR0001",
        "NM1*IL*1*THISTLEWOOD*MARY",
    ],
    "BE",
)
REVERSAL = b.payment("A1", status="22", charge="-100", written_off="-30")

CASES = [
    # -- the file cannot be read as X12 ------------------------------------------------------
    pytest.param(
        Case(1, "", FILE, ((None, None, "empty file: not an X12 interchange"),)), id="01-empty-file"
    ),
    pytest.param(
        Case(1, " \r\n\t \n", FILE, ((None, None, "empty file: not an X12 interchange"),)),
        id="01-whitespace-only",
    ),
    pytest.param(
        Case(
            2,
            "XYZ\n" + T,
            FILE,
            ((None, None, "not an X12 interchange: the file does not start with ISA"),),
        ),
        id="02-leading-junk",
    ),
    pytest.param(
        Case(
            2,
            T.encode("utf-16"),
            FILE,
            ((None, None, "file is UTF-16 encoded; X12 must be single-byte text"),),
        ),
        id="02-utf16",
    ),
    pytest.param(
        probe(
            "  \r\n" + P,
            2,
            finding=("warning", FILE, 1, "4 whitespace byte(s) before the first ISA were skipped"),
        ),
        id="02-leading-whitespace-skipped-and-warned",
    ),
    pytest.param(
        probe(
            b"\xef\xbb\xbf" + P.encode(),
            2,
            finding=("warning", FILE, 1, "a UTF-8 byte-order mark before the ISA was skipped"),
        ),
        id="02-utf8-bom-stripped-and-warned",
    ),
    pytest.param(
        Case(
            3,
            T[:80],
            FILE,
            ((None, 1, "ISA is truncated or malformed: fewer than 16 elements separated by '*'"),),
        ),
        id="03-truncated-isa",
    ),
    pytest.param(
        Case(
            4,
            T.replace("*ZZ*SUBMITTER      *", "*ZZ*SUBMITTER*", 1),
            IC,
            each_set(IEA1 + "ISA is 100 characters long, expected 106", 1),
            (),
            3,
        ),
        id="04-isa-fixed-width-field-short",
    ),
    # -- delimiters and line ends: read identically ---------------------------------------
    pytest.param(probe(b.redelimit(P, "|", ">", "^", "~"), 5), id="05-pipe-and-angle-delimiters"),
    pytest.param(
        probe(b.redelimit(P, "\x1d", "\x1f", "\x1e", "\x1c"), 5), id="05-binary-delimiters"
    ),
    pytest.param(probe(P.replace("~", "~\r\n"), 6), id="06-crlf-after-terminator"),
    pytest.param(probe(P.replace("~", "~\n"), 6), id="06-lf-after-terminator"),
    pytest.param(probe(P.replace("~", "~\r"), 6), id="06-cr-after-terminator"),
    pytest.param(probe(b.redelimit(P, "*", ":", "^", "\n"), 7), id="07-newline-is-the-terminator"),
    pytest.param(
        Case(
            8,
            T.replace("*:~", "*: ~", 1),
            FILE,
            ((None, 1, DELIMS + "':', segment terminator ' '"),),
        ),
        id="08-space-before-terminator",
    ),
    pytest.param(
        Case(
            9,
            "\n".join(T[i : i + 80] for i in range(0, len(T), 80)),
            FILE,
            ((None, 3, "line break inside a segment (is the file hard-wrapped?)"),),
        ),
        id="09-hard-wrapped-at-80",
    ),
    pytest.param(
        probe(
            P.replace("*^*00501*", "*U*00501*", 1),
            10,
            finding=(
                "warning",
                IC,
                1,
                "ISA11 'U' is not a usable repetition separator for version '00501': "
                "repeated elements are not split",
            ),
        ),
        id="10-isa11-u-in-5010",
    ),
    pytest.param(
        Case(
            12,
            T.replace("*T*:~", "*T**~", 1),
            FILE,
            ((None, 1, DELIMS + "'*', segment terminator '~'"),),
        ),
        id="12-element-equals-component",
    ),
    pytest.param(
        Case(
            12,
            T.replace("*T*:~", "*T*:*", 1),
            FILE,
            ((None, 1, DELIMS + "':', segment terminator '*'"),),
        ),
        id="12-terminator-equals-element",
    ),
    pytest.param(
        probe(P.replace("THISTLEWOOD", "ISAAC").replace("*MARY*", "*ISA*"), 13),
        id="13-data-containing-isa",
    ),
    # -- several interchanges ----------------------------------------------------------------
    pytest.param(
        Case(
            14,
            T + b.redelimit(b.se01_wrong(b.SECOND, "0002"), "|", ">", "!", "\x1c"),
            SET,
            (("0002", 73 + b.position(b.SECOND, "SE*", 2), b.se01_reason(b.SECOND, "0002")),),
            (*ALL, "B1"),
            5,
        ),
        id="14-two-interchanges-other-delimiters-no-newline",
    ),
    pytest.param(
        Case(
            14,
            T + "\n" + SECOND_835,
            SET,
            (("0002", MIXED_AT, b.se01_reason(REMITS, "0002")),),
            (*ALL, "r:A1", "r:A2"),
            5,
        ),
        id="14-837-and-835-interchanges-with-newline",
    ),
    pytest.param(
        Case(
            15,
            T + T,
            IC,
            (),
            ALL,
            6,
            finding=(
                "error",
                IC,
                74,
                "duplicate ISA13 '000000001': interchange 1 of this file has the same "
                "control number",
            ),
        ),
        id="15-duplicate-isa13-in-file",
    ),
    # -- envelope damage ----------------------------------------------------------------------
    pytest.param(
        Case(
            16,
            T.replace("IEA*1*", "IEA*2*"),
            IC,
            each_set(IEA1 + "IEA01 group count is '2' but the interchange has 1", 73),
            (),
            3,
        ),
        id="16-iea01-group-count-wrong",
    ),
    pytest.param(
        Case(
            17,
            T.replace("IEA*1*000000001", "IEA*1*000000009"),
            IC,
            each_set(
                IEA1 + "IEA02 control number '000000009' does not match ISA13 '000000001'", 73
            ),
            (),
            3,
        ),
        id="17-iea02-not-isa13",
    ),
    pytest.param(
        Case(
            18,
            T[: T.index("IEA")],
            IC,
            each_set(IEA1 + "missing IEA at end of file (file truncated?)"),
            (),
            3,
        ),
        id="18-missing-iea",
    ),
    pytest.param(
        Case(
            19,
            T.replace("GE*3*1~", "GE*2*1~"),
            IC,
            each_set(GE + "GE01 transaction set count is '2' but the group has 3", 72),
            (),
            3,
        ),
        id="19-ge01-count-wrong",
    ),
    pytest.param(
        Case(
            19,
            T.replace("GE*3*1~", "GE*3*7~"),
            IC,
            each_set(GE + "GE02 control number '7' does not match GS06 '1'", 72),
            (),
            3,
        ),
        id="19-ge02-not-gs06",
    ),
    pytest.param(
        Case(19, T.replace("GE*3*1~", ""), IC, each_set(GE + "missing GE before IEA", 72), (), 3),
        id="19-missing-ge",
    ),
    pytest.param(
        Case(
            19,
            T.replace("IEA*1*", "IEA*2*").replace(
                "IEA",
                T[T.index("GS*") : T.index("GE*")]
                .replace("*A1*", "*C1*")
                .replace("*A2*", "*C2*")
                .replace("*A3*", "*C3*")
                + "GE*3*1~IEA",
            ),
            IC,
            (
                *each_set(GE + "duplicate GS06 '1' in the interchange", 73),
                *(
                    (c, 73, GE + "duplicate GS06 '1' in the interchange")
                    for c in ("0001", "0002", "0003")
                ),
            ),
            (),
            6,
        ),
        id="19-duplicate-gs06",
    ),
    pytest.param(
        Case(
            20,
            T.replace("SE*23*0002", "SE*22*0002"),
            SET,
            (("0002", 48, "SE01 segment count is '22' but the transaction set has 23 segments"),),
            ("A1", "A3"),
            3,
        ),
        id="20-se01-count-wrong",
    ),
    pytest.param(
        Case(
            21,
            T.replace("SE*23*0002", "SE*23*0009"),
            SET,
            (("0002", 48, "SE02 control number '0009' does not match ST02 '0002'"),),
            ("A1", "A3"),
            3,
        ),
        id="21-se02-not-st02",
    ),
    pytest.param(
        Case(
            21,
            T.replace("SE*23*0002~", ""),
            SET,
            (("0002", 48, "missing SE before the next ST"),),
            ("A1", "A3"),
            3,
        ),
        id="21-missing-se",
    ),
    pytest.param(
        Case(
            21,
            T.replace("ST*837*0003", "ST*837*0002").replace("SE*23*0003", "SE*23*0002"),
            SET,
            (("0002", 49, "duplicate ST02 '0002' in the functional group"),),
            ("A1", "A2"),
            3,
        ),
        id="21-duplicate-st02",
    ),
    # -- segments ---------------------------------------------------------------------------
    pytest.param(
        probe(P.replace("~N3", "~\n\n~~N3").replace("~BHT", "~ ~BHT"), 22),
        id="22-blank-lines-and-empty-segments",
    ),
    pytest.param(
        Case(
            23,
            T.replace("N3*1 MAPLE AVE~", "*1 MAPLE AVE~", 1),
            SET,
            (("0001", 10, "malformed segment id ''"),),
            ("A2", "A3"),
            3,
        ),
        id="23-empty-segment-id",
    ),
    pytest.param(
        Case(
            23,
            T.replace("N3*1 MAPLE AVE~", "N333*1 MAPLE AVE~", 1),
            SET,
            (("0001", 10, "malformed segment id 'N333'"),),
            ("A2", "A3"),
            3,
        ),
        id="23-segment-id-too-long",
    ),
    pytest.param(
        Case(
            23,
            T.replace("N3*1 MAPLE AVE~", "n3*1 MAPLE AVE~", 1),
            SET,
            (("0001", 10, "malformed segment id 'n3'"),),
            ("A2", "A3"),
            3,
        ),
        id="23-lower-case-segment-id",
    ),
    pytest.param(
        Case(
            23,
            T.replace("N3*1 MAPLE AVE~", "ZZZ*1 MAPLE AVE~", 1),
            SET,
            (),
            ALL,
            3,
            finding=(
                "error",
                SET,
                10,
                "Segment ZZZ not found. Started at "
                "/ISA_LOOP/GS_LOOP/ST_LOOP/DETAIL/2000A/2010AA/NM1",
            ),
            pyx12=True,
        ),
        id="23-unknown-segment-validate-only",
    ),
    pytest.param(
        Case(
            24,
            T.replace("REF*EI*371234567~", "REF*EI*371234567**~", 1),
            SET,
            (),
            ALL,
            3,
            finding=("warning", SET, 12, "trailing element separator(s) at the end of the segment"),
        ),
        id="24-trailing-element-separators-warned",
    ),
    pytest.param(
        Case(
            25,
            T.replace("THISTLEWOOD", "THIST\x00LE\x07WOOD", 1),
            SET,
            (),
            ALL,
            3,
            finding=(
                "error",
                SET,
                15,
                "invalid character 0x00 in NM103 (X12 allows printable ASCII only)",
            ),
        ),
        id="25-nul-and-control-characters",
    ),
    pytest.param(
        Case(
            25,
            T.replace("THISTLEWOOD", "THISTLÉWOOD", 1).encode("utf-8"),
            SET,
            (),
            ALL,
            3,
            finding=(
                "error",
                SET,
                15,
                "invalid character 0xC3 in NM103 (X12 allows printable ASCII only)",
            ),
        ),
        id="25-utf8-multibyte",
    ),
    pytest.param(
        Case(
            25,
            T.replace("THISTLEWOOD", "THISTL\xe9WOOD", 1),
            SET,
            (),
            ALL,
            3,
            finding=(
                "error",
                SET,
                15,
                "invalid character 0xE9 in NM103 (X12 allows printable ASCII only)",
            ),
        ),
        id="25-latin1-byte",
    ),
    pytest.param(
        Case(
            27,
            LONG,
            FILE,
            (("0001", 44, IEA1 + TOO_LONG), (None, 44, TOO_LONG)),
            env=(("CLEANCLAIM_MAX_SEGMENT_BYTES", "200"),),
        ),
        id="27-enormous-segment-over-the-cap",
    ),
    pytest.param(
        Case(
            28,
            T.replace("HL*2*1*22*0", "HL*2*9*22*0", 1),
            SET,
            (("0001", 13, "HL02 parent '9' is not an earlier HL"),),
            ("A2", "A3"),
            3,
        ),
        id="28-hl-parent-unknown",
    ),
    pytest.param(
        Case(
            28,
            T.replace("HL*2*1*22*0", "HL*2*2*22*0", 1),
            SET,
            (("0001", 13, "HL02 parent '2' is not an earlier HL"),),
            ("A2", "A3"),
            3,
        ),
        id="28-hl-cycle",
    ),
    pytest.param(
        Case(
            28,
            T.replace("HL*2*1*22*0", "HL*3*1*22*0", 1),
            SET,
            (),
            ALL,
            3,
            finding=("error", SET, 13, "My HL count 2 does not match your HL count 3"),
            pyx12=True,
        ),
        id="28-hl-ids-not-incrementing-validate-only",
    ),
    # -- interchange acknowledgments and other kinds ----------------------------------------------
    pytest.param(
        Case(
            29,
            b.se01_wrong(ISA + "TA1*000000001*260310*1200*A*000~" + T[106:]),
            SET,
            (("0003", 72, b.se01_reason(T)),),
            ("A1", "A2"),
            3,
        ),
        id="29-ta1-between-isa-and-gs",
    ),
    pytest.param(
        Case(29, ISA + "TA1*000000001*260310*1200*A*000~IEA*0*000000001~", NONE, sets=0),
        id="29-bare-isa-ta1-iea",
    ),
    pytest.param(Case(30, _834, NONE, sets=1), id="30-834-is-skipped-nothing-stored"),
    pytest.param(
        Case(
            30,
            T.replace("ST*837*0002*005010X222A1", "ST*837*0002*005010X223A2"),
            SET,
            (("0002", 26, "ST03 '005010X223A2' does not match GS08 '005010X222A1'"),),
            ("A1", "A3"),
            3,
        ),
        id="30-837i-set-in-837p-group",
    ),
    pytest.param(
        Case(
            31,
            T.replace("ST*837*0002*005010X222A1", "ST*837*0002*005010X222"),
            SET,
            (("0002", 26, "ST03 '005010X222' does not match GS08 '005010X222A1'"),),
            ("A1", "A3"),
            3,
        ),
        id="31-st03-gs08-disagree",
    ),
    pytest.param(
        Case(
            31,
            T.replace("005010X222A1", "004010X098A1").replace("*00501*", "*00401*"),
            SET,
            each_set(
                "version '004010X098A1' is not supported: cleanclaim reads "
                "5010 (00501...) 837 files only"
            ),
            (),
            3,
        ),
        id="31-4010-file",
    ),
    # -- 835 money ------------------------------------------------------------------------------
    pytest.param(
        Case(
            32, REMITS.replace("BPR*C*132.5*", "BPR*C*999*", 1), SET, (), R_ALL, 2, balance=(BPR,)
        ),
        id="32-plb-and-bpr02-not-balancing",
    ),
    pytest.param(
        Case(
            33,
            b.r835(b.remit(b.payment("D1", status="4", written_off="100"))),
            NONE,
            (),
            ("r:D1",),
            1,
        ),
        id="33-bpr02-zero",
    ),
    pytest.param(
        Case(
            33,
            b.r835(b.remit(REVERSAL, plb=(GenProviderAdjustment("FB", Decimal("-70"), "PCN1"),))),
            NONE,
            (),
            ("r:A1",),
            1,
        ),
        id="33-forward-balance-negative-net",
    ),
    pytest.param(
        Case(
            34,
            b.r835(b.remit(REVERSAL, b.payment("A1", pcn="PCN2"))),
            NONE,
            (),
            ("r:A1", "r:A1"),
            1,
        ),
        id="34-reversal-then-correction",
    ),
    pytest.param(
        Case(
            35,
            b.r835(
                b.remit(
                    b.payment("A1", written_off="60"), b.payment("A1", written_off="70", pcn="PCN2")
                )
            ),
            NONE,
            (),
            ("r:A1", "r:A1"),
            1,
        ),
        id="35-split-claim-same-clp01",
    ),
    pytest.param(
        Case(
            36,
            T.replace("CLM*A2*100*", "CLM*A2*1E2*"),
            SET,
            (("0002", 43, "CLM02 is not an X12 decimal number"),),
            ("A1", "A3"),
            3,
        ),
        id="36-exponent",
    ),
    pytest.param(
        Case(
            36,
            T.replace("CLM*A2*100*", "CLM*A2*1,000.00*"),
            SET,
            (("0002", 43, "CLM02 is not an X12 decimal number"),),
            ("A1", "A3"),
            3,
        ),
        id="36-thousands-separator",
    ),
    pytest.param(
        Case(
            36,
            T.replace("CLM*A2*100*", "CLM*A2*" + "1" * 20 + "*"),
            SET,
            (("0002", 43, "CLM02 is not an X12 decimal number"),),
            ("A1", "A3"),
            3,
        ),
        id="36-twenty-digits",
    ),
    pytest.param(
        probe(
            P.replace("CLM*A1*100*", "CLM*A1*.5*")
            .replace("SV1*HC:99213*100*", "SV1*HC:99213*100.*", 1)
            .replace("CLM*A2*100*", "CLM*A2*-37.5*"),
            36,
        ),
        id="36-point-five-trailing-point-negative",
    ),
    pytest.param(
        Case(
            36,
            REMITS.replace("CLP*A1*1*100*70*", "CLP*A1*1*100*7E1*", 1),
            SET,
            (("0001", 17, "CLP04 is not a valid amount"),),
            ("r:A3",),
            2,
        ),
        id="36-835-exponent",
    ),
    pytest.param(
        Case(
            37,
            REMITS.replace("CAS*CO*45*30~", "CAS*CO*45*31~", 1),
            SET,
            (),
            R_ALL,
            2,
            balance=(
                (
                    "0001",
                    17,
                    "claim",
                    "segment 17 (CLP) claim A1: charge 100.00 minus "
                    "paid 70.00 is 30.00, but adjustments total 31.00 (claim 0.00, lines "
                    "31.00)",
                ),
                (
                    "0001",
                    19,
                    "line",
                    "segment 19 (SVC) claim A1 line 1: charge 100.00 "
                    "minus paid 70.00 is 30.00, but line adjustments total 31.00",
                ),
            ),
        ),
        id="37-cas-does-not-balance",
    ),
    # -- dates, hostile text, compressed upload, file names ---------------------------------------
    pytest.param(
        Case(
            40,
            T.replace("DTP*472*D8*20260302", "DTP*472*D8*20260230", 1),
            SET,
            (("0001", 24, "DTP03 is not a valid D8 date"),),
            ("A2", "A3"),
            3,
        ),
        id="40-impossible-date",
    ),
    pytest.param(
        Case(
            40,
            T.replace("DTP*472*D8*20260302", "DTP*472*RD8*20260305-20260302", 1),
            SET,
            (("0001", 24, "DTP03 is a date range that ends before it starts"),),
            ("A2", "A3"),
            3,
        ),
        id="40-rd8-range-reversed",
    ),
    pytest.param(
        Case(
            40,
            T.replace("DMG*D8*19610714", "DMG*D8*19610230", 1),
            SET,
            (("0001", 18, "DMG02 is not a valid D8 date"),),
            ("A2", "A3"),
            3,
        ),
        id="40-impossible-birth-date",
    ),
    pytest.param(
        probe(
            P.replace("THISTLEWOOD", "<script>alert(1)</script>")
            .replace("*MARY*", '*=HYPERLINK("http://x")*')
            .replace("1 MAPLE AVE", "'; DROP TABLE claim; --"),
            42,
        ),
        id="42-hostile-text",
    ),
    pytest.param(
        Case(
            44,
            b.gz(T),
            FILE,
            ((None, None, "not an X12 interchange: the file does not start with ISA"),),
        ),
        id="44-gzip-upload",
    ),
    pytest.param(probe(P, 45, name="..\x07 evil\tname .835"), id="45-control-characters-in-name"),
]


def affected_unit(report: FileReport) -> str:
    """What ingest rejected: the file (reading stopped), interchanges, sets, or nothing."""
    q = report.quarantined
    if not q:
        return NONE
    if any(e.set is None and not e.reason.startswith("interchange ") for e in q):
        return FILE
    if all(e.reason.startswith("interchange ") for e in q):
        return IC
    return SET


def _stored(db_url: str) -> tuple[list[str], list[tuple[Q, ...]]]:
    with get_engine(db_url).connect() as conn:
        claims = sorted(conn.execute(sa.select(ClaimRow.clm01)).scalars())
        remits = sorted("r:" + c for c in conn.execute(sa.select(RemitClaimRow.clp01)).scalars())
        rows = conn.execute(
            sa.select(Quarantine.set_control, Quarantine.segment, Quarantine.reason).order_by(
                Quarantine.id
            )
        ).all()
    return claims + remits, [tuple(r) for r in rows]


@pytest.mark.parametrize("case", CASES)
def test_catalogue(
    case: Case,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
    ingest: Ingest,
    counts: Counts,
) -> None:
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    reset_settings()
    path = b.write(tmp_path, case.name, case.data)
    report = ingest(path)  # anything but a clean report fails the test
    got = [(q.set, q.segment, q.reason) for q in report.quarantined]
    assert got == list(case.quarantined)
    stored, rows = _stored(db_url)
    assert rows == got
    assert stored == sorted(case.stored)
    if case.quarantined:
        assert affected_unit(report) == case.unit
    else:
        assert affected_unit(report) == NONE
    # consistency: committed sets + quarantined sets (+ skipped) = the sets of the file
    rows_now = counts()
    assert rows_now["x12_file"] == 1
    assert rows_now["x12_quarantine"] == len(got)
    if case.sets is not None:
        rejected = [q for q in report.quarantined if q.set is not None]
        assert report.accepted_sets + report.skipped_sets + len(rejected) == case.sets
    new = rows_now["claim"] + rows_now["remit_claim"]
    assert new == report.claims - report.duplicate_claims
    assert rows_now["claim_line"] == len([s for s in stored if not s.startswith("r:")])
    assert rows_now["remit_claim"] == len([s for s in stored if s.startswith("r:")])
    assert [
        (i["set"], i["segment"], i["rule"], i["message"]) for i in report.balance_issues
    ] == list(case.balance)
    if case.balance:  # a SNIP 3 warning on one set: the set is stored, the issue recorded
        assert case.unit == SET
        assert rows_now["remit_balance_issue"] == len(case.balance)
    if case.finding is not None:
        severity, unit, segment, message = case.finding
        findings = validate_file(path, use_pyx12=case.pyx12).findings
        assert (severity, unit, segment, message) in [
            (f.severity.value, f.unit.value, f.segment, f.message) for f in findings
        ]
        if not case.quarantined:
            assert unit == case.unit


def test_catalogue_has_at_least_thirty_rejecting_cases() -> None:
    rejecting = [p for p in CASES if p.values[0].unit != NONE]
    assert len(rejecting) >= 30
    assert len({p.values[0].number for p in CASES}) >= 30


def test_file_over_the_size_cap_is_refused_before_parsing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ingest: Ingest,
    counts: Counts,
) -> None:
    """Catalogue 26: over the configured cap, nothing is read and nothing is stored."""
    monkeypatch.setenv("CLEANCLAIM_MAX_X12_FILE_BYTES", "1000")
    reset_settings()
    path = b.write(tmp_path, "big.x12", T)
    with pytest.raises(UsageError) as exc:
        ingest(path)
    assert str(exc.value) == (
        f"{path}: {len(T)} bytes is over the limit of 1000 (CLEANCLAIM_MAX_X12_FILE_BYTES)"
    )
    assert set(counts().values()) == {0}


def test_hostile_text_is_stored_verbatim(tmp_path: Path, db_url: str, ingest: Ingest) -> None:
    """Catalogue 42: stored as sent (bounded by the segment cap), through bound parameters."""
    hostile = T.replace("THISTLEWOOD", "<script>alert(1)</script>", 1).replace(
        "*MARY*", "*'; DROP TABLE claim; --*", 1
    )
    ingest(b.write(tmp_path, "in.x12", hostile))
    with get_engine(db_url).connect() as conn:
        claim_json = conn.execute(
            sa.select(ClaimRow.claim_json).where(ClaimRow.clm01 == "A1")
        ).scalar_one()
        count = conn.execute(sa.select(sa.func.count()).select_from(ClaimRow)).scalar_one()
    text = json.dumps(claim_json)
    assert "<script>alert(1)</script>" in text
    assert "'; DROP TABLE claim; --" in text
    assert count == 3


def test_control_characters_in_the_file_name_are_kept_as_data(
    tmp_path: Path,
    db_url: str,
    ingest: Ingest,
) -> None:
    """Catalogue 45: the name is stored for display only, never used as a storage path."""
    name = "..\x07 evil\tname .835"
    ingest(b.write(tmp_path, name, T))
    with get_engine(db_url).connect() as conn:
        assert conn.execute(sa.select(X12File.name)).scalar_one() == name


def test_repeated_hi_composites_are_all_kept() -> None:
    """Catalogue 11: a repetition separator inside an HI element must not lose codes."""
    import io

    from cleanclaim.x12.envelope import iter_transaction_sets
    from cleanclaim.x12.parse837 import parse_837

    text = T.replace("HI*ABK:E119", "HI*ABK:E119^ABF:I10", 1)
    ts = next(iter_transaction_sets(io.BytesIO(text.encode("latin-1"))))
    claim = parse_837(ts, ts.delimiters, "in.x12")[0]
    assert [d.code for d in claim.diagnoses] == ["E119", "I10"]


def test_set_less_rejected_interchanges_in_a_row_keep_every_quarantine_row(
    tmp_path: Path,
    db_url: str,
    ingest: Ingest,
) -> None:
    """Found by the property test: ISA, ISA, then a whole interchange."""
    report = ingest(b.write(tmp_path, "in.x12", ISA + ISA + T))
    reason = IEA1 + "missing IEA before the next ISA"
    assert [(q.set, q.segment, q.reason) for q in report.quarantined] == [
        (None, 2, reason),
        (None, 3, reason),
    ]
    assert _stored(db_url) == (list(ALL), [(None, 2, reason), (None, 3, reason)])
