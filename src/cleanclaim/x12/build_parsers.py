"""Build the compiled parsers (see :mod:`cleanclaim.x12._accel`).

``python -m cleanclaim.x12.build_parsers [--force | --check]``: compile the modules of
:data:`~cleanclaim.x12._accel.COMPILED` with mypyc into ``x12/_compiled/`` unless the build
there is current. Needs mypyc (part of mypy), setuptools and a C compiler; without them it
says so and the Python sources are used.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from cleanclaim.x12._accel import COMPILED, GROUP, MANIFEST, ROOT, TARGET, digest, is_current

__all__ = ["build", "main", "sources"]


def sources(root: Path) -> list[str]:
    """The compiled modules and the cleanclaim modules they import, relative to ``root``
    (the ``cleanclaim`` package directory)."""
    import ast

    found = {f"x12/{name}.py" for name in COMPILED}
    for name in COMPILED:
        tree = ast.parse((root / "x12" / f"{name}.py").read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cleanclaim."):
                parts = (node.module or "").split(".")[1:]
                module = root.joinpath(*parts)
                path = module / "__init__.py" if module.is_dir() else module.with_suffix(".py")
                if path.is_file():
                    found.add(path.relative_to(root).as_posix())
    return sorted(found)


def build(force: bool = False, target: Path = TARGET, root: Path = ROOT) -> bool:
    """Compile :data:`COMPILED` into ``target`` unless the build there is current. Returns
    whether it compiled. Needs mypyc (part of mypy) and setuptools, and a C compiler."""
    if not force and is_current(target, root):
        return False
    with _lock(target):
        if not force and is_current(target, root):  # built meanwhile by another process
            return False
        _compile(target, root)
    return True


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    """One build at a time for ``target`` (two ``make`` runs side by side): an exclusive
    lock on a file beside it, where the platform has ``fcntl``."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _compile(target: Path, root: Path) -> None:
    import shutil
    import tempfile

    from mypyc.build import mypycify
    from setuptools import setup  # type: ignore[import-untyped]

    hashes = {rel: digest(root / rel) for rel in sources(root)}
    with tempfile.TemporaryDirectory(prefix="cleanclaim-mypyc-") as tmp:
        work = Path(tmp)
        config = work / "mypy.ini"
        config.write_text("[mypy]\nstrict = True\n", "utf-8")
        paths = [f"cleanclaim/x12/{name}.py" for name in COMPILED]
        cwd = Path.cwd()
        os.chdir(root.parent)  # module names follow the paths from here
        try:
            modules = mypycify(
                [f"--config-file={config}", f"--cache-dir={work / 'mypy-cache'}", *paths],
                opt_level="3",
                group_name=GROUP,
                target_dir=str(work / "c"),
            )
            setup(
                name="cleanclaim-parsers",
                ext_modules=modules,
                script_args=[
                    "--quiet",
                    "build_ext",
                    "--build-lib",
                    str(work / "lib"),
                    "--build-temp",
                    str(work / "obj"),
                ],
            )
        finally:
            os.chdir(cwd)
        built = work / "lib" / "cleanclaim" / "x12"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for lib in built.iterdir():
            shutil.copy2(lib, target / lib.name)
        manifest = {"suffix": EXTENSION_SUFFIXES[0], "sources": hashes}
        partial = target / f"{MANIFEST}.tmp"
        partial.write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
        partial.replace(target / MANIFEST)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--check":
        current = is_current()
        print("compiled parsers: " + ("current" if current else "missing or out of date"))
        return 0 if current else 1
    try:
        done = build(force="--force" in args)
    except (Exception, SystemExit) as exc:  # the Python sources still work
        print(f"compiled parsers not built ({type(exc).__name__}: {exc}); "
              "the Python sources will be used", file=sys.stderr)  # fmt: skip
        return 0
    print("compiled parsers: " + ("built" if done else "current"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
