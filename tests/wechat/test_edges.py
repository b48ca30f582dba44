"""POST /wechat at its edges (issue 11, items 4-8): odd characters, twin events, safe mode only,
signed queries used once, and odd but harmless input answered 400/403, never 500."""
from __future__ import annotations

import time

import pytest

from bot.wechat import push as wechat_push
from storage.models import InboundMessage, Resident, Ticket

from ..conftest import WECHAT_TOKEN, rows

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0123456789abcdef"


def _post(client, xml: str, query: dict | None = None):
    return client.post("/wechat", query_string=query or wechat_push.query(WECHAT_TOKEN), data=xml.encode("utf-8"),
                       content_type="text/xml")


# --- item 4: control characters pasted from other apps ---

@pytest.mark.parametrize("char", ["\x1d", "\x00", "\x08", "\x0b", "\x1f"])
def test_a_control_character_is_dropped_and_the_message_handled(resident, desk, char):
    reply = resident.say(f"请问物业费{char}可以用微信交吗")
    assert "物业费" in reply
    [message] = rows(desk, InboundMessage)
    assert message.content == "请问物业费可以用微信交吗"


def test_a_control_character_is_dropped_in_safe_mode_too(make_app):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    xml = wechat_push.text("o_secret_ctrl", "请问快递\x1d放在哪里")
    params, body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, APP_ID, xml, "o_secret_ctrl")
    response = app.test_client().post("/wechat", query_string=params, data=body.encode(), content_type="text/xml")
    assert response.status_code == 200
    plain = wechat_push.decrypt_reply(WECHAT_TOKEN, AES_KEY, APP_ID, response.get_data(as_text=True), params)
    assert "快递" in wechat_push.reply_text(plain)
    [message] = rows(app.extensions["wuye"], InboundMessage)
    assert message.content == "请问快递放在哪里"


def test_a_character_reference_to_a_control_character_is_dropped(resident, desk):
    xml = wechat_push.text(resident.openid, "X").replace("<![CDATA[X]]>", "请问物业费&#x1D;可以用微信交吗&#29;")
    assert "物业费" in resident.send(xml)


# --- item 5: two menu clicks in the same second ---

def test_two_menu_clicks_in_the_same_second_get_their_own_replies(resident, desk):
    now = int(time.time())
    first = resident.send(wechat_push.event(resident.openid, "CLICK", "MENU_COMPLAINT", created=now))
    second = resident.send(wechat_push.event(resident.openid, "CLICK", "MENU_MY_REQUESTS", created=now))
    assert "反映" in first and "没有正在处理" in second
    assert len(rows(desk, InboundMessage)) == 2
    assert resident.send(wechat_push.event(resident.openid, "CLICK", "MENU_MY_REQUESTS", created=now)) == second
    assert len(rows(desk, InboundMessage)) == 2


# --- item 6: safe mode means encrypted only ---

def test_safe_mode_refuses_a_plaintext_push(make_app):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    response = _post(app.test_client(), wechat_push.text("o_forged", "紧急 3栋2单元1201 水管爆了 电话13812345678"))
    assert response.status_code == 403
    assert rows(app.extensions["wuye"], InboundMessage) == [] and rows(app.extensions["wuye"], Ticket) == []


def test_safe_mode_refuses_a_forged_plaintext_body_under_a_real_encrypted_query(make_app):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    params, _body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, APP_ID, wechat_push.text("o_real", "你好"))
    forged = {k: v for k, v in params.items() if k in ("signature", "timestamp", "nonce")}
    response = _post(app.test_client(), wechat_push.text("o_forged", "我要投诉 保安打人"), forged)
    assert response.status_code == 403
    assert rows(app.extensions["wuye"], InboundMessage) == []


def test_compatible_mode_accepts_plaintext_when_enabled(make_app):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID, WECHAT_COMPATIBLE_MODE="true")
    response = _post(app.test_client(), wechat_push.text("o_compat", "请问物业费可以用微信交吗"))
    assert response.status_code == 200 and "物业费" in wechat_push.reply_text(response.get_data(as_text=True))


# --- item 7: a signed query is used once ---

def test_a_signed_query_cannot_carry_another_body(client, desk):
    query = wechat_push.query(WECHAT_TOKEN)
    first = _post(client, wechat_push.text("o_once", "请问物业费可以用微信交吗"), query)
    assert first.status_code == 200
    second = _post(client, wechat_push.text("o_once", "紧急 3栋2单元1201 水管爆了 电话13812345678"), query)
    assert second.status_code == 403
    assert len(rows(desk, InboundMessage)) == 1 and rows(desk, Ticket) == []


