"""Urgent first, as the staff group sees it (issue 11 item 16): the card of an urgent repair is in the group
after the resident's first message, and each detail the resident adds edits that same card."""
from __future__ import annotations

from ..conftest import WeChatUser
from ..staffing import STAFF_CHAT, drain, register_staff, settings, ticket

RESIDENT = "o_resident_urgent_0001"


def test_the_urgent_card_comes_first_and_is_edited_as_details_arrive(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat))
    desk = app.extensions["wuye"]
    register_staff(desk)
    user = WeChatUser(app.test_client(), RESIDENT)
    user.say("救命 家里燃气味很重")
    drain(desk)
    t = ticket(desk)
    [card] = [m for m in fake_telegram.sent_to(STAFF_CHAT)]
    assert card["text"].startswith("🚨【紧急】") and "地址：未提供" in card["text"] and "联系电话：未留" in card["text"]
    user.say("十七栋一单元901")
    user.say("电话139 1234 5678")
    drain(desk)
    assert len(fake_telegram.sent_to(STAFF_CHAT)) == 1  # no second card: the first one was edited
    edited = fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]["text"]
    assert "17栋1单元901" in edited and "139****5678" in edited and "1234 5678" not in edited
    assert fake_telegram.calls_of("editMessageText")
