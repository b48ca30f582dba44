"""Outage reports that name no place: a household writing again, a newcomer asked which building, an urgent
ticket whose place arrives after an incident opened there."""
from __future__ import annotations

import pytest

from handlers.incidents import kinds

from .conftest import Residents, incidents, pending_timers, reports, tickets


def _outage_in_3(people: Residents) -> None:
    for number in (1, 2, 3):
        people.report(number, "3")


def test_a_household_that_joined_writes_again_without_its_address_and_gets_the_notice(build):
    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    people.report(4, "3")
    before = len(tickets(desk))
    for words in ("停电了好久了", "还是没电", "什么时候来电"):
        reply = people.user(4).say(words)
        assert "3栋目前停电" in reply, words
    [incident] = incidents(desk)
    assert incident.households == 4 and len(tickets(desk)) == before
    [mine] = [r for r in reports(desk, incident.id) if r.building == "3" and "还是没电" in r.words]
    assert "停电了好久了" in mine.words


def test_a_newcomer_is_told_of_the_outage_and_asked_which_building_then_joins(build):
    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    before = len(tickets(desk))
    reply = people.user(20).say("停电了")
    assert "3栋目前停电" in reply and "请问您家是几栋几单元" in reply
    assert len(tickets(desk)) == before and incidents(desk)[0].households == 3
    reply = people.user(20).say("3栋2单元802")
    assert "3栋目前停电" in reply
    assert len(tickets(desk)) == before and incidents(desk)[0].households == 4
    assert {(r.building, r.room) for r in reports(desk, incidents(desk)[0].id)} >= {("3", "802")}


def test_a_newcomer_in_another_building_gets_an_urgent_ticket_there(build):
    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    people.user(21).say("家里停电了")
    reply = people.user(21).say("7栋1单元701 电话13912345678")
    assert "BX-" in reply
    ticket = tickets(desk)[-1]
    assert (ticket.building, ticket.room, ticket.urgent, ticket.status) == ("7", "701", True, "new")
    assert incidents(desk)[0].households == 3


def test_the_question_names_every_building_out_and_other_words_are_routed_afresh(build):
    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    for number in (4, 5, 6):
        people.report(number, "4")
    reply = people.user(22).say("没电了")
    assert "3栋、4栋目前停电" in reply
    reply = people.user(22).say("物业费怎么交")  # not an answer: the question is dropped, the words answered
    assert "请问您家是几栋几单元" not in reply and "物业费" in reply


def test_an_urgent_ticket_whose_place_arrives_after_the_incident_opened_there_joins_it(build):
    app, desk = build()
    people = Residents(app)
    reply = people.user(30).say("停电了")     # nothing open yet: urgent first, the place asked afterwards
    assert "BX-" in reply
    [ticket] = tickets(desk)
    assert ticket.urgent and ticket.building is None
    _outage_in_3(people)
    reply = people.user(30).say("3栋1单元1209")
    assert "3栋目前停电" in reply
    ticket = next(t for t in tickets(desk) if t.id == ticket.id)
    assert ticket.status == "incident" and pending_timers(desk, ticket.id) == []
    [incident] = incidents(desk)
    assert incident.households == 4
    assert ticket.id in {r.ticket_id for r in reports(desk, incident.id)}


def test_lift_words_with_still_and_when_are_lift_outages():
    for words in ("电梯还是坏了", "电梯一直不动", "电梯什么时候能用"):
        found = kinds.read(words)
        assert found is not None and found.category == "lift" and found.only_outage, words


def test_a_joining_household_is_known_by_its_address_and_phone_afterwards(build):
    from sqlalchemy import select

    from storage.models import Resident

    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    people.report(4, "3", room="1804")
    with desk.sessions() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == "o_household_0004")).one()
        assert (resident.building, resident.unit, resident.room, resident.phone) == ("3", "1", "1804", "13800000004")
        assert not resident.address_confirmed   # kept as given, asked about once before a repair reuses it


@pytest.mark.parametrize("answer", ["不在", "不是，我们不在这几栋", "不在以上楼栋"])
def test_a_newcomer_saying_not_in_those_buildings_gets_a_technician(build, answer):
    """The question promises a technician to a household not in the outage's buildings: saying so (without
    the address yet) goes on as the urgent report it is, never as a fresh message of its own."""
    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    before = len(tickets(desk))
    assert "如不在" in people.user(23).say("家里停电了")
    reply = people.user(23).say(answer)
    assert "BX-" in reply, reply
    ticket = tickets(desk)[-1]
    assert len(tickets(desk)) == before + 1 and ticket.urgent and "停电" in ticket.description
    assert incidents(desk)[0].households == 3


def _minutes_on(desk, minutes: float) -> None:
    from datetime import timedelta

    from storage.models import utcnow
    later = utcnow() + timedelta(minutes=minutes)
    desk.clock = lambda: later


def test_a_which_building_question_never_answered_becomes_an_urgent_ticket(build):
    from handlers.upkeep import reconcile
    from storage.models import OutboxMessage, TicketEvent

    from ..conftest import rows

    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    before = len(tickets(desk))
    people.user(40).say("停电了")
    _minutes_on(desk, 5)
    assert reconcile(desk)["unanswered"] == 0 and len(tickets(desk)) == before    # not yet
    _minutes_on(desk, 11)
    assert reconcile(desk)["unanswered"] == 1
    ticket = tickets(desk)[-1]
    assert len(tickets(desk)) == before + 1 and ticket.urgent and ticket.status == "new" and ticket.building is None
    assert "停电了" in ticket.resident_words
    assert {"where_unanswered", "needs_phone_call"} <= {e.action for e in rows(desk, TicketEvent)
                                                         if e.ticket_id == ticket.id}
    told = [r.payload["content"] for r in rows(desk, OutboxMessage) if r.ticket_id == ticket.id and r.channel == "wechat"]
    assert any(ticket.code in text and "紧急报修" in text for text in told)
    assert reconcile(desk)["unanswered"] == 0 and len(tickets(desk)) == before + 1   # once


def test_an_answered_question_or_a_household_heard_since_opens_nothing(build):
    from handlers.upkeep import reconcile

    app, desk = build()
    people = Residents(app)
    _outage_in_3(people)
    before = len(tickets(desk))
    people.user(41).say("停电了")
    people.user(41).say("3栋2单元802")                 # answered: joins the outage
    people.user(42).say("没电了")
    people.user(42).say("物业费怎么交")               # not an answer: the question still waits
    people.user(42).say("3栋1单元301停电了，电话13900000042")   # then joins by other words
    _minutes_on(desk, 11)
    assert reconcile(desk)["unanswered"] == 0
    assert len(tickets(desk)) == before and incidents(desk)[0].households == 5
