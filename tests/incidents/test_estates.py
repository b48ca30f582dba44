"""Incidents take the estate of the residents' tickets and addresses, never a guess of their own:
two estates with a 3栋 each are two places."""
from __future__ import annotations

from handlers.estates import admin
from storage.db import session_scope
from storage.models import DEFAULT_ESTATE_ID, Resident

from .conftest import Residents, incidents, reports, tickets


def _residents_of(desk, estate_id: int, numbers) -> None:
    """Residents who gave their estate and address before (the intake knows their estate)."""
    with session_scope(desk.sessions) as session:
        for number in numbers:
            session.add(Resident(openid=f"o_household_{number:04d}", estate_id=estate_id, building="3", unit="1",
                                 room=f"{1000 + number}", phone=f"138{number:08d}"))


def test_two_estates_with_a_3_each_never_share_an_incident(build):
    app, desk = build()
    other = admin.add_estate(desk.sessions, "阳光城")
    _residents_of(desk, DEFAULT_ESTATE_ID, (1, 2, 3))
    _residents_of(desk, other, (4, 5, 6))
    people = Residents(app)
    for number in (1, 2, 3):
        people.report(number, "3")
    [first] = incidents(desk)
    assert (first.estate_id, first.households) == (DEFAULT_ESTATE_ID, 3)
    answer = people.report(4, "3")                   # 阳光城's 3栋: not the open outage of the other estate
    assert "BX-" in answer and incidents(desk)[0].households == 3
    people.report(5, "3")
    people.report(6, "3")
    found = incidents(desk)
    assert [(i.estate_id, i.place, i.households) for i in found] == [(DEFAULT_ESTATE_ID, "3", 3), (other, "3", 3)]
    by_incident = {i.id: {r.resident_id for r in reports(desk, i.id)} for i in found}
    assert not by_incident[found[0].id] & by_incident[found[1].id]
    # every ticket attached to an incident is of that incident's estate
    estates = {r.ticket_id: i.estate_id for i in found for r in reports(desk, i.id) if r.ticket_id}
    assert estates and all(t.estate_id == estates[t.id] for t in tickets(desk) if t.id in estates)


def test_a_report_joins_the_open_outage_of_its_own_estate_only(build):
    app, desk = build()
    other = admin.add_estate(desk.sessions, "阳光城")
    _residents_of(desk, other, (1, 2, 3, 4))
    _residents_of(desk, DEFAULT_ESTATE_ID, (5,))
    people = Residents(app)
    for number in (1, 2, 3):
        people.report(number, "3")
    [incident] = incidents(desk)
    assert incident.estate_id == other
    assert "3栋目前停电" in people.report(4, "3")       # 阳光城: joins at once
    assert "3栋目前停电" not in people.report(5, "3")   # the other estate's 3栋: a report of its own
    assert incidents(desk)[0].households == 4 and len(incidents(desk)) == 1
