"""WeChat pushes (captured payloads in tests/fixtures/wechat) as neutral inbound messages."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.wechat.inbound import BadRequest, to_inbound

from .. import fixtures

SENDER = "oRzXs5B2fRKqa6Mz1Jt0vP3kY8cQ"


def test_a_text_message_is_keyed_by_its_msg_id():
    inbound = to_inbound(fixtures.wechat("text"))
    assert (inbound.channel, inbound.kind, inbound.sender) == ("wechat", "text", SENDER)
    assert inbound.text == "3栋2单元1201 厨房水管漏水 电话13812345678"
    assert inbound.dedup_key == "wechat:24381625834951234"
    assert inbound.created_at == datetime(2025, 11, 25, 4, 30)  # CreateTime as naive UTC
    assert inbound.raw["ToUserName"] == "gh_3f1a9e2b7c4d"


def test_a_photo_keeps_its_media_id_and_url():
    inbound = to_inbound(fixtures.wechat("image"))
    assert inbound.kind == "image" and inbound.media_id.startswith("Hk3pYw2m")
    assert inbound.url == "http://mmbiz.qpic.cn/mmbiz_jpg/xQ2kd7HnCw9Kx0/0"


def test_a_voice_note_carries_wechats_recognition_as_text():
    inbound = to_inbound(fixtures.wechat("voice"))
    assert (inbound.kind, inbound.text) == ("voice", "请问物业费怎么交") and inbound.media_id


def test_a_location_carries_coordinates_and_label():
    location = to_inbound(fixtures.wechat("location")).location
    assert (location.latitude, location.longitude, location.label) == (30.274085, 120.15507, "浙江省杭州市西湖区锦绣花园5栋")


def test_events_have_no_msg_id_and_are_keyed_by_sender_time_and_event():
    subscribe = to_inbound(fixtures.wechat("subscribe"))
    assert (subscribe.kind, subscribe.event) == ("event", "subscribe")
    assert subscribe.dedup_key.startswith(f"wechat:{SENDER}:1764044900:subscribe:")
    click = to_inbound(fixtures.wechat("menu_click"))
    assert (click.event, click.event_key) == ("click", "MENU_REPAIR")


def test_a_message_type_the_desk_does_not_read_is_unsupported_not_refused():
    inbound = to_inbound(fixtures.wechat("video"))
    assert inbound.kind == "unsupported" and inbound.dedup_key == "wechat:24381626487766554"


@pytest.mark.parametrize("name", ["billion_laughs", "xxe"])
def test_document_types_and_entities_are_refused(name):
    with pytest.raises(BadRequest) as refused:
        to_inbound(fixtures.wechat(name))
    assert refused.value.status == 400


def test_a_push_without_its_required_fields_is_refused():
    with pytest.raises(BadRequest, match="missing FromUserName, CreateTime"):
        to_inbound(fixtures.wechat("text").replace("FromUserName", "From").replace("CreateTime", "Created"))
