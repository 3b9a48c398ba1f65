"""``cleanclaim demo generate`` (the Typer app in cleanclaim.cli.demo)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cleanclaim.cli.demo import app
from cleanclaim.errors import UsageError


def test_generate_writes_the_practice(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["generate", "--out", str(out), "--seed", "9", "--months", "2",
            "--claims-per-month", "30", "--as-of", "2026-06-30"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["months"], manifest["claims_per_month"]) == (9, 2, 30)
    assert manifest["as_of"] == "2026-06-30"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2026-05", "2026-06"]
    assert f"{out}: {len(manifest['files']) + 1} files in " in result.stdout  # + manifest.json
    assert "2026-05: 30 encounters" in result.stderr


def test_bad_as_of_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "d"), "--as-of",
                                      "2026-13-01"])  # fmt: skip
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == "--as-of: '2026-13-01' is not a date (expected YYYY-MM-DD)"
    assert not (tmp_path / "d").exists()


def test_out_is_required(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate"])
    assert result.exit_code == 2
    assert "--out" in result.output
