"""The daily rollups match the tickets table, before and after tickets change, and the rq job
keeps them current."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rq import Queue

from handlers import jobs as registry
from handlers.console import figures, jobs, periods, rollups
from handlers.console.viewer import Viewer
from handlers.queue import QUEUE_NAME
from handlers.worker import run
from storage.console_models import ConsoleRollupDay
from storage.db import session_scope
from storage.models import Ticket

from ..conftest import rows

EVERYONE = Viewer(0, "test", "manager", None)
OPEN = {"new", "accepted", "on_site", "reopened"}


def _expected(ticket: Ticket) -> Counter:
    """What each figure should count for one ticket, written out plainly (independently of the SQL)."""
    finished = ticket.kind in ("repair", "complaint") and ticket.done_at is not None
    followed = finished and (ticket.followup_status in ("answered", "phone") or ticket.rating is not None)
    return Counter({
        "created": 1, "urgent": ticket.urgent, "breached": ticket.breached, "on_time": not ticket.breached,
        "open": ticket.status in OPEN, "done": ticket.done_at is not None, "closed": ticket.status == "closed",
        "followup_due": finished, "followed_up": followed, "rated": ticket.rating is not None,
        "satisfied": ticket.rating is not None and ticket.rating >= 3,
        "dissatisfied": ticket.rating is not None and ticket.rating < 3,
        "reopened": ticket.reopened_at is not None,
        "reopened_fixed": ticket.reopened_at is not None and ticket.status in ("done", "closed"),
        "escalated": ticket.escalated, "repeat": ticket.repeat_count > 0, "rating_sum": ticket.rating or 0})


def _raw(desk, period, grain: str) -> dict:
    first, end = periods.bounds(desk, period.first, period.last)
    found: dict = {}
    for ticket in rows(desk, Ticket):
        if not first <= ticket.created_at < end:
            continue
        key = {"kind": "", "staff": str(ticket.assignee_id or ""), "category": ticket.category or "",
               "place": f"{ticket.building or ''}|{ticket.unit or ''}"}[grain]
        found.setdefault((ticket.kind, key), Counter()).update(_expected(ticket))
    return {k: {name: int(v[name]) for name in figures.COUNTS} for k, v in found.items()}


def _totals(desk, period, grain):
    with session_scope(desk.sessions) as session:
        return figures.totals(desk, session, EVERYONE, period, grain)


def _period(desk, days: int = 12) -> periods.Period:
    today = periods.today(desk)
    return periods.Period(today - timedelta(days=days - 1), today)


def test_rollups_match_raw_counts_for_every_grain(desk, mixed_tickets):
    period = _period(desk)
    before = {grain: _totals(desk, period, grain) for grain in ("kind", "staff", "category", "place")}
    refreshed = rollups.refresh(desk)
    assert refreshed >= 9                               # every past day holding tickets, today excluded
    assert periods.today(desk) not in {r.day for r in rows(desk, ConsoleRollupDay)}
    for grain in ("kind", "staff", "category", "place"):
        expected = _raw(desk, period, grain)
        assert sum(c["created"] for c in expected.values()) == 60
        assert before[grain] == expected, grain          # counted live, nothing rolled up yet
        assert _totals(desk, period, grain) == expected, grain   # rollups for past days, live for today


def test_a_changed_ticket_refreshes_its_day_only(desk, mixed_tickets):
    rollups.refresh(desk)
    assert rollups.refresh(desk) == 0                   # nothing changed since
    with session_scope(desk.sessions) as session:
        old = session.query(Ticket).filter(Ticket.created_at < mixed_tickets - timedelta(days=3)).first()
        old.status, old.rating, old.done_at, old.followup_status = "closed", 1, mixed_tickets, "answered"
        day = desk.local(old.created_at).date()
    period = _period(desk)
    assert _totals(desk, period, "kind") != _raw(desk, period, "kind")   # stale until the job runs
    assert rollups.refresh(desk) == 1
    assert _totals(desk, period, "kind") == _raw(desk, period, "kind")
    assert rows(desk, ConsoleRollupDay, day=day)[0].refreshed_at >= mixed_tickets


def test_a_period_partly_rolled_up_is_still_exact(desk, mixed_tickets):
    rollups.refresh(desk)
    with session_scope(desk.sessions) as session:   # a day whose rollup was lost: counted live
        session.query(ConsoleRollupDay).filter(ConsoleRollupDay.day == periods.today(desk) - timedelta(days=4)).delete()
    period = _period(desk, 30)
    assert _totals(desk, period, "staff") == _raw(desk, period, "staff")


def test_every_figure_is_the_count_of_its_ticket_list(manager, desk, mixed_tickets):
    rollups.refresh(desk)
    period = _period(desk)
    per_kind = _totals(desk, period, "kind")
    for (kind, _key), counts in per_kind.items():
        for metric in ("created", "breached", "on_time", "followed_up", "satisfied", "dissatisfied", "reopened_fixed"):
            query = {**period.args(), "kind": kind, **({"metric": metric} if metric != "created" else {})}
            page = manager.get("/tickets", query_string=query).get_data(as_text=True)
            assert f'<b id="total">{counts[metric]}</b>' in page, (kind, metric)


def test_the_job_refreshes_and_schedules_its_next_run_once(desk, mixed_tickets):
    queue = Queue(QUEUE_NAME, connection=desk.jobs.connection)
    first = jobs.ensure_scheduled(desk)
    assert jobs.ensure_scheduled(desk) == first
    desk.jobs.enqueue(registry.REFRESH_ROLLUPS, job_id="console-rollups-now")
    run(desk, burst=True)                                     # the real rq worker, as `wuye worker` runs it
    assert len(rows(desk, ConsoleRollupDay)) >= 9
    scheduled = [j for j in queue.scheduled_job_registry.get_job_ids() if j.startswith("console-rollups-")]
    assert scheduled == [first]
    assert jobs.next_slot(desk, desk.now()) > desk.now()
