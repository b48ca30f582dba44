"""The fake Telegram and WeChat servers, driven by the real python-telegram-bot and wechatpy.

These prove the fakes speak the wire formats the libraries expect, and pin down how the libraries
turn each kind of failure into exceptions (or retries), which the desk's error handling relies on.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
import warnings

import pytest
import requests
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, NetworkError, RetryAfter
from wechatpy import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException

from .telegram_api import FakeTelegram
from .wechat_api import FakeWeChat

GROUP = -1001234567890
STAFF = 5550001
OPENID = "oABCD1234567890abcdefghijklm"  # 28 characters, like real OpenIDs


# --- Telegram -------------------------------------------------------------------------------------

@pytest.fixture
def tg():
    with FakeTelegram() as fake:
        yield fake


def run(fake: FakeTelegram, steps, token: str | None = None):
    """Run `await steps(bot)` with a real PTB Bot pointed at the fake, initialised like the app's."""
    async def main():
        async with telegram.Bot(token or fake.token, base_url=fake.base_url) as bot:
            return await steps(bot)
    return asyncio.run(main())


def keyboard(*pairs) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in pairs]])


def seconds(value) -> float:
    # PTB 22 returns int seconds (with a deprecation warning) unless PTB_TIMEDELTA opts into timedelta.
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def test_get_me_on_initialize(tg):
    me = run(tg, lambda bot: bot.get_me())
    assert me.is_bot and me.username == "wuye_test_bot" and me.id == 123456
    assert [method for method, _ in tg.calls] == ["getMe", "getMe"]  # initialize() + ours


def test_send_message_with_inline_keyboard(tg):
    async def steps(bot):
        first = await bot.send_message(GROUP, "新工单 #12：3栋2单元1201 水管爆了", reply_markup=keyboard(("接单", "take:12")))
        second = await bot.send_message(GROUP, "第二条")
        private = await bot.send_message(STAFF, "私聊")
        return first, second, private

    first, second, private = run(tg, steps)
    assert first.chat.type == "supergroup" and first.chat.id == GROUP and first.from_user.is_bot
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "take:12"
    assert (first.message_id, second.message_id) == (1, 2) and second.reply_markup is None
    assert private.chat.type == "private" and private.message_id == 1
    # PTB sent reply_markup as a JSON string in a form field; the fake decoded it.
    assert tg.calls_of("sendMessage")[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "接单", "callback_data": "take:12"}]]}
    assert [m["text"] for m in tg.sent_to(GROUP)] == ["新工单 #12：3栋2单元1201 水管爆了", "第二条"]
    assert tg.sent_to(-4000001) == [] and run(tg, lambda bot: bot.send_message(-4000001, "x")).chat.type == "group"


def test_replies_carry_the_replied_message(tg):
    incoming = tg.message_update(GROUP, STAFF, "师傅几点到？")["message"]

    async def steps(bot):
        reply = await bot.send_message(GROUP, "十分钟后到", reply_to_message_id=incoming["message_id"])
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(GROUP, "x", reply_to_message_id=999)
        return reply

    reply = run(tg, steps)
    assert reply.reply_to_message.text == "师傅几点到？" and reply.reply_to_message.from_user.id == STAFF
    assert reply.message_id == incoming["message_id"] + 1  # one id sequence per chat


def test_edit_message_text_and_its_errors(tg):
    async def steps(bot):
        sent = await bot.send_message(GROUP, "新工单", reply_markup=keyboard(("接单", "take:1")))
        edited = await bot.edit_message_text("已接单：张师傅", chat_id=GROUP, message_id=sent.message_id,
                                             reply_markup=keyboard(("完成", "done:1")))
        with pytest.raises(BadRequest, match="Message is not modified") as not_modified:
            await bot.edit_message_text("已接单：张师傅", chat_id=GROUP, message_id=sent.message_id,
                                        reply_markup=keyboard(("完成", "done:1")))
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=GROUP, message_id=404)
        no_keyboard = await bot.edit_message_text("已完成", chat_id=GROUP, message_id=sent.message_id)
        return edited, not_modified.value, no_keyboard

    edited, not_modified, no_keyboard = run(tg, steps)
    assert edited.text == "已接单：张师傅" and edited.edit_date is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "done:1"
    assert not_modified.message.startswith("Message is not modified")  # PTB strips "Bad Request: "
    assert no_keyboard.reply_markup is None  # editMessageText without markup drops the keyboard
    assert tg.messages[(GROUP, 1)]["text"] == "已完成" and "reply_markup" not in tg.messages[(GROUP, 1)]


