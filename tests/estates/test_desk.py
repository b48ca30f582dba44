"""The desk at work across estates (issue 14 items 3-5): addresses checked against the roster, settings
of each estate (time limits, holidays, groups, 回访, knowledge, banned phrases), staff scoped to estates,
reports per estate. Residents talk through the real webhook; staff act through the staff desk's entry."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.estates import admin
from handlers.estates.roster_import import import_roster
from handlers.estates.settings import SettingsStore
from handlers.messages import StaffAction
from handlers.notices import Button
from handlers.staff import dispatch
from handlers.tickets import deadlines, reports
from storage.db import session_scope
from storage.models import OutboxMessage, Staff, Ticket, TicketEvent

from ..conftest import WeChatUser, rows

ROSTER = """小区,楼栋,单元,房号,业主姓名,业主电话,入住状态
锦绣花园,3栋,1单元,1201,张三,13812345678,已入住
锦绣花园,3栋,2单元,1201,李四,13900001111,已入住
锦绣花园,A座,,1502,赵六,,已入住
阳光城,1号楼,1单元,101,钱七,13700000000,已入住
"""
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def estates(desk, tmp_path) -> dict[str, int]:
    """锦绣花园 (alias JX) and 阳光城 with rosters, 翠湖 without one: name -> id."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(desk.sessions, path)
    admin.add_alias(desk.sessions, "锦绣花园", "JX")
    admin.add_estate(desk.sessions, "翠湖")
    desk.settings.freshness.expire()
    return {e.name: e.id for e in desk.estates.estates()}


def setting(desk, estate_id: int, name: str, value) -> None:
    """Change a setting the way `wuye estate set` does (its own store), then stop waiting for the 2 s check."""
    SettingsStore(desk.sessions, desk.config).change(estate_id, str(estate_id), name, value, "test")
    desk.settings.freshness.expire()


def at(desk, local: str) -> None:
    """Freeze the desk's clock at a local (Asia/Shanghai) time."""
    moment = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    desk.clock = lambda: moment


def events(desk, action: str) -> list[TicketEvent]:
    return rows(desk, TicketEvent, action=action)


# --- item 3: addresses are facts -------------------------------------------------------------------------------

