"""Tables of the desk's timers and alerts, and of the staff channel's bookkeeping (handled updates, chat
moves). Split from models.py for size; models.py re-exports them, so `from storage.models import Timer` works."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class TelegramUpdate(Base):
    """update_ids already handled, so a re-delivered webhook update changes nothing."""
    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Timer(Base):
    """A deadline or follow-up step of a ticket, due at fire_at. The database is the source of truth:
    the rq job (id timer-<id>) only wakes the worker, and a worker starting up re-creates lost jobs.

    At most one pending timer per ticket and kind, enforced by a partial unique index, so concurrent
    updates can never schedule the same timer twice.
    """
    __tablename__ = "timers"
    __table_args__ = (
        Index("uq_timers_pending", "ticket_id", "kind", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        Index("ix_timers_status_fire_at", "status", "fire_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(24))
    fire_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)          # the deadline a reminder is about
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | fired | cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(DateTime)


class Alert(Base):
    """An escalation sent to managers; the unique key makes sure one event never alerts twice."""
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChatMove(Base):
    """A staff chat Telegram gave a new id (a group upgraded to a supergroup): chat ids resolved from the
    configuration are followed through these, since the environment cannot be rewritten."""
    __tablename__ = "chat_moves"

    old_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(BigInteger)
    moved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
