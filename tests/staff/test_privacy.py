"""Phones and names residents write never reach a staff group in full (issue 11 item 3): the card, the
repeat-report alert and the ticket history show them masked, whatever format the resident used."""
from __future__ import annotations

import pytest

from ..conftest import WeChatUser
from ..staffing import STAFF_CHAT, ZHANG, drain, push, register_staff, settings, ticket

RESIDENT = "o_resident_privacy_0001"
MANAGERS = -1003000000003
SURFACES = ["139 1234 5678", "138.1234.5678", "138 - 1234 - 5678", "一三九一二三四五六七八", "+86 139-1234-5678"]


@pytest.mark.parametrize("surface", SURFACES)
def test_cards_alerts_and_history_mask_every_phone_format_and_names(make_app, fake_telegram, fake_wechat, surface):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_MANAGER_CHAT_IDS=str(MANAGERS)))
    desk = app.extensions["wuye"]
    register_staff(desk)
    user = WeChatUser(app.test_client(), RESIDENT)
    user.say(f"3栋2单元1201 厨房水管漏水，联系人王小明，电话{surface}，随时都可以")
    drain(desk)
    t = ticket(desk)
    assert t.contact_phone and t.contact_phone.endswith("5678")  # understood: the NLU took the phone
    card = fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]["text"]
    assert "****5678" in card and "王**" in card
    user.say(f"厨房水管还是漏水，我是王小明，电话{surface}")  # a repeat report alerts the supervisors
    push(app, fake_telegram.message_update(STAFF_CHAT, ZHANG, f"/ticket {t.code}"))
    drain(desk)
    seen = [m.get("text", "") for chat in (STAFF_CHAT, MANAGERS) for m in fake_telegram.sent_to(chat)]
    assert any("再次反映" in text for text in seen)
    for text in seen:
        assert surface not in text and "王小明" not in text and "12345678" not in text
