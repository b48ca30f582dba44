"""Tests of staff."""
