"""Subscribe, unsubscribe and menu clicks."""
from __future__ import annotations

from storage import queries

from ..desk import Turn
from ..messages import Inbound
from . import houses, progress, repair, replies

# Keys of the Official Account's custom menu (configure these in the WeChat console).
MENU_REPAIR, MENU_COMPLAINT, MENU_INQUIRY, MENU_MY_REQUESTS = "MENU_REPAIR", "MENU_COMPLAINT", "MENU_INQUIRY", \
    "MENU_MY_REQUESTS"


def on_event(turn: Turn, inbound: Inbound) -> str | None:
    """The reply to an event, or None when WeChat expects none."""
    event = (inbound.event or "").lower()
    if event in ("subscribe", "subscribe_scan"):
        return _subscribe(turn)
    if event == "unsubscribe":
        queries.mark_inactive(turn.session, turn.resident)
        queries.clear_conversation(turn.session, turn.resident.id)
        return None
    if event == "click":
        return _click(turn, inbound.event_key or "")
    return None  # view, location reports, scans: nothing to say


def _subscribe(turn: Turn) -> str:
    resident = turn.resident
    resident.active = True
    if resident.building and resident.room:
        return replies.HELP
    queries.save_conversation(turn.session, resident.id, "profile_address", {},
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return replies.WELCOME


def _click(turn: Turn, key: str) -> str:
    ttl = turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES")
    if key == MENU_REPAIR:
        return repair.start_empty(turn)
    if key == MENU_COMPLAINT:
        queries.save_conversation(turn.session, turn.resident.id, "complaint", {}, ttl)
        return replies.ASK_COMPLAINT
    if key == MENU_INQUIRY:
        queries.save_conversation(turn.session, turn.resident.id, "inquiry", {}, ttl)
        return replies.ASK_INQUIRY
    if key == MENU_MY_REQUESTS:
        return progress.show(turn)
    if key in (houses.MENU_BIND_HOUSE, houses.MENU_MY_HOUSES):
        return houses.from_menu(turn, key)
    return replies.HELP
