"""cleanclaim: get claims paid the first time, and know the real cause of every denial.

The package is a library first. The command line (``cleanclaim.cli``), the REST API
(``cleanclaim.api``) and the web dashboard (``cleanclaim.web``) are thin shells over it;
domain code never imports a shell. Nothing is loaded at import time.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
