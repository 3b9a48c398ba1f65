"""The classifier must recover root causes on its own: it never imports the generator's
payer behaviour table (the answer key) or anything else of the synthetic package."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "cleanclaim"


def test_classifier_never_imports_the_payer_behaviour_table() -> None:
    """The answer key stays out of the classifier: no import of it in cleanclaim.denials."""
    pattern = re.compile(r"payer_behaviour|analytics\.synthetic|analytics import synthetic")
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted((SRC / "denials").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".toml")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert (SRC / "denials" / "classify.py").is_file()  # the grep looked at the real package
