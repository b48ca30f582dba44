"""The console filters by the viewer's estates (issue 14 item 5): a manager of one estate sees its
tickets only; a manager with no estates listed sees the whole company."""
from __future__ import annotations

import re

from handlers.estates import admin
from storage.db import session_scope
from storage.models import Staff, utcnow

from .conftest import MANAGER, add_ticket, sign_in


def _total(client, **query) -> int:
    page = client.get("/tickets", query_string=query).get_data(as_text=True)
    return int(re.search(r'<b id="total">(\d+)</b>', page).group(1))


def test_a_manager_of_one_estate_sees_its_tickets_only(client, desk, people):
    other_id = admin.add_estate(desk.sessions, "阳光城")
    now = utcnow()
    with session_scope(desk.sessions) as session:
        mine = add_ticket(session, now, estate_id=other_id).id
        theirs = add_ticket(session, now).id  # the default estate
        session.get(Staff, people["王经理"]).estate_ids = [other_id]
    sign_in(client, desk, MANAGER)
    assert _total(client) == 1
    assert client.get(f"/tickets/{mine}").status_code == 200
    assert client.get(f"/tickets/{theirs}").status_code == 404


def test_a_company_manager_sees_every_estate(manager, desk, people):
    other_id = admin.add_estate(desk.sessions, "阳光城")
    now = utcnow()
    with session_scope(desk.sessions) as session:
        add_ticket(session, now, estate_id=other_id)
        add_ticket(session, now)
    assert _total(manager) == 2


def test_a_manager_named_in_an_estates_settings_sees_it_too(client, desk, people):
    """Scope is decided in one place (handlers/estates/scope.py): the estates listed on the staff row and
    those whose `managers` / `supervisors` settings name the person; a change of settings counts at once."""
    from handlers.estates.settings import SettingsStore
    from storage.models import DEFAULT_ESTATE_ID

    other_id = admin.add_estate(desk.sessions, "阳光城")
    third_id = admin.add_estate(desk.sessions, "翠湖")
    now = utcnow()
    with session_scope(desk.sessions) as session:
        add_ticket(session, now, estate_id=other_id)
        named = add_ticket(session, now, estate_id=third_id).id
        add_ticket(session, now)  # the default estate: neither listed nor named
        session.get(Staff, people["王经理"]).estate_ids = [other_id]
    sign_in(client, desk, MANAGER)
    assert _total(client) == 1 and client.get(f"/tickets/{named}").status_code == 404
    SettingsStore(desk.sessions, desk.config).change(third_id, "翠湖", "managers", str(MANAGER), "test")
    desk.settings.freshness.expire()
    assert _total(client) == 2 and client.get(f"/tickets/{named}").status_code == 200
    assert DEFAULT_ESTATE_ID not in {other_id, third_id}


def test_campaign_coverage_per_estate_on_the_report_page_and_its_export(client, desk, people, tmp_path):
    """住户回访 per estate (issue 14 item 8) on the console's report page and in its CSV, within the viewer's
    estates only."""
    from handlers.campaigns import start
    from handlers.estates.roster_import import import_roster

    roster = tmp_path / "roster.csv"
    roster.write_text("小区,楼栋,单元,房号,业主姓名,业主电话,入住状态\n阳光城,1号楼,1单元,101,钱七,13700000000,已入住\n"
                      "阳光城,1号楼,1单元,102,孙八,13700000001,已入住\n翠湖,2栋,1单元,201,周九,13700000002,已入住\n",
                      encoding="utf-8")
    import_roster(desk.sessions, roster)
    start.start(desk, "阳光城", "monthly", "2026-12", "test")
    start.start(desk, "翠湖", "monthly", "2026-12", "test")
    sign_in(client, desk, MANAGER)
    page = client.get("/reports/campaigns").get_data(as_text=True)
    assert "住户回访" in page and "阳光城 2026-12" in page and "翠湖 2026-12" in page
    csv = client.get("/export/campaigns.csv").get_data().decode("utf-8-sig")
    assert "阳光城 2026-12,2,0,0.0,100.0" in csv
    sun = next(e.id for e in desk.estates.estates() if e.name == "阳光城")
    with session_scope(desk.sessions) as session:
        session.get(Staff, people["王经理"]).estate_ids = [sun]
    page = client.get("/reports/campaigns").get_data(as_text=True)
    assert "阳光城 2026-12" in page and "翠湖 2026-12" not in page


def _detail_codes(client, **query) -> list[str]:
    import io

    from openpyxl import load_workbook

    response = client.get("/export/campaigns.xlsx", query_string={**query, "tickets": 1})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["工单明细"]
    return sorted(line[0] for line in list(sheet.iter_rows(values_only=True))[1:])


def test_the_campaign_reports_ticket_detail_lists_the_campaigns_tickets_only(manager, desk, tmp_path):
    """The 回访 chart's detail export: the tickets raised on its campaigns' calls and survey answers, not
    every ticket of the period (they were the chart's tickets before)."""
    from handlers.campaigns import results, start
    from handlers.estates.roster_import import import_roster
    from storage.models import Ticket

    roster = tmp_path / "roster.csv"
    roster.write_text("小区,楼栋,单元,房号,业主姓名,业主电话,入住状态\n阳光城,1号楼,1单元,101,钱七,13700000000,已入住\n"
                      "阳光城,1号楼,1单元,102,孙八,13700000001,已入住\n", encoding="utf-8")
    import_roster(desk.sessions, roster)
    start.start(desk, "阳光城", "monthly", "2026-12", "test")
    first, second = (call["contact"] for call in results.status(desk, "阳光城")["to_call"])
    raised = results.record_call(desk, first, True, "客服小陈", rating=2, problem="卫生间水管漏水了，麻烦派人来看看")
    results.record_call(desk, second, True, "客服小陈", rating=5, opinion="挺好的")  # no problem: no ticket
    with session_scope(desk.sessions) as session:
        other = add_ticket(session, utcnow()).code  # the period's, but no campaign's
    with desk.sessions() as session:
        assert other in {t.code for t in session.query(Ticket)}
    assert _detail_codes(manager) == [raised["ticket"]]
    assert _total(manager, campaign="-") == 0 and _total(manager) == 2


def test_a_period_without_campaigns_has_an_empty_campaign_detail(manager, desk):
    with session_scope(desk.sessions) as session:
        add_ticket(session, utcnow())
    assert _detail_codes(manager) == []
