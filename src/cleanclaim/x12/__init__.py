"""X12 EDI: the reader, the envelope, and the 837, 835, 999 and 277CA parsers.

The parsing modules listed in :data:`cleanclaim.x12._accel.COMPILED` may also exist compiled
(mypyc) in ``_compiled/``; they are found first only when that build is current (see
:mod:`cleanclaim.x12._accel`).
"""

from cleanclaim.x12._accel import compiled_dirs

__path__ = [*compiled_dirs(), *__path__]
