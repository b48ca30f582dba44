"""Complaints and inquiries that name no estate (issue 14): the bound house's estate, else the resident is
asked once which 小区; a single-estate company is never asked; the only bound house also gives the ticket
its address (SQLite and PostgreSQL)."""
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


def house(desk, estate_id: int, room: str) -> House:
    with desk.sessions() as session:
        return session.scalars(select(House).where(House.estate_id == estate_id, House.room == room)).one()


def test_the_only_bound_house_gives_a_complaint_its_address(resident, desk, estates):
    """The resident is not asked for an address the binding already gives (repairs did so already)."""
    bind(desk, resident.openid, (estates["阳光城"], "101"))
    reply = resident.say(NOISE)
    [ticket] = rows(desk, Ticket)
    home = house(desk, estates["阳光城"], "101")
    assert ticket.code in reply and "地址" not in reply and "哪" not in reply
    assert (ticket.building, ticket.unit, ticket.room, ticket.house_id) == ("1", "1", "101", home.id)
    assert ticket.estate_id == estates["阳光城"]


def test_the_only_bound_house_gives_an_inquiry_ticket_its_address(resident, desk, estates):
    bind(desk, resident.openid, (estates["锦绣花园"], "1502"))
    reply = resident.say("请问小区附近有没有好的幼儿园")
    if "人工" in reply:  # a weak match is offered first; the resident asks for a person
        reply = resident.say("人工")
    [ticket] = rows(desk, Ticket)
    home = house(desk, estates["锦绣花园"], "1502")
    assert ticket.kind == "inquiry" and ticket.code in reply
    assert (ticket.building, ticket.unit, ticket.room, ticket.house_id, ticket.estate_id) == \
        ("A", None, "1502", home.id, estates["锦绣花园"])


def test_a_typed_address_wins_over_the_bound_house(resident, desk, estates):
    bind(desk, resident.openid, (estates["阳光城"], "101"))
    resident.say("1号楼1单元102 楼上每天半夜装修太吵了")
    [ticket] = rows(desk, Ticket)
    assert ticket.room == "102" and ticket.house_id is None


def test_several_houses_keep_the_question_and_the_chosen_house_gives_the_address(resident, desk, estates):
    bind(desk, resident.openid, (estates["锦绣花园"], "1502"), (estates["阳光城"], "101"))
    assert "哪一处房屋" in resident.say(NOISE)
    resident.say("1")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.room) == (estates["锦绣花园"], "1502")


def test_two_houses_in_one_estate_ask_which_house_once(resident, desk, estates):
    """Which of the two is meant is not known: the resident is asked once, and the house chosen gives the
    complaint its address (issue 14)."""
    bind(desk, resident.openid, (estates["锦绣花园"], "1201"), (estates["锦绣花园"], "1502"))
    reply = resident.say(NOISE)
    assert "哪一处房屋" in reply and "1201" in reply and "1502" in reply and rows(desk, Ticket) == []
    reply = resident.say("2")
    [ticket] = rows(desk, Ticket)
    home = house(desk, estates["锦绣花园"], "1502")
    assert ticket.code in reply and (ticket.estate_id, ticket.room, ticket.house_id) == \
        (estates["锦绣花园"], "1502", home.id)


def test_the_room_answers_which_house_and_a_typed_address_is_never_asked(resident, desk, estates):
    bind(desk, resident.openid, (estates["锦绣花园"], "1201"), (estates["锦绣花园"], "1502"))
    assert "哪一处房屋" in resident.say(NOISE)
    resident.say("1201")
    [ticket] = rows(desk, Ticket)
    assert (ticket.building, ticket.room) == ("3", "1201") and ticket.house_id is not None
    reply = resident.say("A座1502 门口的垃圾好几天没人清理了，味道很大")
    assert "哪一处" not in reply and len(rows(desk, Ticket)) == 2


def test_two_houses_given_up_keep_the_estate_without_a_house(resident, desk, estates):
    bind(desk, resident.openid, (estates["锦绣花园"], "1201"), (estates["锦绣花园"], "1502"))
    assert "哪一处房屋" in resident.say(NOISE)
    assert "序号" in resident.say("随便吧")
    resident.say("不清楚")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.house_id) == (estates["锦绣花园"], None)


def test_a_named_estate_lists_only_its_houses(resident, desk, estates):
    """The message names the estate: the question lists that estate's houses only, and its numbers count
    among them."""
    bind(desk, resident.openid, (estates["阳光城"], "101"), (estates["锦绣花园"], "1201"), (estates["锦绣花园"], "1502"))
    reply = resident.say(f"锦绣花园{NOISE}")
    assert "哪一处房屋" in reply and "1201" in reply and "1502" in reply and "阳光城" not in reply
    resident.say("2")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.room) == (estates["锦绣花园"], "1502")


def test_a_repair_naming_an_estate_takes_its_only_house(resident, desk, estates):
    """A repair that names the estate of one of the resident's houses is not asked which house."""
    bind(desk, resident.openid, (estates["阳光城"], "101"), (estates["锦绣花园"], "1502"))
    reply = resident.say("锦绣花园 厨房水管漏水了，麻烦派人来修一下")
    assert "哪一处" not in reply and "手机" in reply
    resident.say("13812345678")
    resident.say("随时")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.room) == (estates["锦绣花园"], "1502")


def test_a_repair_naming_another_estate_never_takes_a_house_elsewhere(resident, desk, estates):
    """The only bound house is in 阳光城, the repair names 锦绣花园: that house is not its address (the
    ticket would go to the other estate's staff); the address is asked."""
    bind(desk, resident.openid, (estates["阳光城"], "101"))
    reply = resident.say("锦绣花园 厨房水管漏水了，麻烦派人来修一下")
    assert "地址" in reply and rows(desk, Ticket) == []
