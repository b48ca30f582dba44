"""What the managers' figures are counted from, over a period of naive-UTC times [start, end)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OPEN_STATUSES, EtiquetteViolation, Staff, Ticket, TicketEvent


def created_between(session: Session, start: datetime, end: datetime) -> list[Ticket]:
    """Tickets opened in the period."""
    return list(session.scalars(select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)))


def finished_between(session: Session, start: datetime, end: datetime) -> list[Ticket]:
    """Repairs and complaints whose work was done in the period (the ones followed up)."""
    return list(session.scalars(select(Ticket).where(Ticket.done_at >= start, Ticket.done_at < end,
                                                     Ticket.kind.in_(("repair", "complaint")))))


def staff_names(session: Session) -> dict[int, str]:
    """Every member of staff's name by id."""
    return dict(session.execute(select(Staff.id, Staff.name)).all())


def breach_details(session: Session, start: datetime, end: datetime) -> list[dict | None]:
    """The detail of every missed deadline in the period."""
    return list(session.scalars(select(TicketEvent.detail).where(TicketEvent.action == "deadline_missed",
                                                                 TicketEvent.at >= start, TicketEvent.at < end)))


def violators_between(session: Session, start: datetime, end: datetime) -> list[int | None]:
    """The staff id of every reply the etiquette filter stopped in the period."""
    return list(session.scalars(select(EtiquetteViolation.staff_id).where(EtiquetteViolation.at >= start,
                                                                          EtiquetteViolation.at < end)))


def open_kinds(session: Session) -> list[str]:
    """The kind of every open ticket (the backlog)."""
    return list(session.scalars(select(Ticket.kind).where(Ticket.status.in_(OPEN_STATUSES))))
