"""What managers see: the overview equals the database, the list's filters, a ticket's timeline,
a phone revealed (and logged), report numbers that open their tickets, exports that match."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from handlers.console import overview, periods, rollups
from handlers.staff import commands
from storage.db import session_scope
from storage.models import Ticket, TicketEvent, utcnow

from ..conftest import rows
from .conftest import add_history, add_ticket, csrf_token

OPEN = ("new", "accepted", "on_site", "reopened")


def test_overview_numbers_equal_the_database(manager, desk, mixed_tickets):
    data = manager.get("/overview.json").get_json()
    tickets, now = rows(desk, Ticket), desk.now()
    live = {f["key"]: f["value"] for f in data["live"]}
    open_ = [t for t in tickets if t.status in OPEN]
    assert live["open"] == len(open_)
    assert live["not_accepted"] == sum(t.status in ("new", "reopened") for t in tickets)
    assert live["urgent"] == sum(t.urgent for t in open_)
    assert live["overdue"] == sum(t.breached or t.due_at < now for t in open_)
    assert live["escalated"] == sum(t.escalated for t in open_)
    buckets = {f["key"]: f["value"] for f in data["buckets"]}
    assert buckets["breached"] == live["overdue"] and sum(buckets.values()) == len(open_)
    today = periods.today(desk)
    todays = [t for t in tickets if desk.local(t.created_at).date() == today]
    assert {f["key"]: f["value"] for f in data["today"]}["all"] == len(todays)
    for figure in data["live"] + data["buckets"] + data["today"]:   # each number opens its tickets
        page = manager.get(figure["href"]).get_data(as_text=True)
        assert f'<b id="total">{figure["value"]}</b>' in page, figure


def test_deadline_buckets():
    start = utcnow()
    due = start + timedelta(minutes=100)
    at = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    assert [overview.bucket(start, due, False, at(m)) for m in (10, 50, 75, 76, 85, 86, 95, 96, 100, 130)] == \
        ["lt50", "50-75", "50-75", "76-85", "76-85", "86-95", "86-95", "gt95", "breached", "breached"]
    assert overview.bucket(start, due, True, at(1)) == "breached"
    assert overview.bucket(start, None, False, at(1)) is None


def test_list_filters_and_search(manager, desk, people):
    now = utcnow()
    with session_scope(desk.sessions) as session:
        a = add_ticket(session, now, building="3", unit="2", urgent=True, contact_phone="13800004321")
        add_ticket(session, now - timedelta(days=3), kind="complaint", status="closed", building=None,
                   assignee_id=people["张师傅"])
        code = a.code

    def total(**query):
        page = manager.get("/tickets", query_string=query).get_data(as_text=True)
        return int(re.search(r'<b id="total">(\d+)</b>', page).group(1))
    assert total() == 2
    assert total(kind="complaint") == 1 and total(status="open") == 1 and total(urgent="1") == 1
    assert total(building="3", unit="2") == 1 and total(building="-") == 1
    assert total(staff=str(people["张师傅"])) == 1 and total(staff="-") == 1
    assert total(q="4321") == 1 and total(q=code.lower()) == 1 and total(q="5678") == 1
    today = periods.today(desk).isoformat()
    assert total(**{"from": today, "to": today}) == 1


def test_bad_filters_are_explained_not_failed(manager):
    for query in ({"kind": "party"}, {"from": "yesterday"}, {"status": "lost"}, {"q": "12"}, {"sla": "x"},
                  {"metric": "drop table"}, {"page": "-3"}, {"staff": "abc"}, {"from": "2026-12-01", "to": "2026-01-01"}):
        response = manager.get("/tickets", query_string=query)
        assert response.status_code == 200, query
        assert "已忽略这个条件" in response.get_data(as_text=True) or query == {"page": "-3"}
    assert manager.get("/reports/sla?from=nonsense").status_code == 200
    assert manager.get("/export/sla_kind.csv?from=nonsense").status_code == 400
    assert manager.get("/export/nothing.csv").status_code == 404


def test_ticket_page_shows_the_whole_history_with_phones_masked(manager, desk, people):
    now = utcnow()
    with session_scope(desk.sessions) as session:
        ticket = add_ticket(session, now, urgent=True, building="3", unit="2", room="1201")
        add_history(session, ticket, people["张师傅"], now)
        ticket_id = ticket.id
    page = manager.get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page
    assert "3栋2单元1201 厨房漏水 电话138****5678" in page             # the resident's words
    assert "回复被拦截（服务禁用语）" in page and "不知道，等一会" in page and "拦截的用语：不知道、等一会" in page
    assert "您好，我们立即安排处理，请稍候。" in page and "采用系统建议的改写发送" in page
    timeline = page[page.index('id="timeline"'):]
    assert "到场时限" in timeline and timeline.index("提交") < timeline.index("接单") < timeline.index("超过时限")


def test_telegram_and_the_console_name_every_step_alike(manager, desk, people):
    """One table of step names: each side used to miss steps the other knew (改为紧急, 并入事件)."""
    now = utcnow()
    with session_scope(desk.sessions) as session:
        ticket = add_ticket(session, now)
        for n, action in enumerate(("created", "made_urgent", "joined_incident", "phone_revealed")):
            session.add(TicketEvent(ticket_id=ticket.id, actor="system", action=action, at=now + timedelta(minutes=n)))
        ticket_id, code = ticket.id, ticket.code
    page = manager.get(f"/tickets/{ticket_id}").get_data(as_text=True)
    with desk.work() as work:
        steps = commands.history(work, code).split("处理记录：")[1]
    for label in ("提交", "改为紧急", "并入事件", "查看完整电话"):
        assert label in page[page.index('id="timeline"'):] and label in steps


def test_revealing_a_phone_is_logged_with_who(manager, desk, people):
    with session_scope(desk.sessions) as session:
        ticket_id = add_ticket(session, utcnow()).id
    page = manager.get(f"/tickets/{ticket_id}").get_data(as_text=True)
    response = manager.post(f"/tickets/{ticket_id}/phone", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200 and '<b id="full-phone">13812345678</b>' in response.get_data(as_text=True)
    events = rows(desk, TicketEvent, action="phone_revealed")
    assert [(e.ticket_id, e.actor, e.detail) for e in events] == \
        [(ticket_id, f"staff:{people['王经理']}:王经理", {"via": "console"})]
    assert "查看完整电话" in manager.get(f"/tickets/{ticket_id}").get_data(as_text=True)


def _numbers_and_links(html: str, chart_id: str) -> list[tuple[int, str]]:
    table = html[html.index(f'id="table-{chart_id}"'):]
    table = table[:table.index("</table>")]
    return [(int(n), href.replace("&amp;", "&")) for href, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', table)]


def test_report_numbers_open_exactly_their_tickets(manager, desk, mixed_tickets):
    rollups.refresh(desk)
    for section, charts in (("sla", ("sla_kind", "sla_staff")), ("followup", ("followup", "followup_loop")),
                            ("staff", ("staff",)), ("places", ("places_building", "places_unit", "categories"))):
        html = manager.get(f"/reports/{section}?from={periods.today(desk) - timedelta(days=20)}").get_data(as_text=True)
        for chart_id in charts:
            linked = _numbers_and_links(html, chart_id)
            assert linked, chart_id
            for number, href in linked:
                page = manager.get(href).get_data(as_text=True)
                assert f'<b id="total">{number}</b>' in page, (chart_id, href)


def test_exports_hold_the_numbers_of_the_chart(manager, desk, mixed_tickets):
    query = f"from={periods.today(desk) - timedelta(days=20)}&to={periods.today(desk)}"
    html = manager.get(f"/reports/sla?{query}").get_data(as_text=True)
    shown = _numbers_and_links(html, "sla_kind")
    book = load_workbook(io.BytesIO(manager.get(f"/export/sla_kind.xlsx?{query}").data))
    sheet = book.worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[1][:4] == ["类型", "工单数", "按时", "超时"]
    exported = [v for line in table[2:-1] for v in line[1:4]]
    assert exported == [n for n, _ in shown]
    assert table[-1][0] == "合计" and table[-1][1] == 60
    lines = list(csv.reader(io.StringIO(manager.get(f"/export/sla_kind.csv?{query}").data.decode("utf-8-sig"))))
    assert len(lines) == len(table)
    for line, csv_line in zip(table, lines):
        assert [_same(v) for v in line[:len(csv_line)]] == [_same(v) for v in csv_line]
    detail = load_workbook(io.BytesIO(manager.get(f"/export/sla_kind.xlsx?{query}&tickets=1").data))
    tickets = list(detail["工单明细"].iter_rows(values_only=True))
    assert len(tickets) - 1 == 60 and sum(line[12] == "是" for line in tickets[1:]) == table[-1][3]


def _same(value):
    """A cell as a comparable value: numbers as floats, empty as ''."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except ValueError:
        return value


def test_summary_pages(manager, desk, mixed_tickets):
    for query in ("", "?period=month", "?period=week&date=2026-11-04", "?period=month&date=bad"):
        response = manager.get("/summary" + query)
        assert response.status_code == 200 and "满意率" in response.get_data(as_text=True)
    this_week = manager.get(f"/summary?period=week&date={periods.today(desk)}").get_data(as_text=True)
    created = re.search(r'data-headline="created">\s*<span class="label">新增工单</span><span class="value">(\d+)',
                        this_week)
    assert created is not None
    assert int(created.group(1)) == sum(1 for t in rows(desk, Ticket)
                                        if periods.week_of(periods.today(desk)).first
                                        <= desk.local(t.created_at).date() <= periods.today(desk))


def test_no_sql_reveals_a_phone_in_a_list(manager, desk, mixed_tickets):
    for path in ("/tickets", "/reports/sla", "/summary", "/overview.json"):
        assert "13812345678" not in manager.get(path).get_data(as_text=True)
    with session_scope(desk.sessions) as session:
        assert session.scalar(select(Ticket.contact_phone).limit(1)) == "13812345678"
