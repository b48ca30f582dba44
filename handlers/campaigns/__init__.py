"""Household callback campaigns (住户回访): every occupied house of an estate reached in a period."""
