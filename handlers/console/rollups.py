"""Keeping the console's daily rollups current: recompute every past day whose tickets changed
since the last run, and every past day not rolled up yet (a new or upgraded installation).

Today is never rolled up: pages count it live from the tickets table, so it is always exact.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from storage import console_rollups
from storage.db import session_scope

from ..desk import Desk
from . import periods

log = logging.getLogger(__name__)

MARK = "rollups_changed_since"
# A ticket changed in a transaction that committed after the previous run had started carries an
# updated_at a little before that start; looking back this far catches it.
OVERLAP = timedelta(minutes=5)


def _days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def stale_days(desk: Desk, session, today: date) -> set[date]:
    """Past days whose rollups are missing or may be out of date."""
    oldest = console_rollups.first_ticket_time(session)
    if oldest is None:
        return set()
    first, yesterday = desk.local(oldest).date(), today - timedelta(days=1)
    if first > yesterday:
        return set()
    days = _days_between(first, yesterday) - console_rollups.rolled_up_days(session, first, yesterday)
    since = console_rollups.mark(session, MARK)
    if since is not None:
        days |= {desk.local(created).date()
                 for created in console_rollups.created_times_changed_since(session, since - OVERLAP)}
    return {day for day in days if day < today}


def refresh(desk: Desk) -> int:
    """Bring every past day's rollups up to date; returns how many days were recomputed."""
    started, today = desk.now(), periods.today(desk)
    with session_scope(desk.sessions) as session:
        days = sorted(stale_days(desk, session, today))
    for day in days:
        start, end = periods.bounds(desk, day, day)
        with session_scope(desk.sessions) as session:
            console_rollups.refresh_day(session, day, start, end, desk.now())
    with session_scope(desk.sessions) as session:
        console_rollups.set_mark(session, MARK, started)
    if days:
        log.info("console rollups refreshed for %s days (%s to %s)", len(days), days[0], days[-1])
    return len(days)


def refresh_all(desk: Desk) -> int:
    """Recompute every past day (after a change of what the figures count)."""
    today = periods.today(desk)
    with session_scope(desk.sessions) as session:
        oldest = console_rollups.first_ticket_time(session)
    if oldest is None:
        return 0
    days = sorted(d for d in _days_between(desk.local(oldest).date(), today) if d < today)
    for day in days:
        start, end = periods.bounds(desk, day, day)
        with session_scope(desk.sessions) as session:
            console_rollups.refresh_day(session, day, start, end, desk.now())
    return len(days)
