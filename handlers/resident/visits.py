"""A resident moving the agreed visit of their open repair ("上门时间改到明天上午"): the time, its deadline
timers and the card follow."""
from __future__ import annotations

import re

from nlu.text import fold
from storage import queries

from ..desk import Turn
from ..tickets import deadlines
from ..tickets.cards import show_card
from .parsed import Parsed
from .timeparse import parse as parse_time

_CHANGE_TIME = re.compile(r"改(到|成|在|为)|换(到|成|个时间)|推迟|推后|延后|提前|改时间|改约|另约")


def reschedule(turn: Turn, parsed: Parsed) -> str | None:
    """"上门时间改到明天上午": move the agreed time of the resident's open repair (and its deadline
    timers); None when the message is not about that."""
    if not _CHANGE_TIME.search(fold(parsed.text)):
        return None
    preference = parse_time(parsed.text, turn.desk.local(turn.now))
    if preference is None or preference.at is None:
        return None
    candidates = [t for t in queries.open_tickets(turn.session, turn.resident.id, ("new", "accepted", "reopened"))
                  if t.kind == "repair" and not t.urgent]
    if not candidates:
        return None
    ticket = candidates[0]
    agreed = turn.desk.to_utc(preference.at)
    ticket.preferred_time = turn.local_text(agreed)
    ticket.due_at = deadlines.promised(turn.desk, "repair", False, turn.now, agreed, ticket.estate_id)
    ticket.updated_at = turn.now
    queries.add_event(turn.session, ticket, turn.actor, "time_changed", turn.now,
                      {"preferred_time": ticket.preferred_time, "words": parsed.text})
    show_card(turn, ticket)
    deadlines.plan(turn, ticket)
    return f"好的，已将工单 {ticket.code} 的上门时间改为{ticket.preferred_time}，师傅会按新的时间上门。谢谢您的配合！"
