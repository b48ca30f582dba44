"""Estates: the roster of houses, addresses checked against it, settings and service time per estate."""
