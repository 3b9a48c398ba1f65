"""``cleanclaim validate``: SNIP 1-2 findings, the pyx12 wrapper, the 999 and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from _genfixtures import KINDS, build, hand_file, pyx12_problems
from tests.badinput import _build as b

from cleanclaim.x12.ack_writer import render_999
from cleanclaim.x12.envelope import iter_transaction_sets
from cleanclaim.x12.parse_ack import parse_999
from cleanclaim.x12.validate import ValidationReport, validate_file

T = b.THREE
CREATED = dt.datetime(2026, 3, 11, 9, 30)
E, W = "error", "warning"
SET, IC, GROUP, FILE = "transaction set", "interchange", "functional group", "file"
PRINTABLE = "(X12 allows printable ASCII only)"


def check(tmp_path: Path, data: str | bytes, *, use_pyx12: bool = True) -> ValidationReport:
    path = tmp_path / "in.x12"
    path.write_bytes(data.encode("latin-1") if isinstance(data, str) else data)
    return validate_file(path, use_pyx12=use_pyx12)


def rows(report: ValidationReport) -> list[tuple[object, ...]]:
    return [
        (f.severity.value, f.unit.value, f.segment, f.source, f.code_element, f.code, f.message)
        for f in report.findings
    ]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_generated_files_have_no_findings(tmp_path: Path, kind: str, seed: int) -> None:
    report = check(tmp_path, build(kind, seed))
    assert (rows(report), report.pyx12, report.ok) == ([], "ran", True)


@pytest.mark.parametrize("kind", KINDS)
def test_hand_built_files_have_no_findings(tmp_path: Path, kind: str) -> None:
    assert rows(check(tmp_path, hand_file(kind))) == []


CASES = [
    pytest.param(
        T.replace("SE*23*0002", "SE*22*0002"),
        [
            (
                E,
                SET,
                48,
                "cleanclaim",
                "IK502",
                "4",
                "SE01 segment count is '22' but the transaction set has 23 segments",
            )
        ],
        id="se01-own-finding-pyx12-duplicate-merged",
    ),
    pytest.param(
        T.replace("ST*837*0003", "ST*837*0002").replace("SE*23*0003", "SE*23*0002"),
        [
            (
                E,
                SET,
                49,
                "cleanclaim",
                "IK502",
                "23",
                "duplicate ST02 '0002' in the functional group",
            )
        ],
        id="duplicate-st02",
    ),
    pytest.param(
        T.replace("GE*3*1~", "GE*2*1~"),
        [
            (
                E,
                GROUP,
                72,
                "cleanclaim",
                "AK905",
                "5",
                "functional group 1: GE01 transaction set count is '2' but the group has 3",
            )
        ],
        id="ge01",
    ),
    pytest.param(
        T.replace("IEA*1*000000001", "IEA*1*000000009"),
        [
            (
                E,
                IC,
                73,
                "cleanclaim",
                "TA105",
                "001",
                "interchange 000000001: IEA02 control number "
                "'000000009' does not match ISA13 '000000001'",
            )
        ],
        id="iea02",
    ),
    pytest.param(
        T[: T.index("IEA")],
        [
            (
                E,
                IC,
                1,
                "cleanclaim",
                "TA105",
                "023",
                "interchange 000000001: missing IEA at end of file (file truncated?)",
            )
        ],
        id="missing-iea",
    ),
    pytest.param(
        T + T,
        [
            (
                E,
                IC,
                74,
                "cleanclaim",
                "TA105",
                "025",
                "duplicate ISA13 '000000001': interchange 1 "
                "of this file has the same control number",
            )
        ],
        id="duplicate-isa13",
    ),
    pytest.param(
        T.replace("THISTLEWOOD", "THIST\x00LEWOOD", 1),
        [
            (
                E,
                SET,
                15,
                "cleanclaim",
                "IK304",
                "8",
                f"invalid character 0x00 in NM103 {PRINTABLE}",
            ),
            (
                E,
                SET,
                15,
                "pyx12",
                "IK304",
                "8",
                'Data element "Subscriber Last Name" (NM103) is type '
                "AN, contains an invalid character(...)",
            ),
        ],
        id="nul-character-value-masked",
    ),
    pytest.param(
        T.replace("N3*1 MAPLE AVE~", "ZZZ*1 MAPLE AVE~", 1),
        [
            (
                E,
                SET,
                10,
                "pyx12",
                "IK304",
                "1",
                "Segment ZZZ not found. Started at "
                "/ISA_LOOP/GS_LOOP/ST_LOOP/DETAIL/2000A/2010AA/NM1",
            ),
            (
                E,
                SET,
                11,
                "pyx12",
                "IK304",
                "3",
                'Mandatory segment "Billing Provider Address" (N3) missing',
            ),
        ],
        id="unknown-segment-text-masked",
    ),
    pytest.param(
        T.replace("CLM*A2*100*", "CLM*A2*1E2*"),
        [
            (E, SET, 43, "cleanclaim", "IK304", "8", "CLM02 is not an X12 decimal number"),
            (
                E,
                SET,
                43,
                "pyx12",
                "IK304",
                "8",
                'Data element "Total Claim Charge Amount" (CLM02) is '
                "type R, contains an invalid character(...)",
            ),
        ],
        id="content-read-like-ingest",
    ),
    pytest.param(
        T.replace("REF*EI*371234567~", "REF*EI*371234567**~", 1),
        [
            (
                W,
                SET,
                12,
                "cleanclaim",
                None,
                None,
                "trailing element separator(s) at the end of the segment",
            ),
            (W, SET, 12, "pyx12", None, None, "Segment contains trailing element terminators"),
        ],
        id="trailing-separators-are-warnings",
    ),
    pytest.param(
        T.replace("*^*00501*", "*U*00501*", 1),
        [
            (
                W,
                IC,
                1,
                "cleanclaim",
                None,
                None,
                "ISA11 'U' is not a usable repetition separator for "
                "version '00501': repeated elements are not split",
            )
        ],
        id="isa11-u",
    ),
    pytest.param(
        "",
        [
            (E, FILE, None, "cleanclaim", None, None, "empty file: not an X12 interchange"),
            (
                E,
                FILE,
                None,
                "pyx12",
                None,
                None,
                'pyx12 could not validate: "{path}" does not look like an X12 data file',
            ),
        ],
        id="empty-file",
    ),
    pytest.param(
        "\n".join(T[i : i + 80] for i in range(0, len(T), 80)),
        [
            (
                E,
                FILE,
                None,
                "pyx12",
                None,
                None,
                'pyx12 could not validate: "{path}" does not look like an X12 data file',
            ),
            (
                E,
                IC,
                3,
                "cleanclaim",
                "TA105",
                "022",
                "interchange 000000001: not read to its end: "
                "line break inside a segment (is the file hard-wrapped?)",
            ),
            (
                E,
                FILE,
                3,
                "cleanclaim",
                None,
                None,
                "line break inside a segment (is the file hard-wrapped?)",
            ),
        ],
        id="hard-wrapped",
    ),
    pytest.param(
        b.REMITS.replace("CLP*A1*1*100*70*", "CLP*A1*1*100*7E1*", 1),
        [
            (E, SET, 17, "cleanclaim", "IK304", "8", "CLP04 is not a valid amount"),
            (
                E,
                SET,
                17,
                "pyx12",
                "IK304",
                "8",
                'Data element "Claim Payment Amount" (CLP04) is type '
                "R, contains an invalid character(...)",
            ),
        ],
        id="835-content",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_findings(tmp_path: Path, text: str, expected: list[tuple[object, ...]]) -> None:
    report = check(tmp_path, text)
    path = str(tmp_path / "in.x12")
    assert rows(report) == [
        tuple(str(v).format(path=path) if isinstance(v, str) else v for v in row)
        for row in expected
    ]
    assert report.ok is not any(row[0] == E for row in expected)


def test_pyx12_logging_never_reaches_the_terminal(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    check(tmp_path, T.replace("N3*1 MAPLE AVE~", "ZZZ*1 MAPLE AVE~", 1))
    assert capsys.readouterr() == ("", "")


def test_a_pyx12_crash_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyx12.x12n_document

    def boom(**_: object) -> bool:
        raise RuntimeError("list index out of range")

    monkeypatch.setattr(pyx12.x12n_document, "x12n_document", boom)
    report = check(tmp_path, T)
    assert (report.pyx12, rows(report)) == (
        "crashed",
        [
            (
                E,
                FILE,
                None,
                "pyx12",
                None,
                None,
                "pyx12 could not validate: RuntimeError: list index out of range",
            )
        ],
    )


def test_a_version_pyx12_has_no_map_for_is_a_finding(tmp_path: Path) -> None:
    report = check(tmp_path, T.replace("005010X222A1", "005010X222A9"))
    assert (report.pyx12, rows(report)) == (
        "crashed",
        [
            (
                E,
                FILE,
                None,
                "pyx12",
                None,
                None,
                "pyx12 could not validate: EngineError: Map not "
                "found. icvn=00501, fic=HC, vriic=005010X222A9",
            )
        ],
    )


def test_4010_is_read_by_pyx12_and_refused_by_cleanclaim(tmp_path: Path) -> None:
    text = T.replace("005010X222A1", "004010X098A1").replace("*00501*", "*00401*")
    found = rows(check(tmp_path, text))
    version = (
        "version '004010X098A1' is not supported: cleanclaim reads 5010 (00501...) 837 files only"
    )
    assert [r[2] for r in found if r[6] == version] == [3, 26, 49]
    assert {r[3] for r in found} == {"cleanclaim", "pyx12"}


def test_without_pyx12_installed_only_a_warning_is_added(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyx12", None)
    monkeypatch.setitem(sys.modules, "pyx12.params", None)
    monkeypatch.setitem(sys.modules, "pyx12.x12n_document", None)
    report = check(tmp_path, T)
    assert (report.ok, report.pyx12, rows(report)) == (
        True,
        "not installed",
        [
            (
                W,
                FILE,
                None,
                "pyx12",
                None,
                None,
                "pyx12 is not installed: the implementation-guide "
                "checks (SNIP 2) were skipped; install the 'oracles' extra",
            )
        ],
    )


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    from cleanclaim.errors import UsageError

    with pytest.raises(UsageError, match="no such file"):
        validate_file(tmp_path / "nope.x12")


# -- the 999 ---------------------------------------------------------------------------------


def ack(report: ValidationReport) -> list[tuple[str, str, list[str]]]:
    """(ST02, IK501, IK502...) per acknowledged set, read back with cleanclaim's 999 parser."""
    text = render_999(report, created=CREATED)
    out = []
    for ts in iter_transaction_sets(io.BytesIO(text.encode("ascii"))):
        parsed = parse_999(ts.segments, ts.delimiters, "999")
        out += [(t.control_number, t.status, list(t.error_codes)) for t in parsed.transactions]
    return out


