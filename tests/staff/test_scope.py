"""Staff act only on their own groups' tickets (issue 11 item 1), and supervisors can be registered (item 2).

Two staff groups: the default one (tickets routed there) and a security group. Every way of reaching a
ticket is tried by someone of the other group, from their own group and from a private chat with the bot,
with the button data crafted as a modified client would: each gets 无权限 and nothing changes.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import session_scope
from storage.models import OutboxMessage, Staff, TicketEvent

from ..conftest import WeChatUser, rows
from ..staffing import LI, STAFF_CHAT, ZHANG, drain, push, register_staff, settings, ticket

RESIDENT = "o_resident_scope_0001"
FULL_PHONE = "13812345678"
SECURITY_CHAT = -1002000000002
ZHAO, BOTH, ZHOU = 5555, 5556, 7007   # 赵保安 (security group), 钱师傅 (both groups), 周主管 (supervisor)


@pytest.fixture
def staffed(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_GROUP_ROUTES=f"security={SECURITY_CHAT}"))
    desk = app.extensions["wuye"]
    register_staff(desk)
    with session_scope(desk.sessions) as session:
        session.add_all([Staff(telegram_user_id=ZHAO, name="赵保安", role="staff", groups=[SECURITY_CHAT]),
                         Staff(telegram_user_id=BOTH, name="钱师傅", role="staff", groups=[STAFF_CHAT, SECURITY_CHAT])])
    return app


@pytest.fixture
def desk(staffed):
    return staffed.extensions["wuye"]


@pytest.fixture
def opened(staffed, desk):
    """A repair of the default staff group, its card posted there."""
    WeChatUser(staffed.test_client(), RESIDENT).say(f"3栋2单元1201 厨房水管漏水 电话{FULL_PHONE} 随时都可以")
    drain(desk)
    return ticket(desk)


def bot_message_in(app, desk, fake_telegram, chat_id, user_id):
    """A message of the bot in `chat_id` (the answer to /help) to hang a crafted button press on."""
    push(app, fake_telegram.message_update(chat_id, user_id, "/help"))
    drain(desk)
    return fake_telegram.sent_to(chat_id)[-1]


def forge(app, desk, fake_telegram, chat_id, user_id, data):
    """Press a button with callback data the bot never put there (a modified client)."""
    message = bot_message_in(app, desk, fake_telegram, chat_id, user_id)
    assert push(app, fake_telegram.callback_update(chat_id, user_id, message, data)).status_code == 200
    drain(desk)
    return fake_telegram.calls_of("answerCallbackQuery")[-1]


def say(app, desk, fake_telegram, chat_id, user_id, text):
    push(app, fake_telegram.message_update(chat_id, user_id, text))
    drain(desk)
    return fake_telegram.sent_to(chat_id)[-1]["text"]


def events(desk):
    return [e.action for e in rows(desk, TicketEvent)]


def snapshot(desk):
    """What an action could change: the ticket's state and holder, and its steps."""
    t = ticket(desk)
    return t.status, t.assignee_id, [e for e in events(desk) if e != "delivered"]


@pytest.mark.parametrize("where", ["own group", "private"])
@pytest.mark.parametrize("action", ["accept", "transfer", "phone", "arrive", "done"])
def test_a_crafted_card_button_for_another_groups_ticket_is_refused(staffed, desk, opened, fake_telegram, fake_wechat,
                                                                   where, action):
    before, sent_before = snapshot(desk), len(fake_wechat.sent_to(RESIDENT))
    chat = SECURITY_CHAT if where == "own group" else ZHAO
    answer = forge(staffed, desk, fake_telegram, chat, ZHAO, f"t:{opened.id}:{action}")
    assert "无权限" in answer["text"] and FULL_PHONE not in answer["text"]
    assert snapshot(desk) == before
    assert "phone_revealed" not in events(desk)
    assert not any("请选择同事" in m.get("text", "") for m in fake_telegram.sent_to(chat))
    assert len(fake_wechat.sent_to(RESIDENT)) == sent_before  # nothing to the resident


def test_history_button_and_commands_of_another_groups_ticket_are_refused(staffed, desk, opened, fake_telegram,
                                                                         fake_wechat):
    before, sent_before = snapshot(desk), len(fake_wechat.sent_to(RESIDENT))
    for chat in (SECURITY_CHAT, ZHAO):
        answer = forge(staffed, desk, fake_telegram, chat, ZHAO, f"h:{opened.id}")
        assert "无权限" in answer["text"]
        assert not any(opened.code in m.get("text", "") for m in fake_telegram.sent_to(chat))
        assert "无权限" in say(staffed, desk, fake_telegram, chat, ZHAO, f"/ticket {opened.code}")
        assert "无权限" in say(staffed, desk, fake_telegram, chat, ZHAO, f"/reply {opened.code} 您好，师傅马上到")
        assert opened.code not in say(staffed, desk, fake_telegram, chat, ZHAO, "/open")
        assert not any(opened.code in m.get("text", "") for m in fake_telegram.sent_to(chat))
    assert len(fake_wechat.sent_to(RESIDENT)) == sent_before
    assert snapshot(desk) == before and "staff_reply" not in events(desk)


def test_a_member_of_both_groups_acts_on_a_ticket_only_from_its_own_group(staffed, desk, opened, fake_telegram):
    before = snapshot(desk)
    answer = forge(staffed, desk, fake_telegram, SECURITY_CHAT, BOTH, f"t:{opened.id}:accept")
    assert "无权限" in answer["text"] and snapshot(desk) == before
    assert "无权限" in say(staffed, desk, fake_telegram, SECURITY_CHAT, BOTH, f"/ticket {opened.code}")
    answer = forge(staffed, desk, fake_telegram, BOTH, BOTH, f"t:{opened.id}:accept")  # privately: their group's
    assert "接单成功" in answer["text"]
    assert ticket(desk).assignee_id == next(s.id for s in rows(desk, Staff) if s.telegram_user_id == BOTH)


