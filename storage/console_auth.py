"""Queries for signing in to the console: staff, one-time links and passwords. Never commit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .console_models import ConsolePassword, ConsoleSignInLink
from .models import Staff


def staff_by_telegram_id(session: Session, telegram_user_id: int) -> Staff | None:
    """The staff row of a Telegram user, active or not."""
    return session.scalars(select(Staff).where(Staff.telegram_user_id == telegram_user_id)).one_or_none()


def staff_by_id(session: Session, staff_id: int) -> Staff | None:
    """A staff row by its id."""
    return session.get(Staff, staff_id)


def staff_names(session: Session) -> dict[int, str]:
    """Every member of staff's name by id (a desk has tens of them)."""
    return dict(session.execute(select(Staff.id, Staff.name)).all())


def staff_list(session: Session) -> list[Staff]:
    """Every member of staff, active first, by name."""
    return list(session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name)))


def add_link(session: Session, staff_id: int, token_hash: str, now: datetime, expires_at: datetime) -> None:
    """Keep a new one-time link (its token's hash only)."""
    session.add(ConsoleSignInLink(staff_id=staff_id, token_hash=token_hash, created_at=now, expires_at=expires_at))
    session.flush()


def use_link(session: Session, token_hash: str, now: datetime) -> int | None:
    """Spend a link: the staff id when it was unused and unexpired, else None. One conditional
    UPDATE decides, so two clicks at the same moment cannot both get in."""
    table = ConsoleSignInLink.__table__
    return session.execute(update(table).where(table.c.token_hash == token_hash, table.c.used_at.is_(None),
                                               table.c.expires_at > now)
                           .values(used_at=now).returning(table.c.staff_id)).scalar_one_or_none()


def link_state(session: Session, token_hash: str) -> ConsoleSignInLink | None:
    """A link by its token's hash (to tell a used link from an unknown one)."""
    return session.scalars(select(ConsoleSignInLink).where(ConsoleSignInLink.token_hash == token_hash)).one_or_none()


def password_of(session: Session, staff_id: int, for_update: bool = False) -> ConsolePassword | None:
    """A member of staff's console password row."""
    query = select(ConsolePassword).where(ConsolePassword.staff_id == staff_id)
    return session.scalars(query.with_for_update() if for_update else query).one_or_none()


def set_password(session: Session, staff_id: int, password_hash: str, now: datetime) -> None:
    """Create or replace a password, clearing any lock."""
    row = password_of(session, staff_id)
    if row is None:
        session.add(ConsolePassword(staff_id=staff_id, password_hash=password_hash, set_at=now, failed_attempts=0))
    else:
        row.password_hash, row.set_at, row.failed_attempts, row.locked_until = password_hash, now, 0, None
    session.flush()