def test_edit_reply_markup_and_delete(tg):
    async def steps(bot):
        sent = await bot.send_message(GROUP, "工单", reply_markup=keyboard(("接单", "take:1")))
        updated = await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=keyboard(("转派", "pass:1")))
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=keyboard(("转派", "pass:1")))
        assert await bot.delete_message(GROUP, sent.message_id) is True
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(GROUP, sent.message_id)
        return updated

    assert run(tg, steps).reply_markup.inline_keyboard[0][0].text == "转派"
    assert tg.messages == {} and tg.deleted == [(GROUP, 1)]


def test_get_updates_parses_pushed_messages_and_button_presses(tg):
    bot_message = run(tg, lambda bot: bot.send_message(GROUP, "新工单", reply_markup=keyboard(("接单", "take:7"))))
    command = tg.push_update(tg.message_update(GROUP, STAFF, "/jiedan@wuye_test_bot 7"))
    press = tg.push_update(tg.callback_update(GROUP, STAFF, tg.messages[(GROUP, bot_message.message_id)], "take:7"))
    reply = tg.push_update(tg.message_update(GROUP, STAFF, "好的", reply_to=tg.sent_to(GROUP)[0]))

    async def steps(bot):
        updates = await bot.get_updates(timeout=0)
        answered = await bot.answer_callback_query(updates[1].callback_query.id, text="已接单")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("12345")
        again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        return updates, answered, again

    updates, answered, again = run(tg, steps)
    assert all(isinstance(u, Update) for u in updates) and answered is True and again == ()
    assert [u.update_id for u in updates] == [command["update_id"], press["update_id"], reply["update_id"]]
    assert press["update_id"] == command["update_id"] + 1
    message = updates[0].message
    assert message.text == "/jiedan@wuye_test_bot 7" and message.chat.type == "supergroup"
    assert message.from_user.first_name == "张师傅" and not message.from_user.is_bot
    assert message.entities[0].type == "bot_command" and message.entities[0].length == len("/jiedan@wuye_test_bot")
    assert message.parse_entities()[message.entities[0]] == "/jiedan@wuye_test_bot"
    query = updates[1].callback_query
    assert query.data == "take:7" and query.from_user.id == STAFF and query.chat_instance
    assert query.message.message_id == bot_message.message_id and query.message.chat.id == GROUP
    assert query.message.reply_markup.inline_keyboard[0][0].callback_data == "take:7"
    assert updates[2].message.reply_to_message.message_id == bot_message.message_id
    assert tg.pending_updates == []  # confirmed by the offset


def test_get_updates_limit_and_long_poll(tg):
    for n in range(3):
        tg.push_update(tg.message_update(STAFF, STAFF, f"第{n}条"))

    def push_later():
        time.sleep(0.3)
        tg.push_update(tg.message_update(STAFF, STAFF, "迟到的"))

    async def steps(bot):
        first_two = await bot.get_updates(limit=2)
        rest = await bot.get_updates(offset=first_two[-1].update_id + 1)
        threading.Thread(target=push_later).start()
        started = time.monotonic()
        late = await bot.get_updates(offset=rest[-1].update_id + 1, timeout=5)
        woke_after = time.monotonic() - started
        started = time.monotonic()
        empty = await bot.get_updates(offset=late[-1].update_id + 1, timeout=1)
        return first_two, rest, late, woke_after, empty, time.monotonic() - started

    first_two, rest, late, woke_after, empty, waited = run(tg, steps)
    assert [u.message.text for u in first_two + rest] == ["第0条", "第1条", "第2条"]
    assert [u.message.text for u in late] == ["迟到的"] and 0.2 < woke_after < 2
    assert empty == () and 0.9 < waited < 2
    assert tg.calls_of("getUpdates")[-1] == {"offset": late[-1].update_id + 1, "timeout": 1}


def test_a_429_surfaces_as_retry_after(tg):
    tg.fail_next("sendMessage", 429, retry_after=7)

    async def steps(bot):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(GROUP, "太快了")
        return caught.value, await bot.send_message(GROUP, "稍后再发")

    with warnings.catch_warnings():  # PTB 22's int-vs-timedelta deprecation, even inside RetryAfter()
        warnings.simplefilter("ignore")
        error, later = run(tg, steps)
        assert seconds(error.retry_after) == 7
    assert later.message_id == 1  # the refused call sent nothing
    assert len(tg.call_times("sendMessage", chat_id=GROUP)) == 2


