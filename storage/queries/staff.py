"""Staff and managers, the replies the etiquette filter stopped, and the alerts sent about them and tickets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Alert, EtiquetteViolation, Staff
from ._sql import binds, per_dialect, run


def member(session: Session, telegram_user_id: int, active_only: bool = True) -> Staff | None:
    """A member of staff by their staff-channel user id (only while active, unless asked)."""
    query = select(Staff).where(Staff.telegram_user_id == telegram_user_id)
    if active_only:
        query = query.where(Staff.active.is_(True))
    return session.scalars(query).one_or_none()


def add_member(session: Session, telegram_user_id: int) -> Staff:
    """A new member of staff (the caller fills in the rest)."""
    new = Staff(telegram_user_id=telegram_user_id)
    session.add(new)
    return new


def staff_member(session: Session, staff_id: int) -> Staff | None:
    """A member of staff by id."""
    return session.get(Staff, staff_id)


def everyone(session: Session) -> list[Staff]:
    """All staff, the active first, by name."""
    return list(session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name)))


def active_staff(session: Session) -> list[Staff]:
    """Active staff by name."""
    return list(session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.name)))


def user_ids_with_role(session: Session, roles: tuple[str, ...], estate_id: int | None = None,
                       every_estate: bool = False) -> list[int]:
    """Staff-channel user ids of the active staff holding one of these roles (and serving this estate:
    those with no estates listed serve every estate; `every_estate`: only those)."""
    rows = session.execute(select(Staff.telegram_user_id, Staff.estate_ids).where(Staff.active.is_(True),
                                                                                  Staff.role.in_(roles)))
    if every_estate:
        return [user for user, estates in rows if not estates]
    return [user for user, estates in rows if estate_id is None or not estates or estate_id in estates]


def add_violation(session: Session, **values) -> None:
    """Keep a reply the etiquette filter stopped, for managers."""
    session.add(EtiquetteViolation(**values))


def violation_texts(session: Session, staff_id: int, since: datetime) -> list[str]:
    """The stopped replies of one member of staff since a moment, oldest first."""
    return list(session.scalars(select(EtiquetteViolation.text).where(EtiquetteViolation.staff_id == staff_id,
                                                                      EtiquetteViolation.at >= since)
                                .order_by(EtiquetteViolation.id)))


@per_dialect
def _record_alert(dialect_insert):
    table = Alert.__table__
    statement = dialect_insert(table).values(binds("dedup_key", "ticket_id", "staff_id", "reason", "level", "text",
                                                   "created_at"))
    return statement.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)


def record_alert(session: Session, dedup_key: str, *, ticket_id: int | None, staff_id: int | None, reason: str,
                 level: int, text: str, created_at: datetime) -> bool:
    """Keep an escalation under its key; False when that key was alerted before."""
    return run(session, _record_alert(session), {
        "dedup_key": dedup_key, "ticket_id": ticket_id, "staff_id": staff_id, "reason": reason, "level": level,
        "text": text, "created_at": created_at}).scalar_one_or_none() is not None