def test_a_true_retry_under_the_same_query_gets_the_stored_reply(client, desk):
    query, xml = wechat_push.query(WECHAT_TOKEN), wechat_push.text("o_retry", "请问物业费可以用微信交吗")
    first, again = _post(client, xml, query), _post(client, xml, query)
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert len(rows(desk, InboundMessage)) == 1


def test_a_signed_query_is_used_once_in_safe_mode_too(make_app):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    client = app.test_client()
    params, body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, APP_ID, wechat_push.text("o_s1", "你好"))
    assert client.post("/wechat", query_string=params, data=body.encode(), content_type="text/xml").status_code == 200
    other_params, other_body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, APP_ID, wechat_push.text("o_s2", "你好"))
    other_params.update(signature=params["signature"], timestamp=params["timestamp"], nonce=params["nonce"])
    # msg_signature covers timestamp and nonce too, so a forger would need the token: refused either way
    response = client.post("/wechat", query_string=other_params, data=other_body.encode(), content_type="text/xml")
    assert response.status_code == 403
    assert len(rows(app.extensions["wuye"], InboundMessage)) == 1


# --- item 8: odd but harmless input is 400 (or 403 before the signature is known good), never 500 ---

def _push(**fields) -> str:
    base = {"ToUserName": "gh_x", "FromUserName": "o_odd_0001", "CreateTime": str(int(time.time())),
            "MsgType": "text", "Content": "你好", "MsgId": "123456789"}
    base.update(fields)
    return "<xml>" + "".join(v if k.startswith("_") else f"<{k}>{v}</{k}>" for k, v in base.items()
                             if v is not None) + "</xml>"


def test_a_400_digit_timestamp_is_refused_without_a_secret(client):
    query = {"signature": "0" * 40, "timestamp": "9" * 400, "nonce": "n"}
    assert _post(client, _push(), query).status_code == 403
    query = wechat_push.query(WECHAT_TOKEN, timestamp="9" * 400)
    assert _post(client, _push(), query).status_code == 403
    assert client.get("/wechat", query_string={**query, "echostr": "x"}).status_code == 403


@pytest.mark.parametrize("xml", [
    _push(MsgType="event", Content=None, MsgId=None, Event=""),
    _push(MsgType="event", Content=None, MsgId=None, Event="CLICK", _again="<Event>CLICK</Event>"),
    _push(CreateTime="999999999999"),
    _push(CreateTime="-5"),
    _push(CreateTime="9" * 400),
    _push(MsgType="voice", Content=None, MediaId="m", Recognition=None, _rec="<Recognition><a>1</a></Recognition>"),
    _push(MsgId="9" * 200),
    _push(FromUserName="o" * 200),
    _push(MsgType="location", Content=None, Location_X="nan", Location_Y="120.1", Label="x"),
    _push(MsgType="location", Content=None, Location_X="30.1", Location_Y="inf", Label="x"),
    _push(MsgType="location", Content=None, Location_X="95", Location_Y="120.1", Label="x"),
    _push(Content=None, _c="<Content>a</Content><Content>b</Content>"),
    _push(MsgType="event", Content=None, MsgId=None, Event="x" * 100),
    _push(MsgType="image", Content=None, PicUrl="http://x", MediaId=None, _m="<MediaId><a/></MediaId>"),
], ids=["empty-event", "repeated-event", "year-10000", "negative-time", "huge-time", "recognition-element",
        "long-msgid", "long-openid", "nan-latitude", "inf-longitude", "latitude-95", "repeated-content",
        "long-event", "media-element"])
def test_odd_fields_are_400_and_change_nothing(client, desk, xml):
    response = _post(client, xml)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert rows(desk, InboundMessage) == [] and rows(desk, Resident) == []


def test_a_location_read_back_through_the_api_is_valid_json(resident, desk, client):
    resident.say("5栋2单元1101 下水道堵了 电话13812345678 随时都可以")
    resident.send(wechat_push.location(resident.openid, 30.27, 120.15, "锦绣花园5栋"))
    response = client.get("/api/tickets", headers={"Authorization": "Bearer test-admin-token"})
    assert response.status_code == 200 and response.get_json()["tickets"][0]["location"]["label"] == "锦绣花园5栋"
