"""Counts over a period: the daily rollups for the days they cover, the tickets table for the
rest (today, and any day not rolled up yet), added together. Each count is of tickets created
in the period, so it matches the ticket list filtered by the same dates."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from storage import console_metrics, console_rollups
from storage.console_models import METRICS

from ..desk import Desk
from . import periods
from .viewer import Viewer

COUNTS = (*METRICS, "rating_sum")


def _missing_runs(first: date, last: date, covered: set[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days in first..last that are not covered."""
    runs, start, day = [], None, first
    while day <= last:
        if day not in covered and start is None:
            start = day
        if day in covered and start is not None:
            runs.append((start, day - timedelta(days=1)))
            start = None
        day += timedelta(days=1)
    if start is not None:
        runs.append((start, last))
    return runs


def totals(desk: Desk, session, viewer: Viewer, period: periods.Period, grain: str) -> dict[tuple[str, str], dict]:
    """(kind, key) -> counts of tickets created in the period, split by `grain`."""
    today = periods.today(desk)
    covered = {d for d in console_rollups.rolled_up_days(session, period.first, period.last) if d < today}
    found: dict[tuple[str, str], dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    if covered:  # only days with a complete rollup are read (the join on console_rollup_days)
        for row in console_rollups.read(session, grain, min(covered), max(covered), viewer.estate_ids):
            _add(found[(row["kind"], row["key"])], row)
    for first, last in _missing_runs(period.first, period.last, covered):
        start, end = periods.bounds(desk, first, last)
        for row in console_metrics.aggregate(session, grain, start, end, viewer.estate_ids):
            _add(found[(row["kind"], row["key"])], row)
    return dict(found)


def _add(into: dict, row: dict) -> None:
    for name in COUNTS:
        into[name] += row[name]


def by_key(rows: dict[tuple[str, str], dict], kinds: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Counts summed over kinds (all, or those given), per grain key."""
    found: dict[str, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (kind, key), counts in rows.items():
        if kinds is None or kind in kinds:
            _add(found[key], counts)
    return dict(found)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None