@pytest.mark.parametrize(
    ("text", "sets"),
    [
        pytest.param(T, [("0001", "A", []), ("0002", "A", []), ("0003", "A", [])], id="clean"),
        pytest.param(
            T.replace("SE*23*0002", "SE*22*0002"),
            [("0001", "A", []), ("0002", "R", ["4"]), ("0003", "A", [])],
            id="se01",
        ),
        pytest.param(
            T.replace("CLM*A2*100*", "CLM*A2*1E2*").replace("N3*1 MAPLE AVE~", "ZZZ*1~", 1),
            [("0001", "R", ["5"]), ("0002", "R", ["5"]), ("0003", "A", [])],
            id="segment-errors",
        ),
        pytest.param(
            b.REMITS.replace("CLP*A1*1*100*70*", "CLP*A1*1*100*7E1*", 1),
            [("0001", "R", ["5"]), ("0002", "A", [])],
            id="835-with-errors",
        ),
        pytest.param(
            T.replace("REF*EI*371234567~", "REF*EI*371234567**~", 1),
            [("0001", "A", []), ("0002", "A", []), ("0003", "A", [])],
            id="warnings-are-not-acknowledged",
        ),
    ],
)
def test_999_acknowledges_each_set(
    tmp_path: Path,
    text: str,
    sets: list[tuple[str, str, list[str]]],
) -> None:
    report = check(tmp_path, text)
    assert ack(report) == sets
    assert pyx12_problems(render_999(report, created=CREATED)) == []


