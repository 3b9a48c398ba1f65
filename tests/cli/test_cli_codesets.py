"""``cleanclaim codesets`` on the bundled data: the foundation issue's "done when" checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.clirunner import Result

Run = Callable[..., Result]


def test_coverage_2026_names_every_gap(cli: Run) -> None:
    result = cli(
        "codesets", "coverage", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) >= {"codesets", "gaps"}
    for entry in data["codesets"]:
        assert set(entry) >= {"name", "version", "effective_from", "effective_to", "completeness"}
        assert entry["completeness"] in ("full", "partial", "fixture")
    gaps = {(g["codeset"], g["from"], g["to"]) for g in data["gaps"]}
    # ICD-10-CM FY2027 is not carried by any package: a named gap from 2026-10-01.
    assert ("icd10cm", "2026-10-01", "2026-12-31") in gaps
    # NCCI and MUE: only a fixture quarter ships; every other quarter is a gap.
    for kind in ("ncci-ptp-practitioner", "ncci-ptp-hospital", "mue-practitioner"):
        assert (kind, "2026-01-01", "2026-06-30") in gaps
        assert (kind, "2026-10-01", "2026-12-31") in gaps
    fixtures = {e["name"] for e in data["codesets"] if e["completeness"] == "fixture"}
    assert {"ncci-ptp-practitioner", "mue-practitioner", "poa-exempt", "hac"} <= fixtures
    icd = [e for e in data["codesets"] if e["name"] == "icd10cm"]
    assert [(e["effective_from"], e["completeness"]) for e in icd] == [
        ("2025-10-01", "partial"),
        ("2026-04-01", "full"),
    ]


def test_list_json_has_release_metadata(cli: Run) -> None:
    result = cli("codesets", "list", "--format", "json")
    assert result.code == 0
    releases = json.loads(result.out)
    for r in releases:
        assert set(r) >= {
            "kind",
            "name",
            "version",
            "effective_from",
            "effective_to",
            "source",
            "sha256",
            "row_count",
            "completeness",
            "origin",
        }
    assert {r["origin"] for r in releases} >= {"bundled", "package"}


def test_import_and_reimport(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "pos-export.csv"
    path.write_text("code,start,stop,description\n11,2015-10-01,,Office\n")
    first = cli("codesets", "import", "pos", str(path), "--completeness", "partial")
    assert first.code == 0 and "imported" in first.out
    again = cli("codesets", "import", "pos", str(path))
    assert again.code == 0 and "nothing changed" in again.out


def test_malformed_file_names_file_and_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "pos-bad.csv"
    path.write_text("code,start,stop,description\n11,2015-10-01,,Office\n12,yesterday,,Home\n")
    result = cli("codesets", "import", "pos", str(path))
    assert result.code == 1
    assert result.err == f"error: {path}:3: bad date 'yesterday' (expected YYYY-MM-DD)\n"
