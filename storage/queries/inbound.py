"""What came in: residents' pushes (deduplicated by their key) and staff updates already handled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..models import InboundMessage, TelegramUpdate
from ._sql import binds, dialect_insert, per_dialect, run


@per_dialect
def _record_inbound(dialect_insert_):
    table = InboundMessage.__table__
    statement = dialect_insert_(table).values(binds("dedup_key", "openid", "msg_type", "content", "received_at",
                                                    "reply", "intent"))
    return statement.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)


def record_inbound(session: Session, dedup_key: str, *, openid: str, msg_type: str, content: str | None,
                   received_at: datetime, reply: str | None = None, intent: str | None = None) -> int | None:
    """Store an inbound message and return its id; None when the same key was stored before (a
    WeChat retry).

    The unique index decides, so two copies arriving at the same moment cannot both pass: the
    second waits for the first transaction and then finds the key taken.
    """
    return run(session, _record_inbound(session), {
        "dedup_key": dedup_key, "openid": openid, "msg_type": msg_type, "content": content,
        "received_at": received_at, "reply": reply, "intent": intent}).scalar_one_or_none()


_SET_REPLY = (update(InboundMessage.__table__).where(InboundMessage.__table__.c.id == bindparam("message_id"))
              .values(reply=bindparam("reply"), intent=bindparam("intent")))


def store_reply(session: Session, message_id: int, reply: str | None, intent: str | None) -> None:
    """Keep the reply given to an inbound message, so a retry of it gets the same answer."""
    run(session, _SET_REPLY, {"message_id": message_id, "reply": reply, "intent": intent})


def inbound_by_key(session: Session, dedup_key: str) -> InboundMessage | None:
    """The stored copy of an inbound message."""
    return session.scalars(select(InboundMessage).where(InboundMessage.dedup_key == dedup_key)).one_or_none()


def first_staff_update(session: Session, update_id: int, now: datetime) -> bool:
    """Record a staff channel's update id; False when it was handled before (a redelivery)."""
    # RETURNING tells whether the row went in (psycopg reports no rowcount for ON CONFLICT inserts).
    statement = dialect_insert(session, TelegramUpdate).values(update_id=update_id, received_at=now)
    statement = statement.on_conflict_do_nothing(index_elements=["update_id"]).returning(TelegramUpdate.update_id)
    return session.execute(statement).scalar_one_or_none() is not None
