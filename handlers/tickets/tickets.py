"""Opening tickets and joining repeat reports to them. Every change is a ticket event."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta

from nlu.text import fold, is_cjk
from storage import queries
from storage.models import DEFAULT_ESTATE_ID, Ticket

from .. import jobs
from ..desk import Turn
from . import deadlines, escalation
from .cards import show_card

CODE_PREFIX = {"repair": "BX", "complaint": "TS", "inquiry": "ZX"}
# Complaints about how people serve residents go to the manager (seed 001: 逐级上报至项目经理).
SERVICE_QUALITY = frozenset({"service", "security", "sanitation"})


@dataclass
class Draft:
    """What is known about a request before it becomes a ticket."""
    kind: str
    description: str = ""
    estate_id: int | None = None           # None until known: the default estate
    house_id: int | None = None            # the roster's house, when the address was checked
    public_area: str | None = None         # a shared place (电梯, 北门): no house needed
    words: list[str] = field(default_factory=list)
    category: str | None = None
    urgent: bool = False
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    phone: str | None = None
    name: str | None = None
    preferred_time: str | None = None
    agreed_at: datetime | None = None      # naive UTC
    location: dict | None = None
    attachment_ids: list[int] = field(default_factory=list)
    for_manager: bool = False
    secondary: str | None = None           # the NLU's secondary intent, kept on the ticket as an event

    @property
    def place(self) -> tuple[str | None, str | None, str | None]:
        return self.building, self.unit, self.room

    def to_slots(self) -> dict:
        """JSON-friendly form for the conversation state."""
        slots = asdict(self)
        slots["agreed_at"] = self.agreed_at.isoformat() if self.agreed_at else None
        return slots

    @classmethod
    def from_slots(cls, slots: dict) -> "Draft":
        """Rebuild a draft saved by to_slots (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in slots.items() if k in known}
        if values.get("agreed_at"):
            values["agreed_at"] = datetime.fromisoformat(values["agreed_at"])
        return cls(**values)


def due_at(turn: Turn, draft: Draft) -> datetime:
    """When the desk must have acted: arrival for repairs, a reply for complaints and inquiries."""
    return deadlines.promised(turn.desk, draft.kind, draft.urgent, turn.now, draft.agreed_at, draft.estate_id)


def open_ticket(turn: Turn, draft: Draft) -> Ticket:
    """Create the ticket, attach what the resident sent, record the event, notify staff after commit."""
    session, now = turn.session, turn.now
    day = turn.desk.local(now).strftime("%Y%m%d")
    prefix = CODE_PREFIX[draft.kind]
    code = f"{prefix}-{day}-{queries.next_code_number(session, prefix, day):04d}"
    ticket = queries.insert_ticket(
        session, code=code, kind=draft.kind, status="new", urgent=draft.urgent, category=draft.category,
        building=draft.building, unit=draft.unit, room=draft.room, estate_id=draft.estate_id or DEFAULT_ESTATE_ID,
        house_id=draft.house_id, public_area=draft.public_area,
        description=draft.description or (draft.words[0] if draft.words else ""),
        resident_words="\n".join(draft.words), preferred_time=draft.preferred_time,
        contact_phone=draft.phone or turn.resident.phone, contact_name=draft.name or turn.resident.name,
        location=draft.location, resident_id=turn.resident.id, for_manager=draft.for_manager,
        due_at=due_at(turn, draft), created_at=now, updated_at=now,
    )
    for attachment in queries.unattached(session, draft.attachment_ids):
        attachment.ticket = ticket
    queries.add_event(session, ticket, turn.actor, "created", now, {
        "kind": draft.kind, "urgent": draft.urgent, "category": draft.category, "words": draft.words,
        "preferred_time": draft.preferred_time, "due_at": ticket.due_at.isoformat(timespec="minutes"),
    })
    show_card(turn, ticket)
    _keep_secondary(turn, ticket, draft)
    if draft.for_manager:
        queries.add_event(session, ticket, "system", "marked_for_manager", now, {"reason": "service quality"})
        escalation.raise_alert(turn, ticket, "service_quality", level=1)
    # Timers are planned by the worker, off the resident's 5-second path; a lost job is made good
    # when a worker starts (deadlines.restore plans every open ticket that has no timers).
    turn.later(jobs.PLAN_TICKET, ticket.id)
    return ticket


def _keep_secondary(turn: Turn, ticket: Ticket, draft: Draft) -> None:
    """Record a second intent; a repair that also complains about how it was handled ("三天了还没人来修，
    物业到底管不管") escalates to the supervisors as a repeat report does."""
    if not draft.secondary or draft.secondary == draft.kind:
        return
    queries.add_event(turn.session, ticket, "system", "secondary_intent", turn.now, {"intent": draft.secondary})
    if draft.kind == "repair" and draft.secondary == "complaint":
        escalation.raise_alert(turn, ticket, "handling_complaint", level=1, detail={"words": draft.words})


