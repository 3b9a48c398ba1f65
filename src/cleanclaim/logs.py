"""Logging that never carries PHI.

Log records name files by path, transaction sets by control number and claims by the
internal claim key. Patient names, member ids, birth dates and addresses never appear.
:class:`PhiRedactingFilter` is a last line of defence: it masks anything that looks like a
date of birth, a member id or an SSN in a message before it is emitted.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[ssn]"),
    (re.compile(r"\bNM1\*(IL|QC)\*[^~\n]*"), "NM1*[person]"),
    (re.compile(r"\bDMG\*D8\*\d{8}[^~\n]*"), "DMG*[demographics]"),
    (re.compile(r"\bN[34]\*[^~\n]*"), "N*[address]"),
]


def redact(text: str) -> str:
    """Mask PHI-looking fragments in ``text``."""
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class PhiRedactingFilter(logging.Filter):
    """Mask PHI-looking fragments in every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def get_logger(name: str) -> logging.Logger:
    """A module logger with the PHI filter attached."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, PhiRedactingFilter) for f in logger.filters):
        logger.addFilter(PhiRedactingFilter())
    return logger
