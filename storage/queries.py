"""Small query functions the handlers use. They take a session and never commit."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Executable, bindparam, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from .models import (Alert, Attachment, CodeCounter, Conversation, InboundMessage, Resident, Ticket, TicketEvent)

OPEN_STATUSES = ("new", "accepted", "on_site", "reopened")
# A finished repair waits for the resident's follow-up; a new report of it means "still broken".
UNCONFIRMED_STATUSES = OPEN_STATUSES + ("done",)


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# The functions on the resident's 5-second path run table-level statements on the session's
# connection and adopt the rows they need as ORM objects: an ORM-enabled statement costs several
# times the CPU of the same SQL (measured in benchmarks/intake_load.py's notes in the README).

def _adopt(session: Session, model, row):
    """A row just read or written (a Row or a mapping of every column), as a clean persistent ORM
    object of this session (no query)."""
    values = row._mapping if hasattr(row, "_mapping") else row
    key = session.identity_key(model, tuple(values[column.key] for column in inspect(model).primary_key))
    found = session.identity_map.get(key)
    if found is not None:
        return found
    instance = model(**values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def _run(session: Session, statement, params: dict | None = None):
    return session.connection().execute(statement, params or {})


def _per_dialect(build: Callable) -> Callable[[Session], Executable]:
    """A dialect's INSERT ... ON CONFLICT statement with bind parameters, built once per dialect:
    building one per call, and its cache key, costs about twice as much CPU as executing it."""
    built: dict[str, Executable] = {}

    def statement(session: Session) -> Executable:
        dialect = session.get_bind().dialect.name
        if dialect not in built:
            built[dialect] = build(postgresql.insert if dialect == "postgresql" else sqlite.insert)
        return built[dialect]

    return statement


def _binds(*names: str) -> dict:
    return {name: bindparam(name) for name in names}


@_per_dialect
def _resident_contacted(dialect_insert):
    table = Resident.__table__
    statement = dialect_insert(table).values(openid=bindparam("openid"), created_at=bindparam("now"),
                                             updated_at=bindparam("now"), last_message_at=bindparam("now"),
                                             address_confirmed=False, active=True)
    return statement.on_conflict_do_update(index_elements=["openid"],
                                           set_={"last_message_at": bindparam("now")}).returning(*table.c)


def resident_contacted(session: Session, openid: str, now: datetime) -> Resident:
    """The resident with this openid, created on first contact, with last_message_at set to now.

    One statement whatever happens: safe when two messages of a new resident race.
    """
    row = _run(session, _resident_contacted(session), {"openid": openid, "now": now}).one()
    return _adopt(session, Resident, row)


@_per_dialect
def _record_inbound(dialect_insert):
    table = InboundMessage.__table__
    statement = dialect_insert(table).values(_binds("dedup_key", "openid", "msg_type", "content", "received_at",
                                                    "reply", "intent"))
    return statement.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)


def record_inbound(session: Session, dedup_key: str, *, openid: str, msg_type: str, content: str | None,
                   received_at: datetime, reply: str | None = None, intent: str | None = None) -> int | None:
    """Store an inbound message and return its id; None when the same key was stored before (a
    WeChat retry).

    The unique index decides, so two copies arriving at the same moment cannot both pass: the
    second waits for the first transaction and then finds the key taken.
    """
    return _run(session, _record_inbound(session), {
        "dedup_key": dedup_key, "openid": openid, "msg_type": msg_type, "content": content,
        "received_at": received_at, "reply": reply, "intent": intent}).scalar_one_or_none()


_SET_REPLY = (update(InboundMessage.__table__).where(InboundMessage.__table__.c.id == bindparam("message_id"))
              .values(reply=bindparam("reply"), intent=bindparam("intent")))


def store_reply(session: Session, message_id: int, reply: str | None, intent: str | None) -> None:
    """Keep the reply given to an inbound message, so a retry of it gets the same answer."""
    _run(session, _SET_REPLY, {"message_id": message_id, "reply": reply, "intent": intent})


def inbound_by_key(session: Session, dedup_key: str) -> InboundMessage | None:
    """The stored copy of an inbound message."""
    return session.scalars(select(InboundMessage).where(InboundMessage.dedup_key == dedup_key)).one_or_none()


def next_code_number(session: Session, prefix: str, day: str) -> int:
    """The next number for a ticket code of this prefix and day, atomically."""
    return _run(session, _next_code_number(session), {"prefix": prefix, "day": day}).scalar_one()


@_per_dialect
def _next_code_number(dialect_insert):
    table = CodeCounter.__table__
    statement = dialect_insert(table).values(prefix=bindparam("prefix"), day=bindparam("day"), value=1)
    statement = statement.on_conflict_do_update(index_elements=["prefix", "day"], set_={"value": table.c.value + 1})
    return statement.returning(table.c.value)


@_per_dialect
def _record_alert(dialect_insert):
    table = Alert.__table__
    statement = dialect_insert(table).values(_binds("dedup_key", "ticket_id", "staff_id", "reason", "level", "text",
                                                    "created_at"))
    return statement.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)


def record_alert(session: Session, dedup_key: str, *, ticket_id: int | None, staff_id: int | None, reason: str,
                 level: int, text: str, created_at: datetime) -> bool:
    """Keep an escalation under its key; False when that key was alerted before."""
    return _run(session, _record_alert(session), {
        "dedup_key": dedup_key, "ticket_id": ticket_id, "staff_id": staff_id, "reason": reason, "level": level,
        "text": text, "created_at": created_at}).scalar_one_or_none() is not None


_INSERT_TICKET = insert(Ticket.__table__).returning(Ticket.__table__.c.id)
_NO_TICKET_VALUES = {column.key: None for column in Ticket.__table__.c}  # no server-side defaults


def insert_ticket(session: Session, **values) -> Ticket:
    """Write a new ticket at once (its id is needed for events and jobs) and return it as an ORM
    object; columns not given take the model's defaults.

    Only the id comes back: the rest is what was inserted, defaults included (RETURNING all 40
    columns cost more than the INSERT itself, in describing the result)."""
    result = _run(session, _INSERT_TICKET, values)
    inserted = result.last_inserted_params()
    return _adopt(session, Ticket, {**_NO_TICKET_VALUES, **inserted, "id": result.scalar_one()})


_ADD_EVENT = insert(TicketEvent.__table__)


def add_event(session: Session, ticket: Ticket, actor: str, action: str, at: datetime,
              detail: dict | None = None) -> None:
    """Record one step of a ticket: who did what, when."""
    if ticket.id is None:
        session.flush()  # a ticket created in this transaction gets its id
    _run(session, _ADD_EVENT, {"ticket_id": ticket.id, "actor": actor, "action": action, "at": at, "detail": detail})


def open_tickets(session: Session, resident_id: int, statuses=UNCONFIRMED_STATUSES) -> list[Ticket]:
    """A resident's tickets that are not closed, newest first."""
    return list(session.scalars(select(Ticket).where(Ticket.resident_id == resident_id,
                                                     Ticket.status.in_(statuses))
                                .order_by(Ticket.created_at.desc(), Ticket.id.desc())))


