"""The incident card's edits in order: one refresh on the wire at a time (the fake Telegram holds it while
households keep joining), the next one rendered after it; and a refresh that fails for good no longer
blocks every later one."""
from __future__ import annotations

import re
import threading

from handlers.delivery.send import deliver
from storage.models import OutboxMessage

from ..conftest import rows
from ..staffing import STAFF_CHAT
from .conftest import Residents, drain, incidents


def _households(text: str) -> int:
    return int(re.search(r"影响住户：(\d+)户", text).group(1))


def _card_edits(fake_telegram) -> list[int]:
    return [_households(m["text"]) for m in fake_telegram.calls_of("editMessageText") if m["text"].startswith("🚨【事件】")]


def _card(fake_telegram, incident) -> str:
    return next(m["text"] for m in fake_telegram.sent_to(STAFF_CHAT) if m["text"].startswith(f"🚨【事件】{incident.code}"))


def test_households_joining_while_an_edit_is_on_the_wire_get_the_next_edit(build, fake_telegram):
    app, desk = build()
    people = Residents(app)
    for number in range(1, 4):
        people.report(number, "3")
    drain(desk)
    people.user(4).say("3栋停电了")
    refresh = incidents(desk)[0].card_row_id
    arrived = fake_telegram.hold_next("editMessageText", 2.0)
    first = threading.Thread(target=deliver, args=(desk, refresh))
    first.start()
    try:
        assert arrived.wait(15), "the refresh never reached Telegram"
        for number in range(5, 8):
            people.user(number).say("3栋停电了")
        assert incidents(desk)[0].card_row_id == refresh      # no second refresh while one is on its way
    finally:
        first.join(15)
    drain(desk)
    incident = incidents(desk)[0]
    assert _households(_card(fake_telegram, incident)) == 7
    assert _card_edits(fake_telegram) == [4, 7]               # in order, the last after the last join
    assert incident.card_shown_version == incident.card_version


def test_a_refresh_that_failed_for_good_does_not_block_the_next(build, fake_telegram):
    app, desk = build()
    people = Residents(app)
    for number in range(1, 4):
        people.report(number, "3")
    drain(desk)
    fake_telegram.fail_next("editMessageText", 400, "Bad Request: MESSAGE_ID_INVALID", times=4)
    people.user(4).say("3栋停电了")
    failed = incidents(desk)[0].card_row_id
    drain(desk)
    assert [r.status for r in rows(desk, OutboxMessage) if r.id == failed] == ["failed"]
    assert incidents(desk)[0].card_row_id is None
    people.user(5).say("3栋停电了")
    drain(desk)
    assert _households(_card(fake_telegram, incidents(desk)[0])) == 5
