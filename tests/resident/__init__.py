"""Tests of resident."""
