"""New-ticket cards piling up for one group (Telegram: about 20 messages a minute) go out as one digest."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage, Ticket

from ..conftest import WeChatUser, rows
from ..staffing import STAFF_CHAT, ZHANG, drain, push, register_staff, settings

FAULTS = ["厨房水龙头关不紧", "卧室灯不亮", "卫生间门锁坏了", "阳台晾衣架断了", "客厅插座没电", "热水器不出热水",
          "厨房下水慢", "窗户关不上"]


def _report_all(app, count: int) -> None:
    client = app.test_client()
    for n in range(count):
        WeChatUser(client, f"o_digest_{n:03d}").say(f"7栋1单元{1001 + n} {FAULTS[n]} 电话1381234{n:04d} 随时都可以")


def _tickets(desk) -> list[Ticket]:
    with desk.sessions() as session:
        found = list(session.scalars(select(Ticket).order_by(Ticket.id)))
        session.expunge_all()
        return found


def _group_messages(fake_telegram) -> list[dict]:
    return fake_telegram.sent_to(STAFF_CHAT)


@pytest.fixture
def slow_group(make_app, fake_telegram, fake_wechat):
    """A group that takes one message a second (a burst of two): eight new cards make a backlog."""
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_GROUP_RATE_PER_MINUTE=60))
    register_staff(app.extensions["wuye"])
    return app


def test_a_backlog_of_new_cards_goes_as_a_digest_and_every_ticket_is_listed_once(slow_group, fake_telegram):
    desk = slow_group.extensions["wuye"]
    _report_all(slow_group, 8)
    drain(desk, lookahead=3)
    tickets = _tickets(desk)
    messages = _group_messages(fake_telegram)
    digests = [m for m in messages if m["text"].startswith("📋 新工单")]
    cards = [m for m in messages if not m["text"].startswith("📋")]
    assert digests and len(messages) < 8
    listed = [t.code for t in tickets for m in messages if t.code in m["text"]]
    assert sorted(listed) == sorted(t.code for t in tickets)       # each ticket in exactly one message
    digest = digests[0]
    assert "138****" in digest["text"] and "13812340" not in digest["text"]   # phones masked
    labels = [b["text"] for row in digest["reply_markup"]["inline_keyboard"] for b in row]
    in_digest = [t for t in tickets if t.code in digest["text"]]
    assert labels == [f"接单 {t.code}" for t in in_digest]
    assert all(t.staff_chat_id == STAFF_CHAT and t.card_message_id is None for t in in_digest)
    assert all(any(t.code in c["text"] for c in cards) == (t.card_message_id is not None) for t in tickets)
    assert all(r.status == "sent" for r in rows(desk, OutboxMessage) if r.kind == "card")


def test_taking_a_ticket_from_the_digest_sends_its_full_card(slow_group, fake_telegram):
    desk = slow_group.extensions["wuye"]
    _report_all(slow_group, 8)
    drain(desk, lookahead=3)
    digest = next(m for m in _group_messages(fake_telegram) if m["text"].startswith("📋 新工单"))
    button = digest["reply_markup"]["inline_keyboard"][0][0]
    code = button["text"].removeprefix("接单 ")
    push(slow_group, fake_telegram.callback_update(STAFF_CHAT, ZHANG, digest, button["callback_data"]))
    drain(desk, lookahead=3)
    taken = next(t for t in _tickets(desk) if t.code == code)
    assert taken.status == "accepted" and taken.card_message_id is not None
    card = fake_telegram.messages[(STAFF_CHAT, taken.card_message_id)]
    assert code in card["text"] and "已接单（张师傅）" in card["text"]


@pytest.mark.parametrize("extra", [{}, {"TELEGRAM_GROUP_RATE_PER_MINUTE": 60, "TELEGRAM_CARD_DIGEST_AT": 0}],
                         ids=["no backlog", "digests off"])
def test_without_a_backlog_or_with_digests_off_every_ticket_gets_its_own_card(make_app, fake_telegram, fake_wechat,
                                                                            extra):
    app = make_app(**settings(fake_telegram, fake_wechat, **extra))
    desk = app.extensions["wuye"]
    register_staff(desk)
    _report_all(app, 5)
    drain(desk, lookahead=3)
    tickets = _tickets(desk)
    assert len(tickets) == 5 and all(t.card_message_id is not None for t in tickets)
    texts = [fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]["text"] for t in tickets]
    assert all(t.code in text and not text.startswith("📋") for t, text in zip(tickets, texts))
