"""README examples are run: every ``$ cleanclaim ...`` line in a console block must work."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.conftest import Result

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[list[str], int]]:
    """``$ cleanclaim ...`` lines with the exit code they document (``# exits N``, else 0)."""
    text = README.read_text("utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            if line.startswith("$ cleanclaim "):
                command, _, comment = line[len("$ cleanclaim ") :].partition("#")
                match = re.search(r"exits (\d)", comment)
                commands.append((shlex.split(command), int(match.group(1)) if match else 0))
    return commands


def test_readme_has_examples() -> None:
    assert len(_commands()) >= 6


def test_readme_examples_run_in_order(
    cli: Callable[..., Result], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(README.parent)
    for args, code in _commands():
        result = cli(*args)
        assert result.code == code, (args, result.out[-2000:], result.err)
        assert "Traceback" not in result.out + result.err


def test_make_targets_are_documented() -> None:
    text = README.read_text("utf-8")
    assert "make demo" in text and "make test" in text
    makefile = (README.parent / "Makefile").read_text("utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


@pytest.mark.parametrize("doc", ["docs/architecture.md"])
def test_linked_docs_exist(doc: str) -> None:
    assert (README.parent / doc).exists()
