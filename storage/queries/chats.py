"""Staff chats that moved: Telegram gave a group a new id when it became a supergroup."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import ChatMove, OutboxMessage, Staff, Ticket
from ._sql import binds, per_dialect, run


def chat_moves(session: Session) -> dict[int, int]:
    """Every recorded move, old chat id -> new chat id (a handful of rows at most)."""
    return {old: new for old, new in session.execute(select(ChatMove.old_chat_id, ChatMove.new_chat_id))}


@per_dialect
def _record_move(dialect_insert):
    table = ChatMove.__table__
    return dialect_insert(table).values(binds("old_chat_id", "new_chat_id", "moved_at")) \
        .on_conflict_do_nothing(index_elements=["old_chat_id"]).returning(table.c.old_chat_id)


def record_chat_move(session: Session, old: int, new: int, now: datetime) -> bool:
    """Remember a move and point what the desk stored at the new id: tickets' cards, staff members' groups,
    messages still waiting to be sent. False when this move was recorded before (by another worker)."""
    first = run(session, _record_move(session), {"old_chat_id": old, "new_chat_id": new,
                                                 "moved_at": now}).scalar_one_or_none() is not None
    session.execute(update(Ticket).where(Ticket.staff_chat_id == old).values(staff_chat_id=new))
    session.execute(update(OutboxMessage).where(OutboxMessage.channel == "telegram",
                                                OutboxMessage.recipient == str(old),
                                                OutboxMessage.status.in_(("pending", "suggested")))
                    .values(recipient=str(new)))
    for member in session.scalars(select(Staff)):
        if old in (member.groups or []):
            member.groups = [new if chat == old else chat for chat in member.groups]
    return first
