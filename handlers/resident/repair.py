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
from storage.models import OPEN_STATUSES

from ..desk import Turn
from ..incidents import intake as incidents
from ..tickets import tickets
from . import houses, places, replies, residents
from .parsed import Parsed
from .timeparse import parse as parse_time

STATE = "repair"
MAX_TRIES = 2
# Faults of shared facilities need a building or a place, not a flat.
PUBLIC_CATEGORIES = frozenset({"lift", "public_facility", "door_access", "greening"})
_VISIT_CUE = re.compile(r"来|上门|在家|方便|有空|有人")


def start(turn: Turn, parsed: Parsed, attachment_ids: list[int] | None = None) -> str:
    """A new repair request from a message."""
    draft = tickets.Draft(kind="repair", words=[parsed.text], description=parsed.text, secondary=parsed.secondary)
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
    if awaiting == "house" and not (draft.building or draft.room):
        filled = houses.pick_for_repair(turn, draft, parsed)
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
    if parsed.estate_id and parsed.estate_id != draft.estate_id:
        draft.estate_id, draft.house_id = parsed.estate_id, None
        answered |= awaiting == "estate"
    building, unit, room = parsed.first("building"), parsed.first("unit"), parsed.first("room")
    if building or room:
        if building:
            draft.building, draft.unit = building, unit or (draft.unit if draft.building == building else None)
        elif unit:
            draft.unit = unit
        if room:
            draft.room = room
        answered |= awaiting in ("address", "confirm_address", "house")
    elif unit and awaiting == "address" and draft.building:  # "2单元" answering which unit
        draft.unit, answered = unit, True
    if draft.public_area is None and draft.location is None:
        draft.public_area = places.public_area(turn, draft.estate_id, parsed.text)
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
            draft.agreed_at = turn.desk.to_utc(preference.at) if preference.at else None
            draft.preferred_time = turn.local_text(draft.agreed_at) if draft.agreed_at else preference.text
            answered |= awaiting == "time"
    residents.learn(turn, parsed)
    return answered


def _needs_room(draft: tickets.Draft) -> bool:
    return draft.category not in PUBLIC_CATEGORIES and draft.location is None and draft.public_area is None


def _has_place(draft: tickets.Draft) -> bool:
    """A location, a public area that needs no building, or an address complete enough for the fault."""
    if draft.location or (draft.public_area and not places.needs_building(draft.public_area)):
        return True
    return bool(draft.building and (draft.room or not _needs_room(draft)))


def _advance(turn: Turn, draft: tickets.Draft, slots: dict) -> str:
    """Ask for the next missing thing, or open the ticket (or join an open one). An urgent repair opens
    its ticket at once with whatever is known, and what is missing is asked afterwards (急修: someone
    must be on the way while the resident is still typing)."""
    given_up = set(slots.get("given_up", []))
    if slots.get("ticket_id"):
        _roster(turn, draft, given_up)  # an address that does not exist is asked for again
        return _complete_urgent(turn, draft, slots, _missing(turn, draft, slots, given_up))
    # A second report of an open problem is settled before any question is asked.
    repeat = tickets.find_repeat(turn, draft)
    if repeat is not None:
        queries.clear_conversation(turn.session, turn.resident.id)
        tickets.join_repeat(turn, repeat, draft)
        return replies.repeat_report(repeat.code, repeat.kind)
    if not draft.description and "description" not in given_up:
        return _ask(turn, draft, slots, "description")
    if not _has_place(draft) and not draft.building and not {"address", "house"} & given_up:
        # A bound house needs no question (nor its estate); with several the resident is asked once which.
        if houses.fill_repair(turn, draft) == houses.SEVERAL and not draft.urgent:
            return _ask(turn, draft, slots, "house")
    draft.estate_id = places.estate_of(turn, draft.estate_id)
    if draft.estate_id is None and "estate" not in given_up and not draft.urgent:
        return _ask(turn, draft, slots, "estate", text=places.ask_estate(turn))
    question = _roster(turn, draft, given_up)
    missing = _missing(turn, draft, slots, given_up)
    if draft.urgent:
        return _open_urgent(turn, draft, slots, missing, given_up)
    if question is not None:
        return _not_in_roster(turn, draft, slots, question)
    if missing:
        return _ask(turn, draft, slots, missing)
    if not draft.preferred_time and "time" not in given_up:
        return _ask(turn, draft, slots, "time")
    return _open(turn, draft, given_up)


