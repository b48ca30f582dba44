"""Complaints and inquiries that name no estate (issue 14): the bound house's estate, else the resident is
asked once which 小区; a single-estate company is never asked (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import select

from storage import bindings
from storage.db import session_scope
from storage.estate_models import House
from storage.models import DEFAULT_ESTATE_ID, Resident, Ticket

from ..conftest import WeChatUser, rows
from .test_desk import FEE, estates, setting  # noqa: F401  (the estates fixture)

NOISE = "楼上每天半夜装修太吵了，希望物业管一管"


def bind(desk, openid: str, *rooms: tuple[int, str]) -> None:
    """Bind a resident to houses (estate id, room) as the roster's phone would, straight in the table."""
    with session_scope(desk.sessions) as session:
        resident = session.scalars(select(Resident).where(Resident.openid == openid)).one_or_none()
        if resident is None:
            resident = Resident(openid=openid)
            session.add(resident)
            session.flush()
        for estate_id, room in rooms:
            house = session.scalars(select(House).where(House.estate_id == estate_id, House.room == room)).first()
            bindings.add_binding(session, resident_id=resident.id, house_id=house.id, estate_id=estate_id,
                                 role="owner", state="active", via="roster", overdue=False)


def test_a_complaint_asks_which_estate_once_and_remembers_it(resident, desk, estates):
    reply = resident.say(NOISE)
    assert "哪个小区" in reply and rows(desk, Ticket) == []
    reply = resident.say("阳光城")
    [ticket] = rows(desk, Ticket)
    assert ticket.kind == "complaint" and ticket.estate_id == estates["阳光城"] and ticket.code in reply
    assert ticket.description == NOISE
    resident.say("小区门口的垃圾好几天没人清理了，味道很大")  # told once: not asked again
    assert {t.estate_id for t in rows(desk, Ticket)} == {estates["阳光城"]} and len(rows(desk, Ticket)) == 2


def test_a_bound_resident_is_not_asked(resident, desk, estates):
    bind(desk, resident.openid, (estates["阳光城"], "101"))
    reply = resident.say(NOISE)
    [ticket] = rows(desk, Ticket)
    assert ticket.estate_id == estates["阳光城"] and "哪个小区" not in reply


def test_houses_in_two_estates_ask_which_house_once(resident, desk, estates):
    bind(desk, resident.openid, (estates["锦绣花园"], "1502"), (estates["阳光城"], "101"))
    reply = resident.say(NOISE)
    assert "哪一处房屋" in reply and "阳光城" in reply and rows(desk, Ticket) == []
    assert "序号" in resident.say("不知道")  # not an answer: asked again how to answer
    resident.say("2")
    [ticket] = rows(desk, Ticket)
    assert ticket.estate_id == estates["阳光城"]


def test_an_inquiry_is_answered_from_the_estate_it_was_asked_about(resident, desk, estates):
    setting(desk, estates["阳光城"], "knowledge", [FEE])
    assert "哪个小区" in resident.say("物业费多少钱一平")
    assert "2.5元" in resident.say("阳光城")


def test_two_answers_naming_no_estate_leave_it_to_the_desk(resident, desk, estates):
    resident.say(NOISE)
    assert "小区名称" in resident.say("嗯")
    reply = resident.say("不清楚")
    [ticket] = rows(desk, Ticket)
    assert ticket.estate_id == DEFAULT_ESTATE_ID and ticket.code in reply


def test_a_single_estate_company_is_never_asked(client, desk):
    resident = WeChatUser(client, "o_single_estate")
    reply = resident.say(NOISE)
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply and "小区" not in reply


def test_an_open_survey_is_not_replaced_by_the_question(resident, desk, estates):
    """A 回访 survey waiting for its answer keeps its conversation: the complaint goes to the desk unasked."""
    from datetime import timedelta

    from storage import queries

    resident.say("你好")
    with session_scope(desk.sessions) as session:
        me = session.scalars(select(Resident).where(Resident.openid == resident.openid)).one()
        queries.save_conversation(session, me.id, "followup", {"ticket_id": 0}, desk.now() + timedelta(days=3))
        me_id = me.id
    reply = resident.say(NOISE)
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply and ticket.estate_id == DEFAULT_ESTATE_ID
    with desk.sessions() as session:
        assert queries.conversation(session, me_id, desk.now()).state == "followup"
