"""POST/GET /wechat: signatures, safe mode, hostile input, retries, every message and event type."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy

from bot.wechat import push as wechat_push
from storage import queries
from storage.db import session_scope
from storage.models import Attachment, Conversation, InboundMessage, Resident, Ticket

from .. import fixtures
from ..conftest import WECHAT_TOKEN, WeChatUser, rows

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0123456789abcdef"


def test_url_verification_echoes_echostr(client):
    query = wechat_push.query(WECHAT_TOKEN, echostr="hello-123")
    response = client.get("/wechat", query_string=query)
    assert response.status_code == 200 and response.get_data(as_text=True) == "hello-123"


def test_url_verification_refuses_a_wrong_signature(client):
    query = {**wechat_push.query(WECHAT_TOKEN), "echostr": "x", "signature": "0" * 40}
    response = client.get("/wechat", query_string=query)
    assert response.status_code == 403 and "x" not in response.get_data(as_text=True)


def test_a_text_message_gets_a_passive_reply(resident, desk):
    reply = resident.say("请问物业费可以用微信交吗")
    assert "物业费" in reply
    [message] = rows(desk, InboundMessage)
    assert message.reply == reply and message.intent == "inquiry"


@pytest.mark.parametrize("tamper", ["signature", "stale", "future", "missing", "not_a_number"])
def test_bad_signatures_and_replays_are_refused_and_change_nothing(client, desk, tamper):
    query = wechat_push.query(WECHAT_TOKEN)
    if tamper == "signature":
        query["signature"] = query["signature"][::-1]
    elif tamper in ("stale", "future"):
        query = wechat_push.query(WECHAT_TOKEN, timestamp=int(time.time()) + (-3600 if tamper == "stale" else 3600))
    elif tamper == "missing":
        del query["signature"]
    else:
        query["timestamp"] = "yesterday"
    response = client.post("/wechat", query_string=query, data=wechat_push.text("o_x", "水管爆了 3栋2单元1201").encode())
    assert response.status_code == 403
    assert "Traceback" not in response.get_data(as_text=True)
    assert rows(desk, InboundMessage) == [] and rows(desk, Ticket) == []


@pytest.mark.parametrize("body,status", [
    ("<xml><ToUserName>gh</ToUserName><FromUser", 400),
    ("not xml at all", 400),
    (fixtures.wechat("billion_laughs"), 400),
    (fixtures.wechat("xxe"), 400),
    ("<xml><ToUserName>gh</ToUserName><MsgType>text</MsgType><Content>hi</Content></xml>", 400),
    ("<xml><ToUserName>gh</ToUserName><FromUserName>o_x</FromUserName><CreateTime>now</CreateTime>"
     "<MsgType>text</MsgType><Content>hi</Content><MsgId>3</MsgId></xml>", 400),
    ("<xml><ToUserName>gh</ToUserName><FromUserName>o_x</FromUserName><CreateTime>1</CreateTime>"
     "<MsgType>text</MsgType><MsgId>4</MsgId></xml>", 400),
    ("<root><a>1</a></root>", 400),
    ("", 400),
    ("<xml>" + "<Content>a</Content>" * 5000 + "</xml>", 413),
])
def test_hostile_or_broken_bodies_are_refused_and_change_nothing(resident, desk, body, status):
    response = resident.post(body)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "root:" not in text and "lol" not in text
    assert rows(desk, InboundMessage) == [] and rows(desk, Resident) == []


def test_a_declared_length_over_the_limit_is_refused_before_reading(client):
    response = client.post("/wechat", query_string=wechat_push.query(WECHAT_TOKEN), data=b"x" * 10,
                           environ_overrides={"CONTENT_LENGTH": "10000000"}, content_type="text/xml")
    assert response.status_code == 413


def test_unknown_message_types_get_a_polite_request_to_type(resident, desk):
    reply = resident.send(wechat_push.raw(resident.openid, "video", MediaId="v1", ThumbMediaId="t1"))
    assert "文字" in reply
    assert rows(desk, Ticket) == []
    assert rows(desk, InboundMessage)[0].msg_type == "unsupported"


def test_a_retried_message_makes_one_ticket_and_one_reply_record(resident, desk):
    xml = wechat_push.text(resident.openid, "紧急 3栋2单元1201 水管爆了 水喷得到处都是 电话13812345678")
    first, second, third = resident.send(xml), resident.send(xml), resident.send(xml)
    assert first == second == third and "BX-" in first
    assert len(rows(desk, Ticket)) == 1
    assert len(rows(desk, InboundMessage)) == 1


def test_simultaneous_copies_make_one_ticket(app, desk):
    xml = wechat_push.text("o_race_0001", "救命 5栋2单元电梯困人了 电话13900001111")
    replies, barrier = [], threading.Barrier(6)

    def post():
        user = WeChatUser(app.test_client(), "o_race_0001")
        barrier.wait()
        replies.append(user.send(xml))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(rows(desk, Ticket)) == 1
    assert len(rows(desk, InboundMessage)) == 1
    assert len(set(replies)) == 1 and "BX-" in replies[0]


def _blocked(desk) -> bool:
    """Whether a statement on this test's database is waiting for a lock (PostgreSQL)."""
    with desk.sessions() as session:
        return bool(session.execute(sqlalchemy.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar())


def test_a_message_waiting_behind_another_of_its_resident_continues_the_conversation_that_one_left(app, desk):
    # Two messages of one resident at the same moment: the second waits for the first's transaction
    # (it holds the resident's row) and must see the conversation the first left, not the state from
    # before (on PostgreSQL the second's one statement saw the earlier state; it upserts again).
    user = WeChatUser(app.test_client(), "o_race_0002")
    user.say("我家厨房水龙头坏了，一直在滴水")
    [left] = rows(desk, Conversation)
    assert left.state == "repair" and not left.slots.get("building")
    with session_scope(desk.sessions) as session:
        queries.clear_conversation(session, left.resident_id)
    first = desk.sessions()  # the first message's transaction, still open
    queries.resident_contacted(first, user.openid, desk.now())
    queries.save_conversation(first, left.resident_id, left.state, left.slots, left.expires_at)
    replies = []
    second = threading.Thread(target=lambda: replies.append(user.say("3栋1单元1201")))
    second.start()
    postgresql = desk.sessions.kw["bind"].dialect.name == "postgresql"
    deadline = time.monotonic() + 20
    while postgresql and not _blocked(desk) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.commit()
    first.close()
    second.join()
    [state] = rows(desk, Conversation)
    assert state.state == "repair" and state.slots.get("building") == "3" and state.slots.get("room") == "1201"
    assert replies and len(rows(desk, Ticket)) == 0


def test_events_are_deduplicated_by_sender_and_create_time(resident, desk):
    xml = wechat_push.event(resident.openid, "subscribe", created=int(time.time()))
    assert "欢迎" in resident.send(xml)
    assert "欢迎" in resident.send(xml)
    assert len(rows(desk, InboundMessage)) == 1


def test_safe_mode_decrypts_and_answers_encrypted(make_app, desk):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    client = app.test_client()
    xml = wechat_push.text("o_secret_0001", "请问快递放在哪里")
    params, body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, APP_ID, xml, "o_secret_0001")
    response = client.post("/wechat", query_string=params, data=body.encode(), content_type="text/xml")
    assert response.status_code == 200
    encrypted_reply = response.get_data(as_text=True)
    assert "<Encrypt>" in encrypted_reply and "快递" not in encrypted_reply
    plain = wechat_push.decrypt_reply(WECHAT_TOKEN, AES_KEY, APP_ID, encrypted_reply, params)
    assert "快递" in wechat_push.reply_text(plain)


