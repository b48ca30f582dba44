"""What came in: residents' pushes (deduplicated by their key) and staff updates already handled."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (DateTime, String, and_, bindparam, exists, false, literal, literal_column, select, true,
                        update)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ..models import Conversation, InboundMessage, Resident, TelegramUpdate
from ._sql import adopt, binds, dialect_insert, per_dialect, run
from .residents import known_without_conversation, resident_contacted


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


class Arrival(NamedTuple):
    """What storing a resident's push gave: its id and the resident (None for a push stored before),
    or for a push stored before, whether its stored copy was visible and the reply recorded for it."""
    message_id: int | None
    resident: Resident | None
    stored_seen: bool = False
    stored_reply: str | None = None


def _arrival_statement():
    """PostgreSQL: store the push and, only when it is new, upsert its resident, in one statement; for a
    push stored before, the stored reply comes back from the same round trip (a WeChat retry is
    answered from one statement)."""
    messages, residents = InboundMessage.__table__, Resident.__table__
    message = (postgresql.insert(messages)
               .values(binds("dedup_key", "openid", "msg_type", "content", "received_at", "reply", "intent"))
               .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(messages.c.id).cte("message"))
    is_new = exists(select(message.c.id))
    # The resident's row as this statement's snapshot saw it: updated only if no other transaction
    # changed it since (same xmin), so the snapshot's answer to "has a conversation?" is still true
    # under the row lock the update takes (every message's transaction updates this row first).
    seen = select(literal_column("seen.xmin")).select_from(residents.alias("seen")).where(
        literal_column("seen.openid") == bindparam("openid")).scalar_subquery()
    contact = (postgresql.insert(residents)
               .from_select(["openid", "created_at", "updated_at", "last_message_at", "address_confirmed", "active"],
                            select(bindparam("openid", type_=String), bindparam("now", type_=DateTime),
                                   bindparam("now", type_=DateTime), bindparam("now", type_=DateTime),
                                   false(), true()).where(is_new))
               .on_conflict_do_update(index_elements=["openid"], set_={"last_message_at": bindparam("now")},
                                      where=literal_column("residents.xmin") == seen)
               .returning(*residents.c).cte("contact"))
    stored, state = messages.alias("stored"), Conversation.__table__.alias("state")
    one = select(literal(1).label("one")).subquery("one")
    picked = (one.outerjoin(contact, true())
              .outerjoin(state, state.c.resident_id == contact.c.id)
              .outerjoin(stored, and_(stored.c.dedup_key == bindparam("dedup_key"), ~is_new)))
    return select(select(message.c.id).scalar_subquery().label("arrival_message_id"),
                  stored.c.id.label("arrival_stored_id"), stored.c.reply.label("arrival_stored_reply"),
                  state.c.resident_id.label("arrival_state_of"), *contact.c).select_from(picked)


_ARRIVAL = _arrival_statement()


def arrive(session: Session, dedup_key: str, *, openid: str, msg_type: str, content: str | None,
           received_at: datetime) -> Arrival:
    """Store a resident's push under its unique key and, when it is new, mark its resident as contacted
    (created on first contact): record_inbound then resident_contacted, in one round trip on PostgreSQL,
    which also tells whether the resident has a conversation (when none, conversation() asks no more).

    The unique index decides, as in record_inbound. A retry whose first copy committed while this
    statement waited for it is not visible to the statement (stored_seen False): read it again. When
    another transaction changed the resident since the statement began (a second message of theirs
    at the same moment), the resident is upserted again on its own and nothing is assumed."""
    if session.get_bind().dialect.name != "postgresql":
        message_id = record_inbound(session, dedup_key, openid=openid, msg_type=msg_type, content=content,
                                    received_at=received_at)
        if message_id is None:
            return Arrival(None, None)
        return Arrival(message_id, resident_contacted(session, openid, received_at))
    row = run(session, _ARRIVAL, {"dedup_key": dedup_key, "openid": openid, "msg_type": msg_type,
                                  "content": content, "received_at": received_at, "reply": None, "intent": None,
                                  "now": received_at}).one()
    values = row._mapping
    if values["arrival_message_id"] is None:
        return Arrival(None, None, values["arrival_stored_id"] is not None, values["arrival_stored_reply"])
    if values["id"] is None:  # changed under this statement: the snapshot's answers are stale
        return Arrival(values["arrival_message_id"], resident_contacted(session, openid, received_at))
    resident = adopt(session, Resident, {column.key: values[column.key] for column in Resident.__table__.c})
    if values["arrival_state_of"] is None:
        known_without_conversation(session, resident.id)
    return Arrival(values["arrival_message_id"], resident)
