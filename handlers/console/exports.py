"""Exports of a chart to XLSX (openpyxl) and CSV: the chart's own table, plus one row per ticket
behind it on request."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from storage import console_tickets
from storage.db import session_scope

from ..desk import Desk
from . import filters, names
from .charts import Chart
from .periods import Period
from .viewer import Viewer

MAX_TICKETS = 100_000
TICKET_HEADER = ["工单号", "类型", "状态", "紧急", "类别", "楼栋", "单元", "房号", "负责人", "创建时间", "时限",
                 "完成时间", "超时", "回访状态", "评分", "重新打开", "升级"]
FOLLOWUP = {"sent": "已发送", "reminded": "已提醒", "answered": "已回复", "phone": "电话回访"}


def _table(chart: Chart, period: Period) -> list[list]:
    rows = [[chart.title, period.label()], chart.header(), *chart.rows()]
    totals = chart.totals()
    if any(t is not None for t in totals) and chart.type != "funnel":
        rows.append(["合计", *["" if t is None else t for t in totals]])
    return rows


def chart_csv(chart: Chart, period: Period) -> bytes:
    """The chart's table as CSV (UTF-8 with a BOM, so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _table(chart, period):
        writer.writerow(["" if v is None else v for v in line])
    return out.getvalue().encode("utf-8-sig")


def chart_xlsx(chart: Chart, period: Period, detail: tuple[str, list[str], list[list]] | None = None) -> bytes:
    """The chart's table as a workbook, with a sheet of what is behind it (title, header, lines) when given."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(chart.title[:31].replace("/", "-"))
    for line in _table(chart, period):
        sheet.append(line)
    if detail is not None:
        title, header, lines = detail
        extra = book.create_sheet(title)
        extra.append(header)
        for line in lines:
            extra.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ticket_line(desk: Desk, ticket) -> list:
    local = lambda moment: desk.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # noqa: E731
    return [ticket.code, names.kind(ticket.kind), names.status(ticket.status), "是" if ticket.urgent else "否",
            names.category(ticket.category), ticket.building or "", ticket.unit or "", ticket.room or "",
            ticket.assignee.name if ticket.assignee else "", local(ticket.created_at), local(ticket.due_at),
            local(ticket.done_at), "是" if ticket.breached else "否", FOLLOWUP.get(ticket.followup_status or "", ""),
            ticket.rating if ticket.rating is not None else "", "是" if ticket.reopened_at else "否",
            "是" if ticket.escalated else "否"]


def detail_sheet(desk: Desk, viewer: Viewer, chart: Chart, period: Period) -> tuple[str, list[str], list[list]]:
    """The detail sheet of a chart's export: its own lines (an outage chart's incidents), else its tickets."""
    if chart.detail_lines is not None:
        return (chart.detail_title, *chart.detail_lines)
    return chart.detail_title, TICKET_HEADER, ticket_lines(desk, viewer, chart, period)


def ticket_lines(desk: Desk, viewer: Viewer, chart: Chart, period: Period) -> list[list]:
    """One line per ticket behind a chart (created in the period, or raised in the chart's campaigns
    whenever that was; in the viewer's estates)."""
    # A campaign's answers and calls go on after the period its campaign started in, and the chart counts
    # all of its tickets: the detail must list the same ones.
    base = {} if "campaign" in chart.detail else period.args()
    wanted = filters.parse(desk, {**base, **chart.detail})
    with session_scope(desk.sessions) as session:
        query = wanted.query(desk, viewer, session)
        return [_ticket_line(desk, t) for t in console_tickets.iter_tickets(session, query, MAX_TICKETS)]

