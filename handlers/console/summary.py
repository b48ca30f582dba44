"""The weekly and monthly summary (seed 001: 每周汇总上周重点维修、投诉的处理结果; 每月汇总、统计),
and the lists that go with the report pages (breaches, addresses that keep coming back)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage import console_tickets
from storage.console_tickets import TicketQuery

from . import figures, names, periods, reports
from .charts import percent
from .tickets import row


@dataclass
class Headline:
    key: str
    label: str
    value: object
    previous: object
    unit: str = "件"
    filters: dict | None = None
    warn: bool = False


def _overall(ctx: reports.Context) -> dict:
    return figures.by_key(ctx.totals("kind")).get("", dict.fromkeys(figures.COUNTS, 0))


def _stops(ctx: reports.Context) -> int:
    start, end = periods.bounds(ctx.desk, ctx.period.first, ctx.period.last)
    return sum(console_tickets.violations_by_staff(ctx.session, start, end).values())


def headlines(ctx: reports.Context) -> list[Headline]:
    """The period's key numbers beside the previous period's."""
    before = reports.Context(ctx.desk, ctx.session, ctx.viewer, ctx.period.previous())
    now, then = _overall(ctx), _overall(before)
    satisfaction = percent(now["satisfied"], now["rated"])
    return [
        Headline("created", "新增工单", now["created"], then["created"], filters={}),
        Headline("done", "已完成", now["done"], then["done"], filters={"metric": "done"}),
        Headline("breached", "超时", now["breached"], then["breached"], filters={"metric": "breached"},
                 warn=bool(now["breached"])),
        Headline("compliance", "时限达标率", percent(now["on_time"], now["created"]),
                 percent(then["on_time"], then["created"]), "%"),
        Headline("coverage", "回访率", percent(now["followed_up"], now["followup_due"]),
                 percent(then["followed_up"], then["followup_due"]), "%"),
        Headline("satisfaction", "满意率", satisfaction, percent(then["satisfied"], then["rated"]), "%",
                 warn=satisfaction is not None and satisfaction < reports.SATISFACTION_TARGET),
        Headline("dissatisfied", "回访不满意", now["dissatisfied"], then["dissatisfied"],
                 filters={"metric": "dissatisfied"}, warn=bool(now["dissatisfied"])),
        Headline("stops", "禁用语拦截", _stops(ctx), _stops(before), "次"),
    ]


def _query(ctx: reports.Context, **fields) -> TicketQuery:
    start, end = periods.bounds(ctx.desk, ctx.period.first, ctx.period.last)
    return TicketQuery(ctx.viewer.estate_ids, created_from=start, created_to=end, **fields)


def breaches(ctx: reports.Context, limit: int = 20) -> tuple[list, int]:
    """The period's breached tickets (newest first) and how many there are."""
    found, total = console_tickets.list_tickets(ctx.session, _query(ctx, breached=True), 0, limit)
    return [row(ctx.desk, t) for t in found], total


def key_tickets(ctx: reports.Context, kind: str, limit: int = 15) -> tuple[list, int]:
    """The period's key tickets of a kind: urgent repairs, or every complaint."""
    query = _query(ctx, kind=kind, urgent=True if kind == "repair" else None)
    found, total = console_tickets.list_tickets(ctx.session, query, 0, limit)
    return [row(ctx.desk, t) for t in found], total


RECURRING_DAYS = 92   # houses reporting again and again are a recent matter; a year of houses is too slow to group


def recurring_window(period: periods.Period) -> periods.Period:
    """The part of a period whose recurring addresses are listed: all of it, or its last 92 days."""
    if period.days <= RECURRING_DAYS:
        return period
    return periods.Period(period.last - timedelta(days=RECURRING_DAYS - 1), period.last)


def recurring(ctx: reports.Context, at_least: int = 2, limit: int = 15) -> list[dict]:
    """Houses with several tickets in the period (its last 92 days at most), with their tickets' filters."""
    window = recurring_window(ctx.period)
    start, end = periods.bounds(ctx.desk, window.first, window.last)
    query = TicketQuery(ctx.viewer.estate_ids, created_from=start, created_to=end)
    found = console_tickets.recurring_addresses(ctx.session, query, at_least, limit)
    return [{"address": names.address(b, u, r), "tickets": n,
             "filters": {"building": b, "unit": u or "-", "room": r, **window.args()}} for b, u, r, n in found]