@pytest.mark.parametrize("tamper,status", [("msg_signature", 403), ("app_id", 403), ("ciphertext", 403)])
def test_safe_mode_refuses_tampered_pushes(make_app, tamper, status):
    app = make_app(WECHAT_AES_KEY=AES_KEY, WECHAT_APP_ID=APP_ID)
    xml = wechat_push.text("o_secret_0002", "你好")
    app_id = "wx_other_account" if tamper == "app_id" else APP_ID
    params, body = wechat_push.encrypted(WECHAT_TOKEN, AES_KEY, app_id, xml)
    if tamper == "msg_signature":
        params["msg_signature"] = "f" * 40
    if tamper == "ciphertext":
        body = body.replace("<![CDATA[", "<![CDATA[AAAA", 2)
    response = app.test_client().post("/wechat", query_string=params, data=body.encode(), content_type="text/xml")
    assert response.status_code == status
    assert rows(app.extensions["wuye"], InboundMessage) == []


def test_voice_with_recognition_is_understood_like_text(resident, desk):
    reply = resident.send(wechat_push.voice(resident.openid, "请问物业费怎么交"))
    assert "物业费" in reply
    assert rows(desk, Attachment)[0].kind == "voice"


def test_voice_without_recognition_asks_for_text(resident):
    assert "文字" in resident.send(wechat_push.voice(resident.openid, None))


