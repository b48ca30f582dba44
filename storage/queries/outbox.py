"""The outbox: messages to deliver, kept until they are sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import OutboxMessage, Ticket


def add_outbox(session: Session, **values) -> OutboxMessage:
    """Write a message to deliver (its id is known on return)."""
    row = OutboxMessage(**values)
    session.add(row)
    session.flush()
    return row


def outbox_row(session: Session, outbox_id: int) -> OutboxMessage | None:
    """An outbox row, locked for this transaction (two workers never send it twice)."""
    return session.scalars(select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
                           ).one_or_none()


def pending_outbox(session: Session, created_before: datetime) -> list[int]:
    """Ids of the rows still waiting to be sent that were written before a moment."""
    return list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                                               OutboxMessage.created_at <= created_before)))


def outbox_in_status(session: Session, status: str, since_before: datetime) -> list[OutboxMessage]:
    """Rows in a status since before a moment (sent_at holds when a row was claimed), locked."""
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == status,
                                                            OutboxMessage.sent_at <= since_before)
                                .with_for_update()))
def texts_to(session: Session, recipients: list[str], after_id: int = 0) -> list[tuple[int, str]]:
    """(id, text) of the messages written for these recipients after a row id, oldest first, without the
    rewrites held for staff to choose (the demo shows what the bot answered staff even when no bot token
    lets it reach Telegram)."""
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.payload).where(
        OutboxMessage.recipient.in_(recipients), OutboxMessage.id > after_id, OutboxMessage.status != "suggested"
    ).order_by(OutboxMessage.id))
    return [(row_id, (payload or {}).get("text") or (payload or {}).get("content") or "") for row_id, payload in rows]


def last_outbox_id(session: Session) -> int:
    """The newest outbox row's id (0 when there is none)."""
    return session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


def due_outbox(session: Session, due_before: datetime, now: datetime, limit: int = 500) -> list[OutboxMessage]:
    """Pending rows whose attempt was due before a moment and that no live lease holds, locked for this
    transaction; rows another transaction holds are skipped (SKIP LOCKED on PostgreSQL; SQLite has
    one writer at a time, so there is nothing to skip)."""
    due = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "pending", due <= due_before,
                                    or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)))


def outbox_health(session: Session) -> tuple[datetime | None, int, int]:
    """The oldest pending row's due time, how many rows are pending, and the attempts repeated after a
    lost answer (possible duplicates) over all rows."""
    due = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    oldest, pending = session.execute(select(func.min(due), func.count()).where(OutboxMessage.status == "pending")
                                      ).one()
    doubtful = session.scalar(select(func.coalesce(func.sum(OutboxMessage.doubtful), 0)))
    return oldest, pending, int(doubtful or 0)


def newer_card_row(session: Session, ticket_id: int, row_id: int, recipient: str) -> int | None:
    """The newest card row of this ticket for this chat written after `row_id`, to send or sent, if any."""
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.ticket_id == ticket_id, OutboxMessage.kind == "card", OutboxMessage.id > row_id,
        OutboxMessage.recipient == recipient, OutboxMessage.status.in_(("pending", "sent")))
        .order_by(OutboxMessage.id.desc()).limit(1))


def card_in_flight(session: Session, ticket_id: int, row_id: int, now: datetime) -> datetime | None:
    """When the live lease of another card row of this ticket (one being sent now) runs out, if any."""
    return session.scalar(select(func.max(OutboxMessage.lease_until)).where(
        OutboxMessage.ticket_id == ticket_id, OutboxMessage.kind == "card", OutboxMessage.id != row_id,
        OutboxMessage.status == "pending", OutboxMessage.lease_until > now))


def waiting_card_rows(session: Session, ticket_id: int, after_id: int) -> list[int]:
    """Card rows of this ticket written after `after_id`, still to send and not being sent (oldest first)."""
    return list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.ticket_id == ticket_id, OutboxMessage.kind == "card", OutboxMessage.id > after_id,
        OutboxMessage.status == "pending", OutboxMessage.lease_owner.is_(None)).order_by(OutboxMessage.id)))


def waiting_new_cards(session: Session, chat: str, besides: int, limit: int) -> list[OutboxMessage]:
    """Other pending card rows for one staff chat that no worker holds, of tickets still waiting to be taken
    (new, reopened) whose card is not in that chat yet: the backlog one digest may carry. Urgent tickets
    first, then the oldest; locked, skipping rows another transaction holds."""
    return list(session.scalars(
        select(OutboxMessage).join(Ticket, Ticket.id == OutboxMessage.ticket_id)
        .where(OutboxMessage.status == "pending", OutboxMessage.kind == "card", OutboxMessage.recipient == chat,
               OutboxMessage.id != besides, OutboxMessage.lease_owner.is_(None),
               Ticket.status.in_(("new", "reopened")), Ticket.card_message_id.is_(None))
        .order_by(Ticket.urgent.desc(), OutboxMessage.id).limit(limit)
        .with_for_update(of=OutboxMessage, skip_locked=True)))
