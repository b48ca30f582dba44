"""Repairs: collect what the seeds require, one question at a time, then open the ticket.

Required (seed 001): the address, a contact phone, what is broken and a convenient time; urgent
repairs skip the time. Only what is missing is asked; answers are kept in the conversation state
across messages. A slot the resident cannot give after two tries is left for the desk to settle by
phone, so a request is never dropped (首位责任制).
"""
from __future__ import annotations

import re

from nlu.text import fold
from storage import queries

from ..desk import Turn
from ..incidents import intake as incidents
from ..tickets import deadlines, tickets
from ..tickets.cards import show_card
from . import replies, residents
from .parsed import Parsed
from .timeparse import parse as parse_time

STATE = "repair"
MAX_TRIES = 2
# Faults of shared facilities need a building or a place, not a flat.
PUBLIC_CATEGORIES = frozenset({"lift", "public_facility", "door_access", "greening"})
_VISIT_CUE = re.compile(r"来|上门|在家|方便|有空|有人")


def start(turn: Turn, parsed: Parsed, attachment_ids: list[int] | None = None) -> str:
    """A new repair request from a message."""
    draft = tickets.Draft(kind="repair", words=[parsed.text], description=parsed.text)
    draft.attachment_ids = list(attachment_ids or [])
    _fill(turn, draft, parsed, awaiting=None)
    return _advance(turn, draft, {})


def start_empty(turn: Turn, attachment_ids: list[int] | None = None, location: dict | None = None) -> str:
    """The resident chose 报修 from the menu (or sent a photo or a location): ask what is broken."""
    draft = tickets.Draft(kind="repair", attachment_ids=list(attachment_ids or []), location=location)
    return _ask(turn, draft, {"awaiting": "description", "tries": 0}, "description")


def resume(turn: Turn, slots: dict, parsed: Parsed) -> str:
    """The next message of a repair conversation."""
    draft = tickets.Draft.from_slots(slots)
    awaiting = slots.get("awaiting")
    draft.words.append(parsed.text)
    if awaiting == "confirm_address" and parsed.intent in ("affirm", "deny") and not parsed.has_address:
        if parsed.intent == "affirm":
            turn.resident.address_confirmed = True
            draft.building, draft.unit, draft.room = residents.address_of(turn)
        else:
            slots = {**slots, "declined_stored": True}
            return _ask(turn, draft, {**slots, "tries": 0}, "address")
        return _advance(turn, draft, slots)
    filled = _fill(turn, draft, parsed, awaiting)
    if awaiting == "description" and not draft.description:
        draft.description = parsed.text
        filled = True
    if not filled:
        tries = slots.get("tries", 0) + 1
        if tries < MAX_TRIES:
            return _ask(turn, draft, {**slots, "tries": tries}, awaiting, again=True)
        slots = {**slots, "given_up": sorted({*slots.get("given_up", []), awaiting})}
    return _advance(turn, draft, slots)


def _fill(turn: Turn, draft: tickets.Draft, parsed: Parsed, awaiting: str | None) -> bool:
    """Take whatever the message gives; True when it answered what was asked."""
    answered = False
    building, unit, room = parsed.first("building"), parsed.first("unit"), parsed.first("room")
    if building or room:
        if building:
            draft.building, draft.unit = building, unit or (draft.unit if draft.building == building else None)
        elif unit:
            draft.unit = unit
        if room:
            draft.room = room
        answered |= awaiting in ("address", "confirm_address")
    if parsed.first("phone"):
        draft.phone = parsed.first("phone")
        answered |= awaiting == "phone"
    if parsed.first("category") and not draft.category:
        draft.category = parsed.first("category")
        answered |= awaiting == "description"
    draft.urgent = draft.urgent or parsed.urgent
    if awaiting == "time" or awaiting is None:
        preference = parse_time(parsed.text, turn.desk.local(turn.now))
        # In the first message a time of day may say when the fault began (昨晚开始漏水): only
        # "whenever" or a time next to a visit word (明天上午来, 下午在家) is a visit time.
        if preference is not None and awaiting is None and not (preference.anytime or
                                                                 _VISIT_CUE.search(fold(parsed.text))):
            preference = None
        if preference is not None:
            draft.preferred_time = preference.text if preference.at is None else _when(turn, preference.at)
            draft.agreed_at = turn.desk.to_utc(preference.at) if preference.at else None
            answered |= awaiting == "time"
    residents.learn(turn, parsed)
    return answered


def _when(turn: Turn, local_moment) -> str:
    return turn.local_text(turn.desk.to_utc(local_moment))


def _needs_room(draft: tickets.Draft) -> bool:
    return draft.category not in PUBLIC_CATEGORIES and draft.location is None


