"""What /healthz?deep=1 reports: the database, Redis, the workers and how late the oldest due work is.

An operator's monitor polls it: any answer but 200 means a look is needed (see README "Operations")."""
from __future__ import annotations

import time

from storage import queries

from .desk import Desk
from .upkeep import HEARTBEAT

LATE_SECONDS = 300  # due work this late means no worker is reconciling (it runs every ≤30 s)


def deep(desk: Desk) -> tuple[dict, bool]:
    """The report and whether everything is well."""
    report: dict = {}
    problems: list[str] = []
    _database(desk, report, problems)
    _redis(desk, report, problems)
    report["problems"] = problems
    report["status"] = "ok" if not problems else "degraded"
    return report, not problems


def _database(desk: Desk, report: dict, problems: list[str]) -> None:
    try:
        with desk.work() as work:
            now = work.now
            oldest_timer = queries.oldest_due_timer(work.session, now)
            oldest_row, pending, doubtful = queries.outbox_health(work.session)
    except Exception as exc:  # any driver error: say so, never a 500
        report["database"] = f"error: {exc.__class__.__name__}"
        problems.append("database unreachable")
        return
    report["database"] = "ok"
    timer_late = (now - oldest_timer).total_seconds() if oldest_timer else 0.0
    outbox_late = max(0.0, (now - oldest_row).total_seconds()) if oldest_row else 0.0
    report["oldest_due_timer_seconds"] = round(timer_late, 1)
    report["oldest_due_outbox_seconds"] = round(outbox_late, 1)
    report["outbox_pending"] = pending
    report["possible_duplicates"] = doubtful
    if timer_late > LATE_SECONDS:
        problems.append(f"a timer is {timer_late:.0f} s past due")
    if outbox_late > LATE_SECONDS:
        problems.append(f"an outbox message is {outbox_late:.0f} s past due")


def _redis(desk: Desk, report: dict, problems: list[str]) -> None:
    connection = desk.jobs.connection if desk.jobs else None
    try:
        connection.ping()
        scheduler = connection.get(f"{HEARTBEAT}scheduler")
        workers = sum(1 for _ in connection.scan_iter(f"{HEARTBEAT}worker:*", count=100))
    except Exception as exc:
        report["redis"] = f"error: {exc.__class__.__name__}"
        problems.append("Redis unreachable")
        return
    report["redis"] = "ok"
    report["workers"] = workers
    seen = time.time() - float(scheduler) if scheduler else None
    report["scheduler_seen_seconds_ago"] = round(seen, 1) if seen is not None else None
    if seen is None or seen > 60:
        problems.append("no worker with a scheduler seen in the last minute")
