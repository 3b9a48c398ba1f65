"""Denial management: classification of 835 adjustments, attribution, appeals, queue."""
