"""The console's ticket queries: the filtered list every figure links to, one ticket with its
history, the live state of the desk. They take a session and never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from . import console_metrics
from .binding_models import CampaignContact
from .console_metrics import OPEN_STATUSES, in_estates
from .models import EtiquetteViolation, Ticket

NONE = "-"   # a filter value meaning "not set" (no building, nobody assigned)


@dataclass(frozen=True)
class TicketQuery:
    """Which tickets to list; every field is optional. Times are naive UTC."""
    estate_ids: frozenset[int] | None = None
    statuses: tuple[str, ...] = ()
    kind: str | None = None
    category: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    staff_id: int | str | None = None        # an assignee id, or NONE for unassigned
    urgent: bool | None = None
    breached: bool | None = None
    escalated: bool | None = None
    overdue_at: datetime | None = None       # open and past due at this moment (or marked breached)
    metric: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    code: str | None = None
    phone_tail: str | None = None
    ids: tuple[int, ...] | None = None       # e.g. the tickets of a deadline bucket
    campaign_ids: tuple[int, ...] | None = None  # the tickets raised in these campaigns (回访 answers, calls)


def _equal_or_none(column, value) -> ColumnElement[bool]:
    return column.is_(None) if value == NONE else column == value


def _phone_tail(tail: str, dialect: str) -> ColumnElement[bool]:
    column = Ticket.__table__.c.contact_phone
    # PostgreSQL has an index on right(contact_phone, 4); LIKE '%1234' could not use any index.
    return func.right(column, 4) == tail if dialect == "postgresql" else column.like(f"%{tail}")


def conditions(query: TicketQuery, dialect: str = "sqlite") -> list[ColumnElement[bool]]:
    """The WHERE conditions of a query, for the list and its count."""
    t = Ticket.__table__.c
    found = [in_estates(query.estate_ids)]
    simple = {"kind": t.kind, "category": t.category, "building": t.building, "unit": t.unit, "room": t.room}
    found += [_equal_or_none(column, getattr(query, name)) for name, column in simple.items()
              if getattr(query, name) is not None]
    if query.staff_id is not None:
        found.append(_equal_or_none(t.assignee_id, query.staff_id))
    for name in ("urgent", "breached", "escalated"):
        if getattr(query, name) is not None:
            found.append(getattr(t, name) == (true() if getattr(query, name) else false()))
    if query.statuses:
        found.append(t.status.in_(query.statuses))
    if query.overdue_at is not None:
        found.append(and_(t.status.in_(OPEN_STATUSES), or_(t.breached.is_(True), t.due_at < query.overdue_at)))
    if query.metric:
        found.append(console_metrics.condition(query.metric))
    if query.created_from is not None:
        found.append(t.created_at >= query.created_from)
    if query.created_to is not None:
        found.append(t.created_at < query.created_to)
    if query.code:
        found.append(t.code == query.code)
    if query.phone_tail:
        found.append(_phone_tail(query.phone_tail, dialect))
    if query.ids is not None:
        found.append(t.id.in_(query.ids) if query.ids else t.id.is_(None))
    if query.campaign_ids is not None:
        raised = select(CampaignContact.ticket_id).where(CampaignContact.campaign_id.in_(query.campaign_ids),
                                                         CampaignContact.ticket_id.is_not(None))
        found.append(t.id.in_(raised) if query.campaign_ids else t.id.is_(None))
    return found


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def list_tickets(session: Session, query: TicketQuery, offset: int, limit: int) -> tuple[list[Ticket], int]:
    """One page of matching tickets, newest first, and how many match in all."""
    where = conditions(query, _dialect(session))
    total = session.scalar(select(func.count()).select_from(Ticket).where(*where))
    page = session.scalars(select(Ticket).where(*where).options(selectinload(Ticket.assignee))
                           .order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset(offset).limit(limit))
    return list(page), int(total or 0)


def iter_tickets(session: Session, query: TicketQuery, limit: int):
    """Matching tickets for an export, newest first, at most `limit`, read in batches."""
    statement = (select(Ticket).where(*conditions(query, _dialect(session))).options(selectinload(Ticket.assignee))
                 .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
                 .execution_options(yield_per=1000))
    yield from session.scalars(statement)


def ticket_with_history(session: Session, ticket_id: int) -> Ticket | None:
    """One ticket with its events, attachments and assignee loaded."""
    return session.scalars(select(Ticket).where(Ticket.id == ticket_id).options(
        selectinload(Ticket.events), selectinload(Ticket.attachments), selectinload(Ticket.assignee))).one_or_none()


def violations_of(session: Session, ticket_id: int) -> list[EtiquetteViolation]:
    """The etiquette stops on one ticket."""
    return list(session.scalars(select(EtiquetteViolation).where(EtiquetteViolation.ticket_id == ticket_id)
                                .order_by(EtiquetteViolation.id)))


def open_deadlines(session: Session, estate_ids: frozenset[int] | None) -> list[tuple]:
    """(id, created_at, reopened_at, due_at, breached) of every open ticket in scope."""
    t = Ticket.__table__.c
    return list(session.execute(select(t.id, t.created_at, t.reopened_at, t.due_at, t.breached)
                                .where(t.status.in_(OPEN_STATUSES), in_estates(estate_ids))).all())


def count(session: Session, query: TicketQuery) -> int:
    """How many tickets match."""
    return int(session.scalar(select(func.count()).select_from(Ticket).where(*conditions(query, _dialect(session))))
               or 0)


def count_by_kind(session: Session, query: TicketQuery) -> dict[str, int]:
    """How many tickets match, per kind."""
    t = Ticket.__table__.c
    rows = session.execute(select(t.kind, func.count()).where(*conditions(query, _dialect(session))).group_by(t.kind))
    return {kind: int(n) for kind, n in rows}


def recurring_addresses(session: Session, query: TicketQuery, at_least: int, limit: int) -> list[tuple]:
    """(building, unit, room, tickets) of the houses with `at_least` matching tickets, most first."""
    t = Ticket.__table__.c
    where = [*conditions(query, _dialect(session)), t.building.is_not(None), t.room.is_not(None)]
    n = func.count().label("n")
    rows = session.execute(select(t.building, t.unit, t.room, n).where(*where)
                           .group_by(t.building, t.unit, t.room).having(func.count() >= at_least)
                           .order_by(n.desc(), t.building, t.unit, t.room).limit(limit))
    return [tuple(row) for row in rows]


def violations_by_staff(session: Session, start: datetime, end: datetime) -> dict[int | None, int]:
    """Etiquette stops per member of staff in [start, end) (one reply with two phrases counts once)."""
    v = EtiquetteViolation.__table__.c
    replies = select(v.staff_id, v.ticket_id, v.text).where(v.at >= start, v.at < end).distinct().subquery()
    rows = session.execute(select(replies.c.staff_id, func.count()).group_by(replies.c.staff_id))
    return {staff_id: int(n) for staff_id, n in rows}


def phone_of(session: Session, ticket: Ticket) -> str | None:
    """The full contact phone of a ticket (the resident's own when the ticket has none)."""
    return ticket.contact_phone or (ticket.resident.phone if ticket.resident else None)

