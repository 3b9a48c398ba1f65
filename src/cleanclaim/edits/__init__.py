"""The scrubber: edit rules run on a claim against the code sets in force on its dates.

One rule per module in :mod:`cleanclaim.edits.rules`, each with explicit metadata and a
docstring that is its spec. Findings are values (:class:`~cleanclaim.edits.model.Finding`);
a check that applies but cannot run (missing data, or only fixture data) is reported as a
coverage entry, so a claim is never called ``clean`` for what was not checked.
"""
