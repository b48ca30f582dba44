"""The desk right now: open work, what is close to its deadline, today's new tickets.

Deadline buckets follow ServiceNow's: the share of the time to the ticket's promised time
(due_at, counted from its creation or reopening) already used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage import console_tickets, incident_queries
from storage.console_tickets import TicketQuery
from storage.db import session_scope

from ..desk import Desk
from . import periods
from .viewer import Viewer

KIND_NAMES = {"repair": "报修", "complaint": "投诉", "inquiry": "咨询"}
OPEN = ("new", "accepted", "on_site", "reopened")
# (id, label, highest percentage of the promised time used) in order, as ServiceNow labels them.
BUCKETS = (("lt50", "50%以内", 50), ("50-75", "50–75%", 75), ("76-85", "76–85%", 85),
           ("86-95", "86–95%", 95), ("gt95", "95%以上", None), ("breached", "已超时", None))
BUCKET_IDS = tuple(b[0] for b in BUCKETS)


@dataclass
class Figure:
    """A number on the page and the ticket-list filters of the tickets behind it."""
    key: str
    label: str
    value: int
    filters: dict = field(default_factory=dict)


def bucket(start: datetime, due: datetime | None, breached: bool, now: datetime) -> str | None:
    """The deadline bucket of an open ticket, None when it has no deadline."""
    if breached or (due is not None and due <= now):
        return "breached"
    if due is None:
        return None
    span = (due - start).total_seconds()
    used = 100.0 if span <= 0 else 100.0 * (now - start).total_seconds() / span
    if used < 50:
        return "lt50"
    return next((key for key, _label, highest in BUCKETS[1:4] if used <= highest), "gt95")


def bucket_ids(session, viewer: Viewer, now: datetime, wanted: str) -> tuple[int, ...]:
    """Ids of the open tickets in one deadline bucket (the list behind a bucket's number)."""
    return tuple(row[0] for row in console_tickets.open_deadlines(session, viewer.estate_ids)
                 if bucket(row[2] or row[1], row[3], row[4], now) == wanted)


def _bucket_figures(session, viewer: Viewer, now: datetime) -> list[Figure]:
    counts = dict.fromkeys(BUCKET_IDS, 0)
    for _id, created, reopened, due, breached in console_tickets.open_deadlines(session, viewer.estate_ids):
        found = bucket(reopened or created, due, breached, now)
        if found:
            counts[found] += 1
    return [Figure(key, label, counts[key], {"sla": key}) for key, label, _ in BUCKETS]


def _live(session, viewer: Viewer, now: datetime) -> list[Figure]:
    scope = viewer.estate_ids
    plan = [("open", "未完成", TicketQuery(scope, statuses=OPEN), {"status": "open"}),
            ("not_accepted", "待接单", TicketQuery(scope, statuses=("new", "reopened")), {"status": "new,reopened"}),
            ("urgent", "紧急未完成", TicketQuery(scope, statuses=OPEN, urgent=True), {"status": "open", "urgent": "1"}),
            ("overdue", "已超时未完成", TicketQuery(scope, overdue_at=now), {"overdue": "1"}),
            ("escalated", "升级待处理", TicketQuery(scope, statuses=OPEN, escalated=True),
             {"status": "open", "escalated": "1"})]
    return [Figure(key, label, console_tickets.count(session, query), filters)
            for key, label, query, filters in plan]


def _today(session, desk: Desk, viewer: Viewer) -> list[Figure]:
    day = periods.today(desk)
    start, end = periods.bounds(desk, day, day)
    counts = console_tickets.count_by_kind(session, TicketQuery(viewer.estate_ids, created_from=start,
                                                                created_to=end))
    when = {"from": day.isoformat(), "to": day.isoformat()}
    figures = [Figure(kind, name, counts.get(kind, 0), {**when, "kind": kind}) for kind, name in KIND_NAMES.items()]
    return [Figure("all", "今日新增", sum(counts.values()), when), *figures]


def snapshot(desk: Desk, viewer: Viewer) -> dict:
    """Every figure of the overview, each with the filters of its tickets."""
    now = desk.now()
    with session_scope(desk.sessions) as session:
        return {"live": _live(session, viewer, now), "buckets": _bucket_figures(session, viewer, now),
                "today": _today(session, desk, viewer),
                # outages apart from tickets: one power cut is one incident, not hundreds of tickets
                "incidents": [Figure("open", "进行中事件", incident_queries.count_open_outages(session,
                                                                                           viewer.estate_ids))],
                "at": desk.local(now).strftime("%H:%M:%S"), "date": periods.today(desk).isoformat()}
