"""The outbox: messages to deliver, kept until they are sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OutboxMessage


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
