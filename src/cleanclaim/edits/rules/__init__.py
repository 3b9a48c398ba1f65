"""The edit rules, one per module. The catalogue is :mod:`cleanclaim.edits.registry`."""