def test_an_image_joins_the_open_ticket(resident, desk):
    resident.say("3栋2单元1201 卫生间水管爆了 水漫出来了 电话13812345678")
    reply = resident.send(wechat_push.image(resident.openid, media_id="m-1"))
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply
    [photo] = rows(desk, Attachment, kind="image")
    assert photo.ticket_id == ticket.id and photo.media_id == "m-1"


def test_an_image_without_a_ticket_is_kept_and_asked_about(resident, desk):
    reply = resident.send(wechat_push.image(resident.openid))
    assert "描述" in reply
    [photo] = rows(desk, Attachment)
    assert photo.ticket_id is None
    resident.say("阳台窗户玻璃裂了")
    resident.say("6栋1单元502")
    resident.say("13812345678")
    resident.say("随时都可以")
    [ticket] = rows(desk, Ticket)
    assert rows(desk, Attachment)[0].ticket_id == ticket.id


def test_a_location_is_kept_on_the_ticket(resident, desk):
    resident.say("5栋2单元1101 下水道堵了 电话13812345678 随时都可以")
    reply = resident.send(wechat_push.location(resident.openid, 30.27, 120.15, "锦绣花园5栋"))
    [ticket] = rows(desk, Ticket)
    assert ticket.code in reply and ticket.location["label"] == "锦绣花园5栋"


def test_subscribe_welcomes_and_asks_for_the_address(resident, desk):
    reply = resident.send(wechat_push.event(resident.openid, "subscribe"))
    assert "欢迎" in reply and "楼栋" in reply
    reply = resident.say("7栋1单元301")
    assert "7栋1单元301" in reply
    [person] = rows(desk, Resident)
    assert (person.building, person.unit, person.room, person.address_confirmed) == ("7", "1", "301", True)


def test_unsubscribe_marks_the_resident_inactive_without_a_reply(resident, desk):
    resident.send(wechat_push.event(resident.openid, "subscribe"))
    assert resident.send(wechat_push.event(resident.openid, "unsubscribe", created=int(time.time()) + 1)) is None
    assert rows(desk, Resident)[0].active is False


@pytest.mark.parametrize("key,expected", [("MENU_REPAIR", "描述"), ("MENU_COMPLAINT", "反映"),
                                          ("MENU_INQUIRY", "咨询"), ("MENU_MY_REQUESTS", "没有正在处理")])
def test_menu_clicks(resident, key, expected):
    assert expected in resident.send(wechat_push.event(resident.openid, "CLICK", key))


def test_menu_repair_then_description_starts_the_repair(resident, desk):
    resident.send(wechat_push.event(resident.openid, "CLICK", "MENU_REPAIR"))
    assert "地址" in resident.say("客厅的灯不亮了")


def test_menu_complaint_then_text_is_a_complaint(resident, desk):
    resident.send(wechat_push.event(resident.openid, "CLICK", "MENU_COMPLAINT"))
    reply = resident.say("晚上广场舞音响太大声了")
    assert "抱歉" in reply
    assert rows(desk, Ticket)[0].kind == "complaint"


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