def test_other_programmed_failures(tg):
    async def steps(bot):
        tg.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
        tg.fail_next("*", 400, "Bad Request: chat not found", times=2)
        with pytest.raises(Forbidden, match="kicked"):
            await bot.send_message(GROUP, "x")
        for _ in range(2):
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_chat_action(GROUP, "typing")
        return await bot.send_chat_action(GROUP, "typing")

    assert run(tg, steps) is True


def test_wrong_token_and_unknown_method(tg):
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        run(tg, lambda bot: bot.get_me(), token="999:WRONG")
    assert tg.calls == []  # refused before reaching a method

    # PTB maps 404 to InvalidToken, except that do_api_request on an initialised bot says what it is.
    with pytest.raises(EndPointNotFound, match="sendMesage"):
        run(tg, lambda bot: bot.do_api_request("sendMesage", api_kwargs={"chat_id": GROUP}))


@pytest.mark.parametrize("down", [True, "reset"])
def test_down_is_a_network_error(tg, down):
    async def steps(bot):
        tg.down = down
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(GROUP, "x")
        tg.down = False
        return caught.value, await bot.send_message(GROUP, "恢复了")

    error, message = run(tg, steps)
    assert type(error) is NetworkError and message.text == "恢复了"
    assert ("Bad Gateway (502)" in str(error)) == (down is True)
    assert [m["text"] for m in tg.sent_to(GROUP)] == ["恢复了"]


def test_webhook_multipart_commands_and_chat(tg):
    async def steps(bot):
        await bot.set_webhook("https://wuye.example/telegram/webhook", secret_token="s3cret",
                              allowed_updates=["message", "callback_query"], certificate=b"-----CERT-----")
        info = await bot.get_webhook_info()
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        await bot.delete_webhook()
        await bot.set_my_commands([("jiedan", "接单"), ("wancheng", "完成")])
        return info, await bot.get_webhook_info(), await bot.get_my_commands(), await bot.get_chat(GROUP)

    info, after, commands, chat = run(tg, steps)
    assert info.url == "https://wuye.example/telegram/webhook" and info.has_custom_certificate
    assert info.allowed_updates == ("message", "callback_query") and after.url == ""
    # set_webhook with a certificate went out as multipart/form-data
    params = tg.calls_of("setWebhook")[0]
    assert params["certificate"]["content"] == b"-----CERT-----" and params["secret_token"] == "s3cret"
    assert tg.webhook_headers() == {"Content-Type": "application/json"}
    assert [c.command for c in commands] == ["jiedan", "wancheng"]
    assert chat.id == GROUP and chat.type == "supergroup" and chat.title == FakeTelegram.GROUP_TITLE


def test_json_bodies_and_query_strings_are_understood(tg):
    url = f"{tg.base_url}{tg.token}/sendMessage"
    body = json.dumps({"chat_id": GROUP, "text": "JSON 正文", "reply_markup": {"inline_keyboard": []}}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["result"]["text"] == "JSON 正文"
    with urllib.request.urlopen(f"{url}?chat_id={GROUP}&text=GET") as response:
        answer = json.load(response)
    assert answer["ok"] and answer["result"]["message_id"] == 2 and answer["result"]["chat"]["id"] == GROUP


def test_call_times_measure_rates(tg):
    async def steps(bot):
        for n in range(3):
            await bot.send_message(GROUP, f"群{n}")
        await bot.send_message(STAFF, "私聊")

    run(tg, steps)
    group_times = tg.call_times("sendMessage", chat_id=GROUP)
    assert len(group_times) == 3 and group_times == sorted(group_times)
    assert len(tg.call_times(chat_id=STAFF)) == 1 and len(tg.call_times()) == 5  # + getMe


# --- WeChat ---------------------------------------------------------------------------------------

class Client(WeChatClient):
    """wechatpy's client pointed at the fake: its fetch_access_token ignores API_BASE_URL."""

    def __init__(self, fake: FakeWeChat, app_id: str | None = None, secret: str | None = None, **kwargs):
        self.API_BASE_URL = fake.base_url
        super().__init__(app_id or fake.app_id, fake.secret if secret is None else secret, **kwargs)

    def fetch_access_token(self):
        return self._fetch_access_token(url=self.API_BASE_URL + "token", params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})


