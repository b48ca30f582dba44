"""Detection from residents' words: threshold, window edges, neighbouring buildings, a different problem."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.incident_models import IncidentEvent
from storage.models import Resident, utcnow

from .conftest import Residents, incidents, pending_timers, reports, tickets


def test_three_reports_of_one_building_open_one_incident_and_attach_their_tickets(build):
    app, desk = build()
    people = Residents(app)
    first = people.report(1, "3")
    people.report(2, "3")
    assert incidents(desk) == [] and len(tickets(desk)) == 2 and "BX-" in first
    reply = people.report(3, "3")
    [incident] = incidents(desk)
    assert (incident.category, incident.place, incident.status, incident.households) == ("power", "3", "open", 3)
    assert "3栋目前停电" in reply and "恢复后我们会第一时间通知您" in reply
    # the first two had become tickets: attached; the third report joined before it became one
    assert [t.status for t in tickets(desk)] == ["incident"] * 2
    assert {r.ticket_id for r in reports(desk, incident.id)} == {tickets(desk)[0].id, tickets(desk)[1].id, None}
    assert all(pending_timers(desk, t.id) == [] for t in tickets(desk))  # one set of deadlines: the incident's


def test_later_reports_join_at_once_without_a_ticket(build):
    app, desk = build()
    people = Residents(app)
    for number in (1, 2, 3):
        people.report(number, "3")
    reply = people.user(4).say("3号楼停电了，什么时候来电")
    assert "3栋目前停电" in reply
    assert len(tickets(desk)) == 2
    [incident] = incidents(desk)
    assert incident.households == 4 and len(reports(desk, incident.id)) == 4
    version = incident.card_version
    people.user(4).say("3栋还是没电啊")           # the same household again: words added, not counted twice
    [again] = incidents(desk)
    assert again.households == 4 and again.latest_words == "3栋还是没电啊" and again.card_version == version + 1
    with desk.sessions() as session:
        resident_id = session.scalar(select(Resident.id).where(Resident.openid == people.user(4).openid))
        joined = [e.detail for e in session.scalars(select(IncidentEvent).where(
            IncidentEvent.incident_id == incident.id, IncidentEvent.action == "joined"))]
    [own] = [r for r in reports(desk, incident.id) if r.resident_id == resident_id]
    assert own.words == "3号楼停电了，什么时候来电\n3栋还是没电啊" and own.ticket_id is None
    assert {"resident": resident_id, "report": own.id, "ticket": None} in joined and len(joined) == 4


def test_reports_outside_the_window_do_not_count(build):
    app, desk = build(INCIDENT_WINDOW_MINUTES=10)
    people, start = Residents(app), utcnow()
    for number, minutes in ((1, 0), (2, 6), (3, 11)):   # the first is 11 minutes old when the third comes
        desk.clock = lambda m=minutes: start + timedelta(minutes=m)
        people.report(number, "3")
    assert incidents(desk) == [] and len(tickets(desk)) == 3
    desk.clock = lambda: start + timedelta(minutes=12)  # 6, 11 and 12 are within 10 minutes of each other
    people.report(4, "3")
    assert incidents(desk)[0].households == 3
    assert [t.status for t in tickets(desk)] == ["new", "incident", "incident"]


def test_two_outages_in_neighbouring_buildings_are_kept_apart(build):
    app, desk = build()
    people = Residents(app)
    people.report(1, "3"), people.report(2, "4"), people.report(3, "3"), people.report(4, "4")
    assert incidents(desk) == []
    people.report(5, "3")
    people.report(6, "4")
    three, four = incidents(desk)
    assert (three.place, three.households, four.place, four.households) == ("3", 3, "4", 3)
    assert {r.building for r in reports(desk, three.id)} == {"3"}


def test_a_different_problem_during_an_outage_gets_its_own_urgent_ticket(build):
    app, desk = build()
    people = Residents(app)
    for number in (1, 2, 3):
        people.report(number, "3")
    reply = people.report(4, "3", "停电了，而且我家冰箱冒烟")
    assert "BX-" in reply
    ticket = tickets(desk)[-1]
    assert ticket.urgent and ticket.status == "new"
    assert incidents(desk)[0].households == 3


def test_a_different_kind_of_outage_in_the_same_building_is_not_joined(build):
    app, desk = build()
    people = Residents(app)
    for number in (1, 2, 3):
        people.report(number, "3")
    reply = people.report(4, "3", "没水了")
    assert "停电" not in reply
    assert incidents(desk)[0].households == 3
