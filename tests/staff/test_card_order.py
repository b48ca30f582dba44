"""A ticket card's edits stay in order across delivery workers: two refreshes of one card racing, the older
one slow on the wire (the fake Telegram holds its call), never leave the older rendering on the card."""
from __future__ import annotations

import threading

from handlers.delivery.card_order import SUPERSEDED
from handlers.delivery.send import deliver
from storage.models import OutboxMessage

from ..conftest import rows
from ..staffing import STAFF_CHAT, ZHANG, drain, ticket
from .test_staff_desk import card_of, desk, opened, press, staffed  # noqa: F401  (fixtures)


def _card_rows(desk, ticket_id: int) -> list[OutboxMessage]:
    return [r for r in rows(desk, OutboxMessage, kind="card") if r.ticket_id == ticket_id]


def _status_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("状态："))


def test_a_slow_older_edit_never_overwrites_a_newer_one(staffed, desk, opened, fake_telegram):
    [posted] = _card_rows(desk, opened.id)
    press(staffed, fake_telegram, opened, ZHANG, "accept")            # refresh A: 已接单
    accepted = _card_rows(desk, opened.id)[-1].id
    arrived = fake_telegram.hold_next("editMessageText", 2.0)
    first = threading.Thread(target=deliver, args=(desk, accepted))
    first.start()                                                     # worker 1: A rendered, slow on the wire
    try:
        assert arrived.wait(15), "the first refresh never reached Telegram"
        press(staffed, fake_telegram, ticket(desk), ZHANG, "arrive")  # refresh B: 已到场, while A is on its way
        on_site = _card_rows(desk, opened.id)[-1].id
        answer = deliver(desk, on_site)                               # worker 2 takes B at that moment
        assert answer.startswith("waiting"), answer
    finally:
        first.join(15)
    drain(desk)                                                       # B, woken when A was settled
    final = card_of(fake_telegram, ticket(desk))["text"]
    assert "已到场" in _status_line(final)
    edits = [c["text"] for c in fake_telegram.calls_of("editMessageText")]
    assert ["已接单" in _status_line(t) for t in edits] == [True, False]   # A, then B: in order
    assert [m["text"].splitlines()[0] for m in fake_telegram.sent_to(STAFF_CHAT)
            if opened.code in m["text"].splitlines()[0]] == [f"报修 {opened.code}"]   # one card, edited
    assert {r.id: r.status for r in _card_rows(desk, opened.id)} == {posted.id: "sent", accepted: "sent",
                                                                      on_site: "sent"}


def test_refreshes_queued_behind_one_on_the_wire_send_once_with_the_newest_state(staffed, desk, opened,
                                                                                  fake_telegram):
    press(staffed, fake_telegram, opened, ZHANG, "accept")
    accepted = _card_rows(desk, opened.id)[-1].id
    arrived = fake_telegram.hold_next("editMessageText", 2.0)
    first = threading.Thread(target=deliver, args=(desk, accepted))
    first.start()
    try:
        assert arrived.wait(15), "the first refresh never reached Telegram"
        press(staffed, fake_telegram, ticket(desk), ZHANG, "arrive")
        press(staffed, fake_telegram, ticket(desk), ZHANG, "done")
        behind = [r.id for r in _card_rows(desk, opened.id)][-2:]
        # the older is replaced by the newer at once; the newer waits for the one on the wire
        assert [deliver(desk, row_id).split()[0] for row_id in behind] == ["superseded", "waiting"]
    finally:
        first.join(15)
    drain(desk)
    assert "已完成" in _status_line(card_of(fake_telegram, ticket(desk))["text"])
    edits = [_status_line(c["text"]) for c in fake_telegram.calls_of("editMessageText")]
    assert len(edits) == 2 and "已接单" in edits[0] and "已完成" in edits[1]   # the 已到场 rendering never went
    statuses = {r.id: r.status for r in _card_rows(desk, opened.id)}
    assert [statuses[i] for i in behind] == [SUPERSEDED, "sent"]
