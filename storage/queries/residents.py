"""Residents, what they sent besides text (attachments), and their conversation state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..models import Attachment, Conversation, Resident
from ._sql import adopt, per_dialect, run


@per_dialect
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
    row = run(session, _resident_contacted(session), {"openid": openid, "now": now}).one()
    return adopt(session, Resident, row)


def mark_inactive(session: Session, resident: Resident) -> None:
    """An unsubscribed resident: kept for history, no longer messaged."""
    session.execute(update(Resident).where(Resident.id == resident.id).values(active=False))


def add_attachment(session: Session, **values) -> Attachment:
    """Keep a photo, voice note or location a resident sent (its id is known on return)."""
    attachment = Attachment(**values)
    session.add(attachment)
    session.flush()
    return attachment


def unattached(session: Session, ids: list[int]) -> list[Attachment]:
    """Attachments by id that belong to no ticket yet."""
    if not ids:
        return []
    return list(session.scalars(select(Attachment).where(Attachment.id.in_(ids), Attachment.ticket_id.is_(None))))


_ABSENT = "conversations known absent"
_CONVERSATION = select(Conversation.__table__).where(
    Conversation.__table__.c.resident_id == bindparam("resident_id")).with_for_update()


def known_without_conversation(session: Session, resident_id: int) -> None:
    """This transaction knows the resident has no conversation (read under the resident's row lock)."""
    session.info.setdefault(_ABSENT, set()).add(resident_id)


def conversation(session: Session, resident_id: int, now: datetime) -> Conversation | None:
    """The resident's conversation state unless it has expired (an expired one is removed)."""
    if resident_id in session.info.get(_ABSENT, ()):
        return None
    row = run(session, _CONVERSATION, {"resident_id": resident_id}).one_or_none()
    state = None if row is None else adopt(session, Conversation, row)
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
