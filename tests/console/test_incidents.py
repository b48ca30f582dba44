"""Outages in the console: the list and one incident within the viewer's estates; declaring one,
changing its expected time and resolving it through CSRF-protected forms, each an incident event
naming who did it."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from handlers.estates import admin
from handlers.incidents.incidents import join, open_incident
from storage.db import session_scope
from storage.incident_models import Incident, IncidentEvent
from storage.models import DEFAULT_ESTATE_ID, Resident, Staff

from .conftest import SUPERVISOR, csrf_token, sign_in


def _incident(desk, estate_id: int = DEFAULT_ESTATE_ID, place: str = "3", households: int = 2) -> int:
    """An open power cut with some households, as the desk's detection would leave it."""
    with desk.work() as work:
        incident, _ = open_incident(work, estate_id=estate_id, category="power", place=place, source="detected",
                                    actor="system")
        for n in range(households):
            resident = Resident(openid=f"o_console_incident_{estate_id}_{place}_{n}", building=place, room=f"{n + 1}01")
            work.session.add(resident)
            work.session.flush()
            join(work, incident, resident, "停电了", "system", place=(place, "1", f"{n + 1}01"))
        return incident.id


def _events(desk, incident_id: int) -> list[tuple[str, str]]:
    with desk.sessions() as session:
        return [(e.actor, e.action) for e in session.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id))]


def _local(desk, hours: int) -> str:
    return (desk.local(desk.now()) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_a_manager_declares_updates_and_resolves_an_incident(manager, desk, people):
    page = manager.get("/incidents").get_data(as_text=True)
    assert "没有处理中的事件" in page and 'id="nav-incidents"' in page
    answer = manager.post("/incidents", data={"csrf_token": csrf_token(page), "estate": DEFAULT_ESTATE_ID,
                                              "category": "water", "place": "5栋", "expected": _local(desk, 3)})
    assert answer.status_code == 302
    incident_id = int(re.search(r"/incidents/(\d+)$", answer.headers["Location"]).group(1))
    with desk.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert (incident.source, incident.category, incident.place, incident.status) == ("console", "water", "5", "open")
        first_expected = incident.expected_at
    me = f"staff:{people['王经理']}:王经理"
    page = manager.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert "5栋停水" in page and "王经理" in page
    answer = manager.post(f"/incidents/{incident_id}/expected",
                          data={"csrf_token": csrf_token(page), "expected": _local(desk, 5)})
    assert answer.status_code == 302
    with desk.sessions() as session:
        assert session.get(Incident, incident_id).expected_at - first_expected == timedelta(hours=2)
    answer = manager.post(f"/incidents/{incident_id}/resolve", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 302
    with desk.sessions() as session:
        assert session.get(Incident, incident_id).status == "resolved"
    assert [(a, e) for a, e in _events(desk, incident_id) if a == me] == \
        [(me, "opened"), (me, "expected_changed"), (me, "resolved")]
    assert "没有处理中的事件" in manager.get("/incidents").get_data(as_text=True)
    assert "5栋" in manager.get("/incidents?status=resolved").get_data(as_text=True)


def test_forms_without_their_csrf_token_change_nothing(manager, desk, people):
    incident_id = _incident(desk)
    assert manager.post("/incidents", data={"estate": DEFAULT_ESTATE_ID, "category": "power",
                                            "place": "7"}).status_code == 400
    assert manager.post(f"/incidents/{incident_id}/resolve").status_code == 400
    assert manager.post(f"/incidents/{incident_id}/expected", data={"expected": _local(desk, 2)}).status_code == 400
    with desk.sessions() as session:
        assert [(i.place, i.status) for i in session.scalars(select(Incident))] == [("3", "open")]
        assert session.get(Incident, incident_id).expected_at is None


def test_the_list_and_the_page_show_households_and_duration(manager, desk, people):
    incident_id = _incident(desk, households=3)
    listing = manager.get("/incidents").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a href=\"/incidents/%d\">.*?</tr>" % incident_id, listing, re.S).group()
    assert "3栋" in row and "停电" in row and "<td>3</td>" in row and "进行中" in row
    page = manager.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert page.count("3栋1单元") == 3 and "未发送" in page and "住户并入" in page and "卡片状态" in page
    overview = manager.get("/").get_data(as_text=True)
    assert re.search(r'id="open-incidents">\s*<span class="label">进行中事件</span><span class="value">1<', overview)


def test_a_manager_of_one_estate_sees_and_declares_in_it_only(client, desk, people):
    other = admin.add_estate(desk.sessions, "阳光城")
    theirs, mine = _incident(desk), _incident(desk, estate_id=other)
    with session_scope(desk.sessions) as session:
        session.get(Staff, people["周主管"]).estate_ids = [other]
    sign_in(client, desk, SUPERVISOR)
    listing = client.get("/incidents").get_data(as_text=True)
    assert f"/incidents/{mine}\"" in listing and f"/incidents/{theirs}\"" not in listing
    assert client.get(f"/incidents/{theirs}").status_code == 404
    token = csrf_token(listing)
    assert client.post(f"/incidents/{theirs}/resolve", data={"csrf_token": token}).status_code == 404
    refused = client.post("/incidents", data={"csrf_token": token, "estate": DEFAULT_ESTATE_ID, "category": "power",
                                              "place": "9"})
    assert refused.status_code == 400
    with desk.sessions() as session:
        assert session.get(Incident, theirs).status == "open"
        assert session.scalars(select(Incident).where(Incident.place == "9")).first() is None
    assert re.search(r'id="open-incidents">\s*<span class="label">进行中事件</span><span class="value">1<',
                     client.get("/").get_data(as_text=True))
