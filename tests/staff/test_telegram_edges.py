"""Telegram at its edges (issue 11, items 11, 13, 14): edited messages, commands for other bots, and
updates no handler expects: never a 500 (Telegram would redeliver it), never a second message to a resident."""
from __future__ import annotations

import copy
import json

import pytest

from storage.models import OutboxMessage, TicketEvent

from ..conftest import WeChatUser, rows
from ..staffing import HOOK_SECRET, STAFF_CHAT, ZHANG, drain, push, register_staff, settings, ticket

RESIDENT = "o_resident_edges_0001"


@pytest.fixture
def staffed(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat))
    register_staff(app.extensions["wuye"])
    return app


@pytest.fixture
def desk(staffed):
    return staffed.extensions["wuye"]


@pytest.fixture
def opened(staffed, desk):
    WeChatUser(staffed.test_client(), RESIDENT).say("3栋2单元1201 厨房水管漏水 电话13812345678 随时都可以")
    drain(desk)
    return ticket(desk)


def card_of(fake_telegram, t):
    return fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]


def edited(update: dict, text: str) -> dict:
    """The same message, edited: Telegram sends it again as edited_message under a new update id."""
    message = copy.deepcopy(update["message"])
    message.update(text=text, edit_date=message["date"] + 30)
    return {"update_id": update["update_id"] + 1000, "edited_message": message}


# --- item 11: an edit never silently reaches the resident twice ---

def test_an_edited_reply_is_not_relayed_again_and_the_author_is_told(staffed, desk, opened, fake_telegram,
                                                                       fake_wechat):
    update = fake_telegram.message_update(STAFF_CHAT, ZHANG, "您好，师傅下午三点上门", reply_to=card_of(fake_telegram, opened))
    push(staffed, update)
    drain(desk)
    assert push(staffed, edited(update, "您好，师傅下午四点上门")).status_code == 200
    drain(desk)
    assert [m["content"] for m in fake_wechat.sent_to(RESIDENT)] == [f"【{opened.code}】您好，师傅下午三点上门"]
    notice = [m for m in fake_telegram.sent_to(STAFF_CHAT) if "修改" in m["text"]]
    assert len(notice) == 1 and "不会" in notice[0]["text"] and "重新" in notice[0]["text"]
    assert notice[0]["reply_to_message"]["message_id"] == update["message"]["message_id"]
    assert [e.action for e in rows(desk, TicketEvent)].count("staff_reply") == 1


def test_an_edited_reply_command_is_not_executed_again(staffed, desk, opened, fake_telegram, fake_wechat):
    update = fake_telegram.message_update(STAFF_CHAT, ZHANG, f"/reply {opened.code} 您好，已安排师傅")
    push(staffed, update)
    drain(desk)
    push(staffed, edited(update, f"/reply {opened.code} 您好，已安排师傅，请稍候"))
    drain(desk)
    assert len(fake_wechat.sent_to(RESIDENT)) == 1
    assert any("修改" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))


def test_an_edited_chat_message_in_the_group_stays_unanswered(staffed, desk, opened, fake_telegram):
    update = fake_telegram.message_update(STAFF_CHAT, ZHANG, "大家中午吃什么")
    push(staffed, update)
    push(staffed, edited(update, "大家晚上吃什么"))
    drain(desk)
    assert not any("修改" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))


# --- item 13: commands for another bot are ignored on the webhook too ---

def test_a_command_for_another_bot_is_ignored_through_the_webhook(staffed, desk, opened, fake_telegram):
    before = len(fake_telegram.calls_of("sendMessage"))
    assert push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/open@SomeOtherBot")).status_code == 200
    drain(desk)
    assert len(fake_telegram.calls_of("sendMessage")) == before
    assert push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/open@wuye_test_bot")).status_code == 200
    drain(desk)
    assert any(opened.code in m["text"] and "未完成" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))


def test_the_bot_username_can_be_configured(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_BOT_USERNAME="wuye_test_bot"))
    register_staff(app.extensions["wuye"])
    push(app, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/open@SomeOtherBot"))
    drain(app.extensions["wuye"])
    assert fake_telegram.calls_of("sendMessage") == []
    assert [c for c in fake_telegram.calls_of("getMe")] == []  # no need to ask Telegram


# --- item 14: never a 500 ---

def _message(**fields) -> dict:
    message = {"message_id": 5, "date": 1764045300, "chat": {"id": STAFF_CHAT, "type": "supergroup", "title": "群"},
               "from": {"id": ZHANG, "is_bot": False, "first_name": "张师傅"}, "text": "/open"}
    message.update(fields)
    return message


BAD_UPDATES = {
    "update-id-beyond-bigint": {"update_id": 2 ** 70, "message": _message()},
    "update-id-negative": {"update_id": -3, "message": _message()},
    "update-id-true": {"update_id": True, "message": _message()},
    "message-a-string": {"update_id": 11, "message": "hello"},
    "message-a-list": {"update_id": 12, "message": [1, 2]},
    "edited-a-number": {"update_id": 13, "edited_message": 7},
    "callback-a-string": {"update_id": 14, "callback_query": "t:1:accept"},
    "user-id-not-numeric": {"update_id": 15, "message": _message(**{"from": {"id": "zhang", "is_bot": False,
                                                                              "first_name": "张"}})},
    "user-id-beyond-bigint": {"update_id": 16, "message": _message(**{"from": {"id": 10 ** 30, "is_bot": False,
                                                                                "first_name": "张"}})},
    "chat-id-a-float": {"update_id": 17, "message": _message(chat={"id": 1.5, "type": "private", "first_name": "张"})},
    "text-a-number": {"update_id": 18, "message": _message(text=12345)},
    "chat-missing": {"update_id": 19, "message": {"message_id": 5, "text": "/open", "from": {"id": 1}}},
}


@pytest.mark.parametrize("name", list(BAD_UPDATES))
def test_malformed_updates_are_400_and_change_nothing(staffed, desk, name):
    response = push(staffed, BAD_UPDATES[name])
    assert response.status_code == 400, response.get_data(as_text=True)
    assert rows(desk, OutboxMessage) == []


def test_deeply_nested_json_is_400(staffed):
    response = staffed.test_client().post("/telegram/webhook", data="[" * 100_000, content_type="application/json",
                                          headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET})
    assert response.status_code == 400


@pytest.mark.parametrize("data", ["t:99999999999:accept", "t:9223372036854775808:accept", "h:3000000000",
                                  "g:1:99999999999999999999", "r:2147483648"])
def test_a_press_naming_an_id_beyond_the_columns_is_answered_as_an_unknown_button(staffed, desk, opened,
                                                                                   fake_telegram, data):
    update = fake_telegram.callback_update(STAFF_CHAT, ZHANG, card_of(fake_telegram, opened), data)
    assert push(staffed, update).status_code == 200
    drain(desk)
    [answer] = fake_telegram.calls_of("answerCallbackQuery")
    assert "失效" in answer["text"]


def test_a_chunked_update_over_the_limit_is_413(staffed):
    update = json.dumps({"update_id": 1, "message": {"text": "x" * (1 << 20)}}).encode()
    response = staffed.test_client().post(
        "/telegram/webhook", input_stream=__import__("io").BytesIO(update),
        headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET, "Transfer-Encoding": "chunked",
                 "Content-Type": "application/json"}, environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