def test_an_estate_named_in_the_message_picks_the_estate_and_the_house(resident, desk, estates):
    reply = resident.say("JX三号楼二单元1201室 卫生间漏水了，请派师傅来修 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply
    assert (ticket.estate_id, ticket.building, ticket.unit, ticket.room) == (estates["锦绣花园"], "3", "2", "1201")
    assert ticket.house_id is not None
    assert "JX三号楼" in ticket.resident_words  # the resident's words are kept as written


def test_a_house_that_does_not_exist_is_asked_about_not_ticketed(resident, desk, estates):
    reply = resident.say("锦绣花园3栋2单元1299室 水管漏水，麻烦来修一下 电话13812345678 随时")
    assert "没有查到1299室" in reply and "核对" in reply
    assert rows(desk, Ticket) == []
    reply = resident.say("不好意思，是3栋2单元1201室")
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply and (ticket.room, ticket.house_id is not None) == ("1201", True)


def test_a_building_that_does_not_exist_is_asked_about(resident, desk, estates):
    reply = resident.say("锦绣花园9栋1单元501室 门锁坏了，麻烦派人来修一下 电话13812345678 随时")
    assert "没有查到9栋" in reply and rows(desk, Ticket) == []


def test_after_two_wrong_addresses_the_desk_calls_and_no_ticket_names_a_missing_house(resident, desk, estates):
    resident.say("锦绣花园3栋2单元1299室 水管漏水，麻烦来修一下 电话13812345678 随时")
    resident.say("3栋2单元1298室")
    reply = resident.say("3栋2单元1297室")
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply
    assert (ticket.building, ticket.unit, ticket.room, ticket.house_id) == ("3", "2", None, None)
    [call] = events(desk, "needs_phone_call")
    assert "address" in call.detail["missing"]


def test_a_room_in_two_units_asks_which_unit(resident, desk, estates):
    reply = resident.say("锦绣花园3栋1201室 灯不亮 电话13812345678 随时")
    assert "几单元" in reply and rows(desk, Ticket) == []
    resident.say("2单元")
    [ticket] = rows(desk, Ticket)
    assert (ticket.unit, ticket.room) == ("2", "1201")


def test_a_public_area_needs_no_house(resident, desk, estates):
    reply = resident.say("锦绣花园北门道闸坏了抬不起来 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply
    assert (ticket.estate_id, ticket.public_area, ticket.building, ticket.room) == (estates["锦绣花园"], "大门", None, None)


def test_a_lift_asks_for_its_building_and_checks_it(resident, desk, estates):
    reply = resident.say("锦绣花园电梯按钮坏了 电话13812345678 随时")
    assert "哪一栋" in reply
    assert "没有查到8栋" in resident.say("8栋")
    resident.say("A座")
    [ticket] = rows(desk, Ticket)
    assert (ticket.public_area, ticket.building, ticket.room) == ("电梯", "A", None)


def test_an_estate_without_a_roster_takes_the_address_as_given(resident, desk, estates):
    resident.say("翠湖8栋1单元502室 马桶堵了，麻烦来修一下 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.building, ticket.room, ticket.house_id) == (estates["翠湖"], "8", "502", None)


def test_with_several_estates_the_resident_is_asked_which(resident, desk, estates):
    reply = resident.say("3栋2单元1201室 厨房水管漏水，麻烦来修一下 电话13812345678 随时")
    assert "哪个小区" in reply and rows(desk, Ticket) == []
    resident.say("锦绣花园")
    [ticket] = rows(desk, Ticket)
    assert (ticket.estate_id, ticket.house_id is not None) == (estates["锦绣花园"], True)
    assert "3栋2单元1201" in resident.say("卧室的灯也坏了，请派师傅修一下 随时")  # estate known: not asked again
    resident.say("是的")
    assert [t.estate_id for t in rows(desk, Ticket)] == [estates["锦绣花园"]] * 2


# --- item 4: the estate's settings ------------------------------------------------------------------------------

def _cn_hours(desk, estate_id):
    setting(desk, estate_id, "holiday_calendar", "cn")
    setting(desk, estate_id, "service_hours", "08:30-18:00")
    setting(desk, estate_id, "service_days", "1-5")


def test_a_repair_the_evening_before_a_holiday_is_due_after_it(resident, desk, estates):
    _cn_hours(desk, estates["锦绣花园"])
    at(desk, "2026-09-30 20:00")
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    resident_2 = WeChatUser(resident.client, "o_other_estate")
    resident_2.say("阳光城1号楼1单元101室 卧室灯不亮了，请派师傅修一下 电话13700000000")
    resident_2.say("随时都可以")
    jx, sun = sorted(rows(desk, Ticket), key=lambda t: t.estate_id != estates["锦绣花园"])
    assert jx.due_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI).replace(tzinfo=None) == \
        datetime(2026, 10, 8, 10, 30)
    assert sun.due_at - sun.created_at == timedelta(hours=2)  # 阳光城 keeps the company's (every hour counts)


def test_a_make_up_saturday_is_a_working_day(resident, desk, estates):
    _cn_hours(desk, estates["锦绣花园"])
    setting(desk, estates["锦绣花园"], "sla_arrival_minutes", 60)
    at(desk, "2026-02-13 17:30")  # a Friday; Saturday 14 February 2026 is a 调休 working day
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    assert desk.local(ticket.due_at).replace(tzinfo=None) == datetime(2026, 2, 14, 9, 0)


def test_an_estates_time_limit_changes_without_a_restart(resident, desk, estates):
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    setting(desk, estates["锦绣花园"], "sla_arrival_minutes", 45)
    WeChatUser(resident.client, "o_second").say("锦绣花园3栋1单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    first, second = rows(desk, Ticket)
    assert (first.due_at - first.created_at, second.due_at - second.created_at) == \
        (timedelta(hours=2), timedelta(minutes=45))


def test_cards_go_to_the_estates_staff_group_and_category_routes(resident, desk, estates):
    setting(desk, estates["阳光城"], "staff_group", "-100200")
    setting(desk, estates["阳光城"], "group_routes", "water=-100300")
    resident.say("阳光城1号楼1单元101室 卧室灯不亮了，麻烦来修一下 电话13700000000 随时")
    WeChatUser(resident.client, "o_water").say("阳光城1号楼1单元101室 厨房水管漏水，麻烦来修一下 电话13700000000 随时")
    cards = {row.ticket_id: row.recipient for row in rows(desk, OutboxMessage, kind="card")}
    light, water = rows(desk, Ticket)
    assert (cards[light.id], cards[water.id]) == ("-100200", "-100300")


def test_followup_policy_and_delay_per_estate(desk, estates):
    setting(desk, estates["阳光城"], "followup_policy", "never")
    setting(desk, estates["锦绣花园"], "followup_delay_minutes", 90)
    setting(desk, estates["翠湖"], "followup_policy", "skip_if_rated")
    done = datetime(2026, 11, 30, 8, 0)
    ticket = lambda estate, rating=None: Ticket(kind="repair", status="done", estate_id=estates[estate],  # noqa: E731
                                                done_at=done, created_at=done, rating=rating)
    assert "followup" not in deadlines.wanted(desk, ticket("阳光城"))
    assert deadlines.wanted(desk, ticket("锦绣花园"))["followup"][0] == done + timedelta(minutes=90)
    assert "followup" not in deadlines.wanted(desk, ticket("翠湖", rating=5))
    assert "followup" in deadlines.wanted(desk, ticket("翠湖"))


def test_extra_banned_phrases_apply_in_their_estate_only(desk, estates):
    setting(desk, estates["锦绣花园"], "banned_phrases", "统一处理")
    assert not desk.etiquette_for(estates["锦绣花园"]).check("我们下周三统一处理").allowed
    assert desk.etiquette_for(estates["阳光城"]).check("我们下周三统一处理").allowed


FEE = {"id": "fee_standard", "topic": "物业费收费标准", "questions": ["物业费多少钱一平", "物业费收费标准是多少"],
       "answer": "您好，阳光城物业费为2.5元/㎡/月，以服务中心公示为准。"}


def test_an_estates_own_knowledge_answers_its_residents(resident, desk, estates):
    setting(desk, estates["阳光城"], "knowledge", [FEE])
    sun = WeChatUser(resident.client, "o_sun")
    assert "2.5元" in sun.say("阳光城物业费多少钱一平")
    assert "2.2元" in resident.say("锦绣花园物业费多少钱一平")  # the company's entry


# --- item 5: staff and managers scoped to estates ---------------------------------------------------------------

def _members(desk, estates):
    with session_scope(desk.sessions) as session:
        session.add_all([Staff(telegram_user_id=11, name="锦师傅", role="staff", groups=[], estate_ids=[estates["锦绣花园"]]),
                         Staff(telegram_user_id=12, name="阳师傅", role="staff", groups=[], estate_ids=[estates["阳光城"]]),
                         Staff(telegram_user_id=13, name="两盘经理", role="manager", groups=[],
                               estate_ids=[estates["锦绣花园"], estates["阳光城"]]),
                         Staff(telegram_user_id=14, name="总经理", role="manager", groups=[])])


_updates = iter(range(1, 10**6))


JX_GROUP = -100500


def _press(desk, user_id: int, ticket_id: int, action: str = "accept", chat: int = JX_GROUP):
    """A button pressed on a card in 锦绣花园's staff group."""
    dispatch.handle(desk, StaffAction("button", next(_updates), chat, False, user_id, "x",
                                      button=Button("", action, ticket_id), press="cb1", message=1))


def test_staff_act_on_their_estates_tickets_only(resident, desk, estates):
    _members(desk, estates)
    setting(desk, estates["锦绣花园"], "staff_group", str(JX_GROUP))
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    _press(desk, 12, ticket.id)                      # 阳光城's worker: refused
    assert rows(desk, Ticket)[0].status == "new"
    refusal = [r.payload["text"] for r in rows(desk, OutboxMessage) if "服务范围" in str(r.payload)]
    assert refusal == ["该工单属于锦绣花园，您不在该小区的服务范围内，如需处理请联系主管。"]  # nothing more of it
    _press(desk, 11, ticket.id)                      # 锦绣花园's worker: accepted
    assert rows(desk, Ticket)[0].assignee_id is not None


def test_a_manager_of_two_estates_and_a_company_manager(resident, desk, estates):
    _members(desk, estates)
    setting(desk, estates["翠湖"], "staff_group", str(JX_GROUP))  # one group serving two estates
    resident.say("翠湖8栋1单元502室 马桶堵了，麻烦来修一下 电话13812345678 随时")
    [ticket] = rows(desk, Ticket)
    _press(desk, 13, ticket.id, "take_over")        # holds 锦绣花园 and 阳光城, not 翠湖
    assert rows(desk, Ticket)[0].assignee_id is None
    _press(desk, 14, ticket.id, "take_over")        # the company's manager: every estate
    assert rows(desk, Ticket)[0].assignee_id is not None


def test_an_estate_named_manager_serves_it(desk, estates):
    from handlers.estates import scope
    member = Staff(telegram_user_id=99, name="新经理", role="manager", groups=[], estate_ids=[estates["阳光城"]])
    assert not scope.serves(desk, member, estates["翠湖"])
    setting(desk, estates["翠湖"], "managers", "99")
    assert scope.serves(desk, member, estates["翠湖"])


def test_reports_per_estate_and_company_wide(resident, desk, estates):
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    WeChatUser(resident.client, "o_sun").say("阳光城1号楼1单元101室 门锁坏了，麻烦派人来修一下 电话13700000000 随时")
    today = desk.local(desk.now()).date()
    with desk.sessions() as session:
        company = reports.summary(desk, session, today, today)
        jx = reports.summary(desk, session, today, today, frozenset({estates["锦绣花园"]}))
    assert company["tickets"] == {"repair": 2} and jx["tickets"] == {"repair": 1}
    assert company["open_backlog"] == {"repair": 2} and jx["open_backlog"] == {"repair": 1}


def test_the_daily_digest_per_estate_and_company_wide(desk, estates):
    from handlers.tickets import digest
    with session_scope(desk.sessions) as session:
        session.add_all([Staff(telegram_user_id=14, name="总经理", role="manager", groups=[]),
                         Staff(telegram_user_id=15, name="阳经理", role="manager", groups=[], estate_ids=[estates["阳光城"]])])
    digest.send(desk)
    texts = {}
    for row in rows(desk, OutboxMessage):
        texts.setdefault(row.recipient, []).append(row.payload["text"])
    assert len(texts["14"]) == 1 and texts["14"][0].startswith("📊 物业服务日报")       # the whole company
    assert len(texts["15"]) == 1 and texts["15"][0].startswith("📊 阳光城 物业服务日报")  # their estate only


def test_the_api_reports_one_estate(resident, desk, estates, client):
    resident.say("锦绣花园3栋2单元1201室 卧室灯不亮了，请派师傅修一下 电话13812345678 随时")
    headers = {"Authorization": f"Bearer {desk.config['ADMIN_TOKEN']}"}
    company = client.get("/api/reports", headers=headers).get_json()
    sun = client.get("/api/reports", query_string={"estate": "阳光城"}, headers=headers).get_json()
    jx = client.get("/api/reports", query_string={"estate": "JX"}, headers=headers).get_json()
    assert (company["tickets"], jx["tickets"], sun["tickets"]) == ({"repair": 1}, {"repair": 1}, {})
    assert client.get("/api/reports", query_string={"estate": "火星"}, headers=headers).status_code == 404


def test_staff_are_given_their_estates_on_the_command_line(app, desk, estates):
    from handlers.staff.cli import staff_cli
    runner = app.test_cli_runner()
    result = runner.invoke(staff_cli, ["add", "21", "林经理", "--role", "manager", "--estate", "JX", "--estate", "阳光城"])
    assert result.exit_code == 0 and "锦绣花园, 阳光城" in result.output
    [member] = rows(desk, Staff, telegram_user_id=21)
    assert sorted(member.estate_ids) == sorted([estates["锦绣花园"], estates["阳光城"]])
    assert "锦绣花园,阳光城" in runner.invoke(staff_cli, ["list"]).output
    refused = runner.invoke(staff_cli, ["add", "22", "小周", "--estate", "火星"])
    assert refused.exit_code != 0 and "火星" in refused.output and rows(desk, Staff, telegram_user_id=22) == []
