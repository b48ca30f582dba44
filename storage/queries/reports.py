"""What the managers' figures are counted from, over a period of naive-UTC times [start, end)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OPEN_STATUSES, EtiquetteViolation, Staff, Ticket, TicketEvent


def _of(query, column, estate_ids: frozenset[int] | None):
    """Narrowed to some estates (None: the whole company)."""
    return query if estate_ids is None else query.where(column.in_(sorted(estate_ids)))


def created_between(session: Session, start: datetime, end: datetime,
                    estate_ids: frozenset[int] | None = None) -> list[Ticket]:
    """Tickets opened in the period."""
    query = select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)
    return list(session.scalars(_of(query, Ticket.estate_id, estate_ids)))


def finished_between(session: Session, start: datetime, end: datetime,
                     estate_ids: frozenset[int] | None = None) -> list[Ticket]:
    """Repairs and complaints whose work was done in the period (the ones followed up)."""
    query = select(Ticket).where(Ticket.done_at >= start, Ticket.done_at < end, Ticket.kind.in_(("repair", "complaint")))
    return list(session.scalars(_of(query, Ticket.estate_id, estate_ids)))


def staff_names(session: Session) -> dict[int, str]:
    """Every member of staff's name by id."""
    return dict(session.execute(select(Staff.id, Staff.name)).all())


def breach_details(session: Session, start: datetime, end: datetime,
                   estate_ids: frozenset[int] | None = None) -> list[dict | None]:
    """The detail of every missed deadline in the period."""
    query = select(TicketEvent.detail).where(TicketEvent.action == "deadline_missed", TicketEvent.at >= start,
                                             TicketEvent.at < end)
    if estate_ids is not None:
        query = query.join(Ticket, Ticket.id == TicketEvent.ticket_id).where(Ticket.estate_id.in_(sorted(estate_ids)))
    return list(session.scalars(query))


def violators_between(session: Session, start: datetime, end: datetime,
                      estate_ids: frozenset[int] | None = None) -> list[int | None]:
    """The staff id of every reply the etiquette filter stopped in the period (about the estates' tickets)."""
    query = select(EtiquetteViolation.staff_id).where(EtiquetteViolation.at >= start, EtiquetteViolation.at < end)
    if estate_ids is not None:
        query = query.join(Ticket, Ticket.id == EtiquetteViolation.ticket_id).where(
            Ticket.estate_id.in_(sorted(estate_ids)))
    return list(session.scalars(query))


def open_kinds(session: Session, estate_ids: frozenset[int] | None = None) -> list[str]:
    """The kind of every open ticket (the backlog)."""
    query = select(Ticket.kind).where(Ticket.status.in_(OPEN_STATUSES))
    return list(session.scalars(_of(query, Ticket.estate_id, estate_ids)))