_TICKETS = Ticket.__table__
_REPEAT_CANDIDATES = select(_TICKETS).where(
    _TICKETS.c.resident_id == bindparam("resident_id"), _TICKETS.c.kind == bindparam("kind"),
    _TICKETS.c.status.in_(UNCONFIRMED_STATUSES), _TICKETS.c.created_at >= bindparam("since"),
).order_by(_TICKETS.c.created_at.desc(), _TICKETS.c.id.desc())


def repeat_candidates(session: Session, resident_id: int, kind: str, since: datetime) -> list[Ticket]:
    """A resident's unfinished tickets of one kind reported after `since`, newest first."""
    session.flush()  # what this transaction changed counts (a table-level query does not autoflush)
    rows = _run(session, _REPEAT_CANDIDATES, {"resident_id": resident_id, "kind": kind, "since": since})
    return [_adopt(session, Ticket, row) for row in rows]


_ABSENT = "conversations known absent"


_CONVERSATION = select(Conversation.__table__).where(
    Conversation.__table__.c.resident_id == bindparam("resident_id")).with_for_update()


def conversation(session: Session, resident_id: int, now: datetime) -> Conversation | None:
    """The resident's conversation state unless it has expired (an expired one is removed)."""
    row = _run(session, _CONVERSATION, {"resident_id": resident_id}).one_or_none()
    state = None if row is None else _adopt(session, Conversation, row)
    if state is not None and state.expires_at <= now:
        session.delete(state)
        session.flush()
        state = None
    if state is None:
        session.info.setdefault(_ABSENT, set()).add(resident_id)
    return state


def save_conversation(session: Session, resident_id: int, state: str, slots: dict, expires_at: datetime) -> None:
    """Create or replace the resident's conversation state."""
    row = None if resident_id in session.info.get(_ABSENT, ()) else session.get(Conversation, resident_id)
    session.info.get(_ABSENT, set()).discard(resident_id)
    if row is None:
        session.add(Conversation(resident_id=resident_id, state=state, slots=slots, expires_at=expires_at))
    else:
        row.state, row.slots, row.expires_at = state, dict(slots), expires_at
    session.flush()


def clear_conversation(session: Session, resident_id: int) -> None:
    """Forget the resident's conversation state."""
    if resident_id in session.info.get(_ABSENT, ()):
        return
    row = session.get(Conversation, resident_id)
    if row is not None:
        session.delete(row)
        session.flush()


def unattached(session: Session, ids: list[int]) -> list[Attachment]:
    """Attachments by id that belong to no ticket yet."""
    if not ids:
        return []
    return list(session.scalars(select(Attachment).where(Attachment.id.in_(ids), Attachment.ticket_id.is_(None))))


def list_tickets(session: Session, *, status: str | None = None, kind: str | None = None,
                 urgent: bool | None = None, building: str | None = None, since: datetime | None = None,
                 page: int = 1, per_page: int = 50) -> tuple[list[Ticket], int]:
    """Tickets for the desk's console, newest first, with the total count for paging."""
    query = select(Ticket)
    if status:
        query = query.where(Ticket.status.in_(status.split(",")))
    if kind:
        query = query.where(Ticket.kind == kind)
    if urgent is not None:
        query = query.where(Ticket.urgent.is_(urgent))
    if building:
        query = query.where(Ticket.building == building)
    if since:
        query = query.where(Ticket.created_at >= since)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), int(total or 0)


def mark_inactive(session: Session, resident: Resident) -> None:
    """An unsubscribed resident: kept for history, no longer messaged."""
    session.execute(update(Resident).where(Resident.id == resident.id).values(active=False))


def window_start(now: datetime, days: int) -> datetime:
    """The start of a look-back window of `days` days."""
    return now - timedelta(days=days)
