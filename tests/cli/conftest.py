"""The ``cli`` fixture lives in tests/conftest.py; ``Result`` is re-exported here."""

from tests.clirunner import Result

__all__ = ["Result"]