@pytest.fixture
def wx():
    with FakeWeChat() as fake:
        yield fake


def test_customer_service_text_is_recorded(wx):
    client = Client(wx)
    assert client.message.send_text(OPENID, "您好") == {"errcode": 0, "errmsg": "ok"}
    client.message.send_text(OPENID, "维修师傅已出发")
    first, second = wx.sent_to(OPENID)
    assert first["kind"] == "custom" and first["touser"] == OPENID and first["content"] == "您好"
    assert first["body"] == {"touser": OPENID, "msgtype": "text", "text": {"content": "您好"}}
    assert first["access_token"] == second["access_token"] == "ACCESS_TOKEN_1" and wx.token_fetches == 1
    # wechatpy posts ensure_ascii=False JSON as raw UTF-8
    assert "您好".encode() in wx.calls[1]["body"]


def test_outside_the_window_only_templates_pass(wx):
    client = Client(wx)
    wx.outside_window(OPENID)
    with pytest.raises(WeChatClientException) as caught:
        client.message.send_text(OPENID, "您好")
    assert caught.value.errcode == 45015 and "out of time limit" in caught.value.errmsg
    data = {"first": {"value": "您的报修已受理"}, "keyword1": {"value": "12"}}
    answer = client.message.send_template(OPENID, "TEMPLATE_ID", data, url="https://wuye.example/t/12")
    assert answer["errcode"] == 0 and answer["msgid"]
    [template] = wx.sent_to(OPENID)
    assert template["kind"] == "template" and template["data"] == data and template["msgid"] == answer["msgid"]
    assert template["template_id"] == "TEMPLATE_ID" and template["url"] == "https://wuye.example/t/12"


def test_expired_token_is_refetched_by_wechatpy(wx):
    client = Client(wx)
    client.message.send_text(OPENID, "一")
    wx.expire_tokens()
    client.message.send_text(OPENID, "二")  # 42001 -> wechatpy fetches a new token and repeats
    assert wx.token_fetches == 2 and [m["access_token"] for m in wx.sent] == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_2"]
    assert [(c["path"], c["errcode"]) for c in wx.calls] == [
        ("token", 0), ("message/custom/send", 0), ("message/custom/send", 42001), ("token", 0),
        ("message/custom/send", 0)]

    strict = Client(wx, auto_retry=False)
    strict.message.send_text(OPENID, "三")
    wx.expire_tokens()
    with pytest.raises(WeChatClientException) as caught:
        strict.message.send_text(OPENID, "四")
    assert caught.value.errcode == 42001


def test_token_errors_are_retried_without_limit(wx):
    client = Client(wx)
    wx.fail_next("message/custom/send", 40001, "invalid credential", times=4)
    client.message.send_text(OPENID, "您好")
    assert wx.token_fetches == 5 and len(wx.sent) == 1


def test_token_endpoint_errors_raise(wx):
    with pytest.raises(WeChatClientException) as wrong_secret:
        Client(wx, secret="nope").message.send_text(OPENID, "x")
    with pytest.raises(WeChatClientException) as wrong_appid:
        Client(wx, app_id="wx_other").message.send_text(OPENID, "x")
    assert (wrong_secret.value.errcode, wrong_appid.value.errcode) == (40001, 40013)
    assert wx.token_fetches == 0 and wx.sent == []  # no retry: only API calls are retried


def test_rate_limit_and_programmed_failures(wx):
    client = Client(wx)
    wx.fail_next("message/custom/send", 45009, "reach max api daily quota limit")
    with pytest.raises(APILimitedException):
        client.message.send_text(OPENID, "x")
    wx.fail_next("template/send", 40037, "invalid template_id")
    with pytest.raises(WeChatClientException) as caught:
        client.message.send_template(OPENID, "T", {})
    assert caught.value.errcode == 40037 and wx.sent == []


def test_down_raises(wx):
    client = Client(wx)
    wx.down = True
    with pytest.raises(WeChatClientException) as caught:
        client.message.send_text(OPENID, "x")  # the token fetch itself gets the 503
    assert caught.value.errcode is None and caught.value.response.status_code == 503
    wx.down = False
    client.message.send_text(OPENID, "y")
    wx.down = "reset"
    with pytest.raises(requests.ConnectionError):
        client.message.send_text(OPENID, "z")
    wx.down = False
    assert [m["content"] for m in wx.sent] == ["y"]
