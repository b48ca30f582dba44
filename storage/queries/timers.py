"""Timers: the deadline and follow-up steps of tickets (one pending per ticket and kind)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..models import Timer
from ._sql import dialect_insert


def timers_of(session: Session, ticket_id: int) -> list[Timer]:
    """A ticket's pending and fired timers, locked for this transaction."""
    return list(session.scalars(select(Timer).where(Timer.ticket_id == ticket_id, Timer.status != "cancelled")
                                .with_for_update()))


def add_timers(session: Session, ticket_id: int, goal: dict[str, tuple[datetime, datetime | None]],
               now: datetime) -> list[tuple[int, datetime]]:
    """Insert pending timers (kind -> (fire_at, due_at)) in one statement; returns (id, fire_at) of those
    that went in: the partial unique index drops any a concurrent transaction added first."""
    statement = dialect_insert(session, Timer).values([
        {"ticket_id": ticket_id, "kind": kind, "fire_at": fire_at, "due_at": due_at, "status": "pending",
         "created_at": now} for kind, (fire_at, due_at) in goal.items()])
    statement = statement.on_conflict_do_nothing(index_elements=["ticket_id", "kind"],
                                                 index_where=text("status = 'pending'"))
    return [(timer_id, fire_at) for timer_id, fire_at in
            session.execute(statement.returning(Timer.id, Timer.fire_at)).all()]


def timer(session: Session, timer_id: int) -> Timer | None:
    """A timer by id, locked for this transaction."""
    return session.scalars(select(Timer).where(Timer.id == timer_id).with_for_update()).one_or_none()


def pending_timers(session: Session) -> list[tuple[int, datetime]]:
    """(id, fire_at) of every pending timer."""
    return [(timer_id, fire_at) for timer_id, fire_at in
            session.execute(select(Timer.id, Timer.fire_at).where(Timer.status == "pending"))]


def due_timers(session: Session, due_before: datetime, limit: int = 500) -> list[Timer]:
    """Pending timers due before a moment, locked for this transaction; timers being fired right now
    (their row is locked by fire()) are skipped."""
    return list(session.scalars(select(Timer).where(Timer.status == "pending", Timer.fire_at <= due_before)
                                .order_by(Timer.fire_at).limit(limit).with_for_update(skip_locked=True)))


def oldest_due_timer(session: Session, now: datetime) -> datetime | None:
    """When the oldest pending timer that is already due should have fired (None: none is late)."""
    return session.scalar(select(func.min(Timer.fire_at)).where(Timer.status == "pending", Timer.fire_at <= now))
