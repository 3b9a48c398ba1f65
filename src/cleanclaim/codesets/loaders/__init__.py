"""Readers for the official code-set file formats, one module per format family."""