def _roster(turn: Turn, draft: tickets.Draft, given_up: set[str]) -> str | None:
    """The polite question when the address is not a house of the estate's roster (what does not exist
    is taken off the draft); None when it can stand."""
    return None if "address" in given_up or draft.location else places.check(turn, draft, _needs_room(draft))


def _missing(turn: Turn, draft: tickets.Draft, slots: dict, given_up: set[str]) -> str | None:
    """The place or the phone still to ask for (a confirmed stored address is taken as it is)."""
    if not _has_place(draft) and "address" not in given_up:
        stored = residents.address_of(turn)
        same_estate = turn.resident.estate_id in (None, draft.estate_id)  # not an address in another estate
        if stored[0] and stored[2] and same_estate and not slots.get("declined_stored") and not draft.building:
            if not turn.resident.address_confirmed:
                return "confirm_address"
            draft.building, draft.unit, draft.room = stored
        else:
            return "address"
    if not (draft.phone or turn.resident.phone) and "phone" not in given_up:
        return "phone"
    return None


def add_attachment(turn: Turn, slots: dict, attachment_id: int, location: dict | None = None) -> str:
    """A photo or a location sent in the middle of the conversation; the conversation goes on."""
    draft = tickets.Draft.from_slots(slots)
    draft.attachment_ids.append(attachment_id)
    if location is not None:
        draft.location = location
    return _advance(turn, draft, slots)


def reask(turn: Turn, slots: dict) -> str:
    """The question the conversation waits on, asked again (after an interleaved answer)."""
    return slots.get("question") or _question(turn, tickets.Draft.from_slots(slots), slots.get("awaiting") or "description")


def _not_in_roster(turn: Turn, draft: tickets.Draft, slots: dict, question: str) -> str:
    """The address is not a house of the estate: ask about it politely, twice at most; then the desk
    settles it by phone, and the ticket carries only what exists."""
    tries = slots.get("roster_tries", 0) + 1
    if tries > MAX_TRIES:
        return _advance(turn, draft, {**slots, "given_up": sorted({*slots.get("given_up", []), "address"})})
    return _ask(turn, draft, {**slots, "roster_tries": tries}, "address", text=question)


