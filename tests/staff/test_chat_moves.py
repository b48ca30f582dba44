"""A staff group upgraded to a supergroup (issue 11 item 12): Telegram answers 400 with migrate_to_chat_id.
The urgent card goes to the new id at once, the move is remembered for the group's routes, cards and
members, and the managers are told once to update the configuration."""
from __future__ import annotations

import pytest

from storage.models import Alert, ChatMove, OutboxMessage, Staff

from ..conftest import WeChatUser, rows
from ..staffing import ZHANG, drain, push, settings, ticket
from storage.db import session_scope

OLD_GROUP, NEW_GROUP, MANAGERS = -4001234, -1004001234000, -1005550000001
RESIDENT = "o_resident_moves_0001"


@pytest.fixture
def moved_app(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_STAFF_CHAT_ID=OLD_GROUP,
                              TELEGRAM_MANAGER_CHAT_IDS=str(MANAGERS)))
    with session_scope(app.extensions["wuye"].sessions) as session:
        session.add(Staff(telegram_user_id=ZHANG, name="张师傅", role="staff", groups=[OLD_GROUP]))
    fake_telegram.migrate_group(OLD_GROUP, NEW_GROUP)
    return app


def test_an_urgent_card_follows_the_group_to_its_new_id(moved_app, fake_telegram):
    desk = moved_app.extensions["wuye"]
    WeChatUser(moved_app.test_client(), RESIDENT).say("救命 5栋2单元电梯困人了 电话13812345678")
    drain(desk)
    t = ticket(desk)
    [card] = [m for m in fake_telegram.sent_to(NEW_GROUP) if t.code in m["text"]]
    assert card["text"].startswith("🚨") and t.staff_chat_id == NEW_GROUP
    assert [r.status for r in rows(desk, OutboxMessage, kind="card")] == ["sent"]
    assert [(m.old_chat_id, m.new_chat_id) for m in rows(desk, ChatMove)] == [(OLD_GROUP, NEW_GROUP)]
    [alert] = [m["text"] for m in fake_telegram.sent_to(MANAGERS)]
    assert str(OLD_GROUP) in alert and str(NEW_GROUP) in alert and "配置" in alert
    assert rows(desk, Staff)[0].groups == [NEW_GROUP]


def test_staff_act_in_the_new_group_and_later_cards_go_straight_there(moved_app, fake_telegram):
    desk = moved_app.extensions["wuye"]
    WeChatUser(moved_app.test_client(), RESIDENT).say("救命 5栋2单元电梯困人了 电话13812345678")
    drain(desk)
    t = ticket(desk)
    card = fake_telegram.messages[(NEW_GROUP, t.card_message_id)]
    assert push(moved_app, fake_telegram.callback_update(NEW_GROUP, ZHANG, card, f"t:{t.id}:accept")).status_code == 200
    drain(desk)
    assert ticket(desk).status == "accepted"
    assert not any("无权限" in c["text"] or "未登记" in c["text"] for c in fake_telegram.calls_of("answerCallbackQuery"))
    WeChatUser(moved_app.test_client(), "o_resident_moves_0002").say("6栋1单元302 卫生间水管漏水 电话13900001111 随时都可以")
    drain(desk)
    assert len([c for c in fake_telegram.calls_of("sendMessage") if c["chat_id"] == OLD_GROUP]) == 1
    assert any(ticket(desk).code in m["text"] for m in fake_telegram.sent_to(NEW_GROUP))
    assert len(fake_telegram.sent_to(MANAGERS)) == 1 and len(rows(desk, Alert)) == 1


def test_the_service_message_of_the_upgrade_is_followed_before_anything_fails(moved_app, fake_telegram):
    desk = moved_app.extensions["wuye"]
    service = {"update_id": 700009001, "message": {
        "message_id": 77, "date": 1764045300, "chat": {"id": OLD_GROUP, "type": "group", "title": "物业工作群"},
        "from": {"id": ZHANG, "is_bot": False, "first_name": "张师傅"}, "migrate_to_chat_id": NEW_GROUP}}
    assert push(moved_app, service).status_code == 200
    assert push(moved_app, service).status_code == 200  # a redelivery changes nothing
    WeChatUser(moved_app.test_client(), RESIDENT).say("救命 5栋2单元电梯困人了 电话13812345678")
    drain(desk)
    assert [c for c in fake_telegram.calls_of("sendMessage") if c["chat_id"] == OLD_GROUP] == []
    assert any(ticket(desk).code in m["text"] for m in fake_telegram.sent_to(NEW_GROUP))
    assert [(m.old_chat_id, m.new_chat_id) for m in rows(desk, ChatMove)] == [(OLD_GROUP, NEW_GROUP)]
    assert len(fake_telegram.sent_to(MANAGERS)) == 1


def test_a_chat_that_is_no_staff_chat_is_not_followed(moved_app):
    service = {"update_id": 700009002, "message": {
        "message_id": 78, "date": 1764045300, "chat": {"id": -4009999, "type": "group", "title": "业主群"},
        "from": {"id": 5, "is_bot": False, "first_name": "某人"}, "migrate_to_chat_id": -1004009999000}}
    assert push(moved_app, service).status_code == 200
    assert rows(moved_app.extensions["wuye"], ChatMove) == []
