"""Incidents: one outage many households report becomes one incident, one card and one message back."""
