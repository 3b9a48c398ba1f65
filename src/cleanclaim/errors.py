"""The exception tree.

Findings (scrubber results, denial classifications) are values, never exceptions.
Exceptions are for failures, and all of them descend from one root::

    CleanclaimError
     +-- UsageError           bad arguments: unknown kind, bad date, missing file (exit 2)
     +-- InputError           a malformed input file; carries the location
     |    +-- CodesetFileError    an official code-set file that cannot be read
     |    +-- X12Error            an X12 interchange that cannot be read
     +-- CodesetError         the code-set store is inconsistent or a release is unusable
     +-- StorageError         the database cannot do what was asked
     +-- FetchError           a download failed, or returned a licence page
     +-- NotFoundError        a named record (practice, user, payer, claim) does not exist
     +-- AmbiguousError       a name matches more than one record

A clear error names where the problem is. For text files the form is
``path:line: reason``; for X12 it is ``path: segment N (ID) loop L: reason``.
"""

from __future__ import annotations

from pathlib import Path


class CleanclaimError(Exception):
    """Root of every error cleanclaim raises on purpose."""

    exit_code: int = 1


class UsageError(CleanclaimError):
    """The caller asked for something that cannot be done as asked."""

    exit_code = 2


class InputError(CleanclaimError):
    """An input file is malformed. The message names the file and the place."""

    def __init__(self, path: str | Path, reason: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class CodesetFileError(InputError):
    """An official code-set file is malformed or truncated."""


class X12Error(InputError):
    """An X12 file is malformed at a given segment."""

    def __init__(
        self,
        path: str | Path,
        reason: str,
        *,
        segment: int | None = None,
        segment_id: str | None = None,
        loop: str | None = None,
    ) -> None:
        self.segment = segment
        self.segment_id = segment_id
        self.loop = loop
        CleanclaimError.__init__(self)
        self.path = str(path)
        self.line = None
        self.reason = reason
        parts = [self.path]
        if segment is not None:
            seg = f"segment {segment}"
            if segment_id:
                seg += f" ({segment_id})"
            if loop:
                seg += f" loop {loop}"
            parts.append(seg)
        self.args = (": ".join(parts) + f": {reason}",)

    def __str__(self) -> str:
        return str(self.args[0])


class CodesetError(CleanclaimError):
    """The code-set store cannot answer: a release is broken or inconsistent."""


class StorageError(CleanclaimError):
    """The database refused or failed an operation."""


class FetchError(CleanclaimError):
    """A download failed, or the server answered with a licence page instead of data."""


class NotFoundError(CleanclaimError):
    """A named record does not exist."""

    exit_code = 2


class AmbiguousError(CleanclaimError):
    """A name matches several records; the message lists them."""

    exit_code = 2
