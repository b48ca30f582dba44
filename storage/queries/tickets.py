"""Tickets: numbering, writing, their events, and the ways the desk looks them up."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..models import OPEN_STATUSES, UNCONFIRMED_STATUSES, CodeCounter, PhoneTask, Ticket, TicketEvent, Timer
from ._sql import adopt, per_dialect, run


def next_code_number(session: Session, prefix: str, day: str) -> int:
    """The next number for a ticket code of this prefix and day, atomically."""
    return run(session, _next_code_number(session), {"prefix": prefix, "day": day}).scalar_one()


@per_dialect
def _next_code_number(dialect_insert):
    table = CodeCounter.__table__
    statement = dialect_insert(table).values(prefix=bindparam("prefix"), day=bindparam("day"), value=1)
    statement = statement.on_conflict_do_update(index_elements=["prefix", "day"], set_={"value": table.c.value + 1})
    return statement.returning(table.c.value)


_INSERT_TICKET = insert(Ticket.__table__).returning(Ticket.__table__.c.id)
_NO_TICKET_VALUES = {column.key: None for column in Ticket.__table__.c}  # no server-side defaults


def insert_ticket(session: Session, **values) -> Ticket:
    """Write a new ticket at once (its id is needed for events and jobs) and return it as an ORM
    object; columns not given take the model's defaults.

    Only the id comes back: the rest is what was inserted, defaults included (RETURNING all 40
    columns cost more than the INSERT itself, in describing the result)."""
    result = run(session, _INSERT_TICKET, values)
    inserted = result.last_inserted_params()
    return adopt(session, Ticket, {**_NO_TICKET_VALUES, **inserted, "id": result.scalar_one()})


_ADD_EVENT = insert(TicketEvent.__table__)


def add_event(session: Session, ticket: Ticket, actor: str, action: str, at: datetime,
              detail: dict | None = None) -> None:
    """Record one step of a ticket: who did what, when."""
    if ticket.id is None:
        session.flush()  # a ticket created in this transaction gets its id
    run(session, _ADD_EVENT, {"ticket_id": ticket.id, "actor": actor, "action": action, "at": at, "detail": detail})


def add_phone_task(session: Session, ticket_id: int, reason: str, detail: str | None, now: datetime) -> None:
    """Something the desk must do by phone (电话回访, a reply WeChat would not deliver)."""
    session.add(PhoneTask(ticket_id=ticket_id, reason=reason, detail=detail, created_at=now))


def ticket(session: Session, ticket_id: int | None, lock: bool = False) -> Ticket | None:
    """A ticket by id (locked for this transaction with `lock`)."""
    if ticket_id is None:
        return None
    if not lock:
        return session.get(Ticket, ticket_id)
    return session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()


def ticket_by_code(session: Session, code: str) -> Ticket | None:
    """A ticket by its code (BX-20261122-0001)."""
    return session.scalars(select(Ticket).where(Ticket.code == code)).one_or_none()


def ticket_by_card(session: Session, chat_id: int, card_ref) -> Ticket | None:
    """The ticket whose card is this message of a staff chat."""
    return session.scalars(select(Ticket).where(Ticket.staff_chat_id == chat_id,
                                                Ticket.card_message_id == card_ref)).one_or_none()


def accept(session: Session, ticket_id: int, staff_id: int, now: datetime) -> bool:
    """Give a new or reopened ticket to a member of staff; False when someone else was first.

    One conditional UPDATE decides between two people accepting at the same moment."""
    return session.execute(update(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(("new", "reopened")))
                           .values(status="accepted", assignee_id=staff_id, accepted_at=now, updated_at=now)
                           .returning(Ticket.id)).scalar_one_or_none() is not None


def open_tickets(session: Session, resident_id: int, statuses=UNCONFIRMED_STATUSES) -> list[Ticket]:
    """A resident's tickets that are not closed, newest first."""
    return list(session.scalars(select(Ticket).where(Ticket.resident_id == resident_id,
                                                     Ticket.status.in_(statuses))
                                .order_by(Ticket.created_at.desc(), Ticket.id.desc())))


def unfinished(session: Session, assignee_id: int | None = None, limit: int = 200) -> list[Ticket]:
    """Open tickets (of one assignee), urgent first, then by due time."""
    query = select(Ticket).where(Ticket.status.in_(OPEN_STATUSES)).order_by(Ticket.urgent.desc(), Ticket.due_at)
    if assignee_id is not None:
        query = query.where(Ticket.assignee_id == assignee_id)
    return list(session.scalars(query.limit(limit)))


def every_ticket(session: Session) -> list[Ticket]:
    """All tickets, oldest first (a demo's or a small report's whole list)."""
    return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def unplanned(session: Session) -> list[Ticket]:
    """Unfinished tickets without any timer (their planning job was lost)."""
    return list(session.scalars(select(Ticket).where(
        Ticket.status.in_(UNCONFIRMED_STATUSES), ~select(Timer.id).where(Timer.ticket_id == Ticket.id).exists())))


_TICKETS = Ticket.__table__
_REPEAT_CANDIDATES = select(_TICKETS).where(
    _TICKETS.c.resident_id == bindparam("resident_id"), _TICKETS.c.kind == bindparam("kind"),
    _TICKETS.c.status.in_(UNCONFIRMED_STATUSES), _TICKETS.c.created_at >= bindparam("since"),
).order_by(_TICKETS.c.created_at.desc(), _TICKETS.c.id.desc())


def repeat_candidates(session: Session, resident_id: int, kind: str, since: datetime) -> list[Ticket]:
    """A resident's unfinished tickets of one kind reported after `since`, newest first."""
    session.flush()  # what this transaction changed counts (a table-level query does not autoflush)
    rows = run(session, _REPEAT_CANDIDATES, {"resident_id": resident_id, "kind": kind, "since": since})
    return [adopt(session, Ticket, row) for row in rows]


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


def window_start(now: datetime, days: int) -> datetime:
    """The start of a look-back window of `days` days."""
    return now - timedelta(days=days)