def _ask(turn: Turn, draft: tickets.Draft, slots: dict, what: str, again: bool = False, text: str | None = None) -> str:
    keep = {k: slots[k] for k in ("given_up", "declined_stored", "roster_tries", "ticket_id", "words_on_ticket")
            if k in slots}
    tries = slots.get("tries", 0) if slots.get("awaiting") == what else 0
    queries.save_conversation(turn.session, turn.resident.id, STATE,
                              {**draft.to_slots(), **keep, "awaiting": what, "tries": tries, "question": text},
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return text or _question(turn, draft, what, again)


def _question(turn: Turn, draft: tickets.Draft, what: str, again: bool = False) -> str:
    if what == "confirm_address":
        return replies.confirm_address(replies.address_text(*residents.address_of(turn)))
    if what == "house":
        return houses.which_house(turn, draft.estate_id, again)
    if what == "address":
        if again:
            return replies.ASK_ADDRESS_AGAIN
        return replies.ASK_PUBLIC_PLACE if not _needs_room(draft) else replies.ASK_ADDRESS
    if what == "estate":
        return places.ask_estate(turn)
    questions = {"description": (replies.ASK_DESCRIPTION, replies.ASK_DESCRIPTION),
                 "phone": (replies.ASK_PHONE, replies.ASK_PHONE_AGAIN),
                 "time": (replies.ASK_TIME, replies.ASK_TIME_AGAIN)}
    return questions[what][1 if again else 0]


def _open(turn: Turn, draft: tickets.Draft, given_up: set[str]) -> str:
    ticket, tip, outage = _create_or_join(turn, draft, given_up)
    if outage is not None:
        return outage
    return replies.repair_created(ticket.code, ticket.urgent, turn.local_text(ticket.due_at),
                                  replies.address_text(ticket.building, ticket.unit, ticket.room),
                                  ticket.category, draft.preferred_time if draft.agreed_at else None, tip)


def _create_or_join(turn: Turn, draft: tickets.Draft, given_up: set[str]):
    """(ticket, tip, None), or with the incident's answer last when it is an outage (known: no ticket)."""
    queries.clear_conversation(turn.session, turn.resident.id)
    words = " ".join(draft.words)
    if (outage := incidents.known(turn, words, draft.place, draft.estate_id)) is not None:  # opened while we asked: joined
        return None, None, outage
    ticket, tip = _create(turn, draft, given_up)
    return ticket, tip, incidents.signal(turn, words, draft.place, ticket.estate_id, ticket)


def _create(turn: Turn, draft: tickets.Draft, given_up: set[str]):
    """The ticket (its card and timers follow), and for urgent ones the safety advice to give."""
    queries.clear_conversation(turn.session, turn.resident.id)
    if not draft.phone:
        draft.phone = turn.resident.phone
    resident = turn.resident
    if resident.estate_id is None and (resident.building, resident.room) == (draft.building, draft.room):
        resident.estate_id = draft.estate_id  # the estate of the stored address, learnt once it was asked
    ticket = tickets.open_ticket(turn, draft)
    if given_up:
        tickets.needs_phone_call(turn, ticket, given_up)
    tip = replies.SAFETY_TIPS.get(draft.category or "") if draft.urgent else None
    if draft.urgent and tip is None and re.search(r"煤气|燃气|天然气", fold(" ".join(draft.words))):
        tip = replies.SAFETY_TIPS["gas"]
    return ticket, tip


def _open_urgent(turn: Turn, draft: tickets.Draft, slots: dict, missing: str | None, given_up: set[str]) -> str:
    """Urgent first: the ticket and its card now, help on the way and what to do meanwhile, then the
    question for what is still missing (each answer is added to the ticket and its card)."""
    ticket, tip, outage = _create_or_join(turn, draft, given_up)
    if outage is not None:  # an outage: the incident's answer says what is being done, nothing more to ask
        return outage
    told = replies.repair_created(ticket.code, True, turn.local_text(ticket.due_at),
                                  replies.address_text(ticket.building, ticket.unit, ticket.room),
                                  ticket.category, None, tip)
    if missing is None:
        return told
    state = {**slots, "ticket_id": ticket.id, "words_on_ticket": len(draft.words)}
    return f"{told}\n\n{replies.URGENT_STILL_NEEDED}{_ask(turn, draft, state, missing)}"


def _complete_urgent(turn: Turn, draft: tickets.Draft, slots: dict, missing: str | None) -> str:
    """An answer after an urgent ticket was opened: added to the ticket and its card, then the next question."""
    ticket = queries.ticket(turn.session, slots["ticket_id"], lock=True)
    if ticket is None or ticket.status not in OPEN_STATUSES:
        queries.clear_conversation(turn.session, turn.resident.id)
        return replies.THANKS
    tickets.add_details(turn, ticket, draft, draft.words[slots.get("words_on_ticket", len(draft.words)):])
    outage = incidents.placed(turn, ticket, " ".join(draft.words), draft.place) if draft.building else None
    if outage is not None:  # its place is an outage the desk knows (or now has enough reports of): joined
        queries.clear_conversation(turn.session, turn.resident.id)
        return outage
    if missing is not None:
        state = {**slots, "words_on_ticket": len(draft.words)}
        return f"{replies.urgent_details_added(ticket.code)}{_ask(turn, draft, state, missing)}"
    queries.clear_conversation(turn.session, turn.resident.id)
    if slots.get("given_up"):
        tickets.needs_phone_call(turn, ticket, set(slots["given_up"]))
    return replies.urgent_complete(ticket.code, replies.address_text(ticket.building, ticket.unit, ticket.room))