def _advance(turn: Turn, draft: tickets.Draft, slots: dict) -> str:
    """Ask for the next missing thing, or open the ticket (or join an open one)."""
    given_up = set(slots.get("given_up", []))
    # A second report of an open problem is settled before any question is asked.
    repeat = tickets.find_repeat(turn, draft)
    if repeat is not None:
        return _finish_repeat(turn, repeat, draft)
    if not draft.description and "description" not in given_up:
        return _ask(turn, draft, slots, "description")
    has_place = draft.location or (draft.building and (draft.room or not _needs_room(draft)))
    if not has_place and "address" not in given_up:
        stored = residents.address_of(turn)
        if stored[0] and stored[2] and not slots.get("declined_stored") and not draft.building:
            if turn.resident.address_confirmed:
                draft.building, draft.unit, draft.room = stored
            else:
                return _ask(turn, draft, slots, "confirm_address")
        else:
            return _ask(turn, draft, slots, "address")
    if not (draft.phone or turn.resident.phone) and "phone" not in given_up:
        return _ask(turn, draft, slots, "phone")
    if not draft.urgent and not draft.preferred_time and "time" not in given_up:
        return _ask(turn, draft, slots, "time")
    return _open(turn, draft, given_up)


def add_attachment(turn: Turn, slots: dict, attachment_id: int, location: dict | None = None) -> str:
    """A photo or a location sent in the middle of the conversation; the conversation goes on."""
    draft = tickets.Draft.from_slots(slots)
    draft.attachment_ids.append(attachment_id)
    if location is not None:
        draft.location = location
    return _advance(turn, draft, slots)


def reask(turn: Turn, slots: dict) -> str:
    """The question the conversation waits on, asked again (after an interleaved answer)."""
    return _question(turn, tickets.Draft.from_slots(slots), slots.get("awaiting") or "description")


def _ask(turn: Turn, draft: tickets.Draft, slots: dict, what: str, again: bool = False) -> str:
    keep = {k: slots[k] for k in ("given_up", "declined_stored") if k in slots}
    tries = slots.get("tries", 0) if slots.get("awaiting") == what else 0
    queries.save_conversation(turn.session, turn.resident.id, STATE,
                              {**draft.to_slots(), **keep, "awaiting": what, "tries": tries},
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return _question(turn, draft, what, again)


def _question(turn: Turn, draft: tickets.Draft, what: str, again: bool = False) -> str:
    if what == "confirm_address":
        return replies.confirm_address(replies.address_text(*residents.address_of(turn)))
    if what == "address":
        if again:
            return replies.ASK_ADDRESS_AGAIN
        return replies.ASK_PUBLIC_PLACE if not _needs_room(draft) else replies.ASK_ADDRESS
    questions = {"description": (replies.ASK_DESCRIPTION, replies.ASK_DESCRIPTION),
                 "phone": (replies.ASK_PHONE, replies.ASK_PHONE_AGAIN),
                 "time": (replies.ASK_TIME, replies.ASK_TIME_AGAIN)}
    return questions[what][1 if again else 0]


def _open(turn: Turn, draft: tickets.Draft, given_up: set[str]) -> str:
    queries.clear_conversation(turn.session, turn.resident.id)
    if not draft.phone:
        draft.phone = turn.resident.phone
    words = " ".join(draft.words)
    outage = incidents.known(turn, words, draft.place)
    if outage is not None:  # an incident opened while we asked: the household joins it instead
        return outage
    ticket = tickets.open_ticket(turn, draft)
    outage = incidents.signal(turn, words, draft.place, ticket)
    if outage is not None:  # this report made it an incident: the ticket is attached to it
        return outage
    if given_up:
        queries.add_event(turn.session, ticket, "system", "needs_phone_call", turn.now,
                          {"missing": sorted(given_up), "reason": "resident could not give them in chat"})
    tip = replies.SAFETY_TIPS.get(draft.category or "") if draft.urgent else None
    if draft.urgent and tip is None and re.search(r"煤气|燃气|天然气", fold(" ".join(draft.words))):
        tip = replies.SAFETY_TIPS["gas"]
    return replies.repair_created(ticket.code, ticket.urgent, turn.local_text(ticket.due_at),
                                  replies.address_text(ticket.building, ticket.unit, ticket.room),
                                  ticket.category, draft.preferred_time if draft.agreed_at else None, tip)


def _finish_repeat(turn: Turn, ticket, draft: tickets.Draft) -> str:
    queries.clear_conversation(turn.session, turn.resident.id)
    tickets.join_repeat(turn, ticket, draft)
    return replies.repeat_report(ticket.code, ticket.kind)


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
    ticket.preferred_time = _when(turn, preference.at)
    ticket.due_at = deadlines.promised(turn.desk, "repair", False, turn.now, agreed)
    ticket.updated_at = turn.now
    queries.add_event(turn.session, ticket, turn.actor, "time_changed", turn.now,
                      {"preferred_time": ticket.preferred_time, "words": parsed.text})
    show_card(turn, ticket)
    deadlines.plan(turn, ticket)
    return f"好的，已将工单 {ticket.code} 的上门时间改为{ticket.preferred_time}，师傅会按新的时间上门。谢谢您的配合！"