def test_999_text(tmp_path: Path) -> None:
    report = check(tmp_path, T.replace("CLM*A2*100*", "CLM*A2*1E2*").replace("GE*3*1~", "GE*2*1~"))
    assert render_999(report, created=CREATED, control_number=42).split("~") == [
        "ISA*00*          *00*          *ZZ*DCOMM          *ZZ*SUBMITTER      *260311*0930*^*"
        "00501*000000042*0*T*:",
        "GS*FA*DCOMM*SUBMITTER*20260311*0930*42*X*005010X231A1",
        "ST*999*0001*005010X231A1",
        "AK1*HC*1*005010X222A1",
        "AK2*837*0001*005010X222A1",
        "IK5*A",
        "AK2*837*0002*005010X222A1",
        "IK3*CLM*18**8",
        "IK4*2*782*6",
        "IK5*R*5",
        "AK2*837*0003*005010X222A1",
        "IK5*A",
        "AK9*R*3*3*0*5",
        "SE*12*0001",
        "GE*1*42",
        "IEA*1*000000042",
        "\n",
    ]


@pytest.mark.parametrize(
    ("text", "ta1"),
    [
        pytest.param(
            T.replace("IEA*1*000000001", "IEA*1*000000009"),
            "TA1*000000001*260310*1924*R*001",
            id="iea02",
        ),
        pytest.param(T[: T.index("IEA")], "TA1*000000001*260310*1924*R*023", id="truncated"),
    ],
)
def test_999_rejects_a_damaged_interchange_with_a_ta1(tmp_path: Path, text: str, ta1: str) -> None:
    segs = render_999(check(tmp_path, text), created=CREATED).split("~")
    assert segs[1:] == [ta1, "IEA*0*000000001", "\n"]


