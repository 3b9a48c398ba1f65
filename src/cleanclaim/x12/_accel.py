"""The compiled parsers: the 837 and 835 parsing modules built with mypyc, used only when
they were built from the very sources beside them.

``python -m cleanclaim.x12.build_parsers`` compiles :data:`COMPILED` into ``x12/_compiled/``
(``make venv``, ``make test`` and ``make demo`` run it; it does nothing when the build is
current). The build writes a manifest last: the SHA-256 of every compiled source and of
every cleanclaim module they import, and the extension suffix of the Python that built
them. :func:`compiled_dirs` puts that directory in front of the package's path only when
the manifest matches the files on disk and this Python, so an edited source is never
shadowed by a stale build: the Python source runs until the next build.
``CLEANCLAIM_PURE_PYTHON=1`` turns the compiled modules off. They are the same code, and
give the same values and errors; compiled, the 837P parser takes about a third less time.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

__all__ = [
    "COMPILED",
    "GROUP",
    "MANIFEST",
    "ROOT",
    "TARGET",
    "compiled_dirs",
    "digest",
    "is_current",
]

COMPILED = (
    "parse837",
    "_837_claim",
    "_837_build",
    "_837_freeze",
    "_837_segments",
    "_837_values",
    "parse835",
    "_835_claims",
    "_835_values",
    "_elements",
)
"""Modules of ``cleanclaim.x12`` that are compiled, together, as one mypyc group."""
GROUP = "cleanclaim.x12._parsers"
"""The group's name: its shared library is ``_parsers__mypyc`` beside the modules."""
PURE_ENV = "CLEANCLAIM_PURE_PYTHON"
_PACKAGE = Path(__file__).resolve().parent
ROOT = _PACKAGE.parent  # src/cleanclaim
TARGET = _PACKAGE / "_compiled"
MANIFEST = "manifest.json"


def digest(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_current(target: Path = TARGET, root: Path = ROOT) -> bool:
    """Whether ``target`` holds a complete build of the current sources for this Python."""
    try:
        manifest = json.loads((target / MANIFEST).read_text("utf-8"))
        suffix = manifest["suffix"]
        hashes: dict[str, str] = manifest["sources"]
        modules = [*COMPILED, GROUP.rsplit(".", 1)[1] + "__mypyc"]
        return (
            suffix == EXTENSION_SUFFIXES[0]
            and {f"x12/{name}.py" for name in COMPILED} <= set(hashes)
            and all(digest(root / rel) == want for rel, want in hashes.items())
            and all((target / f"{name}{suffix}").is_file() for name in modules)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def compiled_dirs() -> list[str]:
    """``[directory of the compiled modules]`` when they can be used, else ``[]``."""
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        return []
    return [str(TARGET)] if is_current() else []