_DETAILS = ("building", "unit", "room", "category", "location")


def add_details(turn: Turn, ticket: Ticket, draft: Draft, said: list[str]) -> list[str]:
    """What a resident tells after their urgent ticket was opened: added to it and its card (edited in
    place). Returns the names of the fields that changed."""
    changed = [name for name in _DETAILS if getattr(draft, name) and getattr(draft, name) != getattr(ticket, name)]
    for name in changed:
        setattr(ticket, name, getattr(draft, name))
    phone = draft.phone or turn.resident.phone
    if phone and phone != ticket.contact_phone:
        ticket.contact_phone = phone
        changed.append("phone")
    if said:
        ticket.resident_words = "\n".join(filter(None, [ticket.resident_words, *said]))
    attached = queries.unattached(turn.session, draft.attachment_ids)
    for attachment in attached:
        attachment.ticket = ticket
    if not (changed or said or attached):
        return []
    ticket.updated_at = turn.now
    # The fields by name only: the words are kept (masked wherever shown), the number itself is not repeated.
    queries.add_event(turn.session, ticket, turn.actor, "details_added", turn.now,
                      {"fields": changed, "words": said})
    show_card(turn, ticket)
    return changed


def find_repeat(turn: Turn, draft: Draft) -> Ticket | None:
    """An open ticket of this resident about the same problem, within REPEAT_WINDOW_DAYS."""
    since = queries.window_start(turn.now, turn.desk.config["REPEAT_WINDOW_DAYS"])
    for ticket in queries.repeat_candidates(turn.session, turn.resident.id, draft.kind, since):
        if same_problem(ticket, draft):
            return ticket
    return None


# 又 / 还是 / 还在 / 再次: the resident says it is the same thing again.
_AGAIN = re.compile(r"又|还是|还在|再次|第[二三四五2-5]次|依然|仍然|照样|一直没(修|好|人)")


def same_problem(ticket: Ticket, draft: Draft) -> bool:
    """Same category and either said to be "again" or described in similar words; without a
    category on both sides, the same place."""
    if draft.category and ticket.category:
        if draft.category != ticket.category:
            return False
        words = fold(" ".join(draft.words))
        return bool(_AGAIN.search(words)) or _overlap(words, fold(ticket.resident_words)) >= 0.3
    return any(draft.place) and (ticket.building, ticket.unit, ticket.room) == draft.place


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if is_cjk(ch)]
    return {a + b for a, b in zip(chars, chars[1:])}


def _overlap(a: str, b: str) -> float:
    """Share of the shorter text's character pairs found in the other (0..1)."""
    first, second = _bigrams(a), _bigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def join_repeat(turn: Turn, ticket: Ticket, draft: Draft) -> Ticket:
    """A second report of an open problem: no new ticket; the words join it and it is escalated.

    A finished repair reported again is still broken, so it is reopened.
    """
    session, now = turn.session, turn.now
    ticket.repeat_count += 1
    ticket.escalation_reason = f"住户第{ticket.repeat_count + 1}次反映同一问题"
    ticket.resident_words = "\n".join(filter(None, [ticket.resident_words, *draft.words]))
    if draft.urgent and not ticket.urgent:
        ticket.urgent = True
        queries.add_event(session, ticket, "system", "made_urgent", now, {"reason": "repeat report is urgent"})
    if ticket.status == "done":
        reopen(turn, ticket, turn.actor, "reported again after done")
    for attachment in queries.unattached(session, draft.attachment_ids):
        attachment.ticket = ticket
    ticket.updated_at = now
    queries.add_event(session, ticket, turn.actor, "repeat_report", now, {"words": draft.words})
    escalation.raise_alert(turn, ticket, "repeat_report", level=1, dedup=f"{ticket.id}:repeat:{ticket.repeat_count}",
                           detail={"words": draft.words})
    show_card(turn, ticket)
    deadlines.plan(turn, ticket)
    return ticket


def reopen(work, ticket: Ticket, actor: str, reason: str) -> None:
    """Back to work: a finished ticket that is not fixed, with fresh deadlines from now."""
    ticket.status, ticket.reopened_at, ticket.updated_at = "reopened", work.now, work.now
    ticket.closed_at = None
    ticket.due_at = deadlines.promised(work.desk, ticket.kind, ticket.urgent, work.now, estate_id=ticket.estate_id)
    queries.add_event(work.session, ticket, actor, "reopened", work.now, {"reason": reason})


def needs_phone_call(turn: Turn, ticket: Ticket, given_up: set[str]) -> None:
    """What the resident could not give in chat: the desk settles it by phone."""
    queries.add_event(turn.session, ticket, "system", "needs_phone_call", turn.now,
                      {"missing": sorted(given_up), "reason": "resident could not give them in chat"})