def test_staff_act_on_their_groups_tickets_from_a_private_chat(staffed, desk, opened, fake_telegram, fake_wechat):
    assert opened.code in say(staffed, desk, fake_telegram, ZHANG, ZHANG, "/open")
    assert "接单成功" in forge(staffed, desk, fake_telegram, ZHANG, ZHANG, f"t:{opened.id}:accept")["text"]
    assert FULL_PHONE in forge(staffed, desk, fake_telegram, ZHANG, ZHANG, f"t:{opened.id}:phone")["text"]
    assert opened.code in say(staffed, desk, fake_telegram, ZHANG, ZHANG, "/mine")
    say(staffed, desk, fake_telegram, ZHANG, ZHANG, f"/reply {opened.code} 您好，师傅马上到")
    assert fake_wechat.sent_to(RESIDENT)[-1]["content"].endswith("您好，师傅马上到")


def test_mine_lists_only_tickets_the_member_may_still_act_on(staffed, desk, opened, fake_telegram):
    forge(staffed, desk, fake_telegram, ZHANG, ZHANG, f"t:{opened.id}:accept")
    with session_scope(desk.sessions) as session:  # 张师傅 moves to the security group
        session.scalars(select(Staff).filter_by(telegram_user_id=ZHANG)).one().groups = [SECURITY_CHAT]
    assert opened.code not in say(staffed, desk, fake_telegram, ZHANG, ZHANG, "/mine")
    assert "无权限" in forge(staffed, desk, fake_telegram, ZHANG, ZHANG, f"t:{opened.id}:phone")["text"]


def test_the_check_is_made_at_the_moment_of_the_press(staffed, desk, opened, fake_telegram):
    """A button 李师傅 could use a minute ago stops working once he left the group."""
    card = fake_telegram.messages[(STAFF_CHAT, opened.card_message_id)]
    with session_scope(desk.sessions) as session:
        session.scalars(select(Staff).filter_by(telegram_user_id=LI)).one().groups = [SECURITY_CHAT]
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, LI, card, f"t:{opened.id}:accept"))
    drain(desk)
    assert "无权限" in fake_telegram.calls_of("answerCallbackQuery")[-1]["text"]
    assert ticket(desk).status == "new"


def test_transfer_offers_and_accepts_only_colleagues_of_the_tickets_group(staffed, desk, opened, fake_telegram):
    card = fake_telegram.messages[(STAFF_CHAT, opened.card_message_id)]
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, ZHANG, card, f"t:{opened.id}:transfer"))
    drain(desk)
    chooser = next(m for m in fake_telegram.sent_to(STAFF_CHAT) if "请选择同事" in m["text"])
    names = {b["text"] for row in chooser["reply_markup"]["inline_keyboard"] for b in row}
    assert "赵保安" not in names and {"李师傅", "钱师傅", "王经理"} <= names
    zhao = next(s.id for s in rows(desk, Staff) if s.telegram_user_id == ZHAO)
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, ZHANG, chooser, f"g:{opened.id}:{zhao}"))  # crafted
    drain(desk)
    assert ticket(desk).assignee_id is None and "transferred" not in events(desk)


@pytest.mark.parametrize("role", ["manager", "supervisor"])
def test_managers_and_supervisors_act_on_any_ticket_within_their_scope(staffed, desk, opened, fake_telegram, role):
    with session_scope(desk.sessions) as session:
        session.add(Staff(telegram_user_id=ZHOU, name="周主管", role=role, groups=[]))
    assert opened.code in say(staffed, desk, fake_telegram, ZHOU, ZHOU, "/open")
    assert "处理记录" in say(staffed, desk, fake_telegram, ZHOU, ZHOU, f"/ticket {opened.code}")
    assert "接单成功" in forge(staffed, desk, fake_telegram, ZHOU, ZHOU, f"t:{opened.id}:accept")["text"]
    assert FULL_PHONE in forge(staffed, desk, fake_telegram, ZHOU, ZHOU, f"t:{opened.id}:phone")["text"]
    assert "phone_revealed" in events(desk)


def test_the_suggested_rewrite_of_another_groups_ticket_cannot_be_sent(staffed, desk, opened, fake_telegram,
                                                                       fake_wechat):
    card = fake_telegram.messages[(STAFF_CHAT, opened.card_message_id)]
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "这个不归我们管，你自己找开发商去", reply_to=card))
    drain(desk)
    held = next(r for r in rows(desk, OutboxMessage) if r.status == "suggested")
    answer = forge(staffed, desk, fake_telegram, ZHAO, ZHAO, f"r:{held.id}")
    assert "无权限" in answer["text"] and fake_wechat.sent_to(RESIDENT) == []


def test_staff_cli_registers_a_supervisor(staffed, monkeypatch, database_url, redis_url, nlu_var_dir):
    from click.testing import CliRunner

    from app import cli
    for name, value in {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "VAR_DIR": str(nlu_var_dir)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["staff", "add", "7007", "周主管", "--role", "supervisor"])
    assert result.exit_code == 0, result.output
    assert "supervisor" in result.output
    desk = staffed.extensions["wuye"]
    member = next(s for s in rows(desk, Staff) if s.telegram_user_id == 7007)
    assert member.role == "supervisor"
    assert CliRunner().invoke(cli, ["staff", "add", "7008", "某人", "--role", "boss"]).exit_code != 0
