"""Outages on the console's report page (issue 16 item 7): per estate in the viewer's scope and period,
apart from the ticket figures, linked to /incidents, and in the chart's CSV/XLSX exports."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from handlers.estates import admin
from handlers.incidents.incidents import join, open_incident
from storage.db import session_scope
from storage.incident_models import Incident, IncidentReport
from storage.models import DEFAULT_ESTATE_ID, Resident, Staff

from .conftest import MANAGER, add_ticket, sign_in


def outage(desk, estate_id: int | None, place: str, households: list[tuple], minutes: int | None = None,
           category: str = "power", ago: timedelta = timedelta(hours=3)) -> int:
    """An outage opened `ago`, with one household per (restore status, 回访 status, rating); resolved after
    `minutes` when given."""
    with desk.work() as work:
        incident, _ = open_incident(work, estate_id=estate_id, category=category, place=place, source="detected",
                                    actor="system")
        for n, (restore, followup, rating) in enumerate(households):
            resident = Resident(openid=f"o_report_{estate_id}_{place}_{category}_{n}", building=place, room=f"{n + 1}01")
            work.session.add(resident)
            work.session.flush()
            report = join(work, incident, resident, "停电了", "system", place=(place, "1", f"{n + 1}01"))
            report.restore_status, report.followup_status, report.rating = restore, followup, rating
        incident.opened_at = work.now - ago
        if minutes is not None:
            incident.status, incident.resolved_at = "resolved", incident.opened_at + timedelta(minutes=minutes)
        return incident.id


def two_estates(desk) -> tuple[int, int]:
    """锦绣 (the default estate): two power cuts, 90 and 30 minutes, 5 households; 阳光城: one open water cut
    of 2 households, and one outside the period; 翠湖: one the manager of 阳光城 must not see."""
    sun, lake = admin.add_estate(desk.sessions, "阳光城"), admin.add_estate(desk.sessions, "翠湖")
    outage(desk, DEFAULT_ESTATE_ID, "3", [("sent", "answered", 5), ("template", "answered", 2),
                                          ("failed", "phone", None)], minutes=90)
    outage(desk, DEFAULT_ESTATE_ID, "5", [("phone", "skipped", None), ("sent", "answered", 4)], minutes=30)
    outage(desk, sun, "1", [(None, None, None), (None, None, None)], category="water")
    outage(desk, sun, "2", [(None, None, None)], category="water", ago=timedelta(days=60), minutes=10)
    outage(desk, lake, "8", [("sent", None, None)], minutes=20)
    return sun, lake


def test_the_report_page_counts_outages_per_estate_apart_from_tickets(manager, desk, people):
    sun, lake = two_estates(desk)
    with session_scope(desk.sessions) as session:
        add_ticket(session, desk.now() - timedelta(hours=1))   # one ordinary repair
    page = manager.get("/reports/incidents").get_data(as_text=True)
    assert "停电停水等事件（按小区）" in page and 'id="incidents-link"' in page
    table = re.search(r'<table class="figures" id="table-incidents">.*?</table>', page, re.S).group()
    lines = [re.findall(r"<t[hd]>(.*?)</t[hd]>", line, re.S) for line in re.findall(r"<tr>.*?</tr>", table, re.S)]
    text = lambda cell: re.sub(r"<[^>]+>", "", cell).strip()  # noqa: E731
    body = {text(line[0]): [text(c) for c in line[1:]] for line in lines[1:]}
    #              incidents households total median sent failed phone answered satisfied
    home = desk.estates.estate(DEFAULT_ESTATE_ID).name
    assert body[home] == ["2", "5", "120", "60.0", "3", "1", "1", "3", "66.7%"]
    assert body["阳光城"] == ["1", "2", "0", "—", "0", "0", "0", "0", "—"]
    assert set(body) == {home, "阳光城", "翠湖"}
    # each estate's counts open its outages of the period on /incidents
    link = re.search(r'<a href="(/incidents\?[^"]+)">2</a>', table).group(1).replace("&amp;", "&")
    assert "status=all" in link and f"estate={DEFAULT_ESTATE_ID}" in link and "from=" in link
    listing = manager.get(link).get_data(as_text=True)
    assert listing.count('<td><a href="/incidents/') == 2 and 'id="incident-within"' in listing
    # the ticket figures do not count the outages' households
    sla = manager.get("/export/sla_kind.csv").get_data().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(sla)))[-1][:2] == ["合计", "1"]


def test_the_outage_exports_and_a_managers_scope(client, desk, people):
    sun, lake = two_estates(desk)
    with session_scope(desk.sessions) as session:
        session.get(Staff, people["王经理"]).estate_ids = [sun, DEFAULT_ESTATE_ID]
    sign_in(client, desk, MANAGER)
    lines = list(csv.reader(io.StringIO(client.get("/export/incidents.csv").get_data().decode("utf-8-sig"))))
    assert lines[1][:3] == ["小区", "事件数", "影响户数（户）"]
    assert [line[0] for line in lines[2:-1]] == [desk.estates.estate(DEFAULT_ESTATE_ID).name, "阳光城"]
    assert lines[-1][:4] == ["合计", "3", "7", "120"] and lines[-1][4] == ""   # no sum of medians
    book = load_workbook(io.BytesIO(client.get("/export/incidents.xlsx", query_string={"tickets": 1}).data))
    detail = list(book["事件明细"].iter_rows(values_only=True))
    assert detail[0][:3] == ("事件号", "小区", "地点")
    assert sorted((line[2], line[5], line[8]) for line in detail[1:]) == [("1栋", 2, None), ("3栋", 3, 90),
                                                                         ("5栋", 2, 30)]
    with desk.sessions() as session:
        hidden = session.query(Incident).filter(Incident.estate_id == lake).one().id
        assert session.query(IncidentReport).count() == 9
    narrowed = client.get(f"/incidents?status=all&estate={lake}").get_data(as_text=True)
    assert f"/incidents/{hidden}\"" not in narrowed
    assert desk.estates.estate(lake).name not in narrowed   # another estate is not even named


def test_a_campaigns_tickets_figure_opens_its_tickets(manager, desk, tmp_path):
    """问题转工单 on the 住户回访 report links to /tickets?campaign=ID (whenever the tickets were raised)."""
    from handlers.campaigns import results, start
    from handlers.estates.roster_import import import_roster

    roster = tmp_path / "roster.csv"
    roster.write_text("小区,楼栋,单元,房号,业主姓名,业主电话,入住状态\n阳光城,1号楼,1单元,101,钱七,13700000000,已入住\n",
                      encoding="utf-8")
    import_roster(desk.sessions, roster)
    campaign = start.start(desk, "阳光城", "monthly", "2026-12", "test")
    (call,) = results.status(desk, "阳光城")["to_call"]
    raised = results.record_call(desk, call["contact"], True, "客服小陈", rating=2, problem="卫生间水管漏水了，麻烦派人来看看")
    page = manager.get("/reports/campaigns").get_data(as_text=True)
    link = re.search(r'<a href="(/tickets\?campaign=\d+)">1</a>', page).group(1)
    assert link == f"/tickets?campaign={campaign['campaign']}"
    listing = manager.get(link).get_data(as_text=True)
    assert raised["ticket"] in listing and re.search(r'<b id="total">1</b>', listing)