def test_no_interchange_no_999(tmp_path: Path) -> None:
    assert render_999(check(tmp_path, "not x12"), created=CREATED) == ""


# -- the command -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from cleanclaim.cli.app import main

    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_clean_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = b.write(tmp_path, "ok.x12", T)
    code, out, err = run(capsys, "validate", str(path), "--999", str(tmp_path / "ok.999"))
    assert (code, err) == (0, "")
    assert (
        "ok.x12: 1 interchange(s), 3 transaction set(s): 0 error(s), 0 warning(s); pyx12 ran" in out
    )
    assert (
        "not checked here: balancing (SNIP 3) is checked by 'cleanclaim ingest'; code sets "
        "(SNIP 5: ICD-10, CPT/HCPCS, CARC/RARC, POS...) by 'cleanclaim scrub'" in out
    )
    assert (tmp_path / "ok.999").read_text().count("IK5*A") == 3


def test_command_json_and_exit_code_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = b.write(tmp_path, "bad.x12", T.replace("SE*23*0002", "SE*22*0002"))
    code, out, _ = run(capsys, "validate", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert {
        k: data[k]
        for k in (
            "ok",
            "errors",
            "warnings",
            "interchanges",
            "transaction_sets",
            "pyx12",
            "ack_999",
        )
    } == {
        "ok": False,
        "errors": 1,
        "warnings": 0,
        "interchanges": 1,
        "transaction_sets": 3,
        "pyx12": "ran",
        "ack_999": None,
    }
    assert data["findings"] == [
        {
            "severity": "error",
            "unit": "transaction set",
            "source": "cleanclaim",
            "snip": 1,
            "interchange": 1,
            "group": 1,
            "set": "0002",
            "segment": 48,
            "segment_id": "SE",
            "element": None,
            "code": "4",
            "code_element": "IK502",
            "element_code": None,
            "message": "SE01 segment count is '22' but the transaction set has 23 segments",
        }
    ]
    assert "balancing (SNIP 3) is checked by 'cleanclaim ingest'" in data["checked_elsewhere"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.x12"], "missing.x12: no such file", id="missing-file"),
        pytest.param(["{file}", "--999", "{dir}"], "is a directory", id="999-to-a-directory"),
        pytest.param(["{file}", "--format", "xml"], "'xml' is not one of", id="bad-format"),
    ],
)
def test_command_usage_errors_exit_two(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    path = b.write(tmp_path, "ok.x12", T)
    argv = [a.format(file=path, dir=tmp_path) for a in args]
    code, out, err = run(capsys, "validate", *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out
