"""Tables of the managers' console: sign-in links, passwords and the daily figures (rollups).

Times are naive UTC like every other table; a rollup's `day` is a local date of the estate.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, EtiquetteViolation, Ticket, utcnow

# The console's queries find recently changed tickets (to refresh their days' figures) and
# etiquette stops by date; these indexes on the desk's tables serve them.
Index("ix_tickets_updated_at", Ticket.updated_at)
Index("ix_etiquette_violations_at", EtiquetteViolation.at)
# Breaches are listed and counted per period on every report; a partial index keeps that small.
Index("ix_tickets_breached_created", Ticket.created_at, postgresql_where=Ticket.breached.is_(True),
      sqlite_where=Ticket.breached.is_(True))
# Where problems cluster over a long period: an index-only scan instead of reading every ticket.
Index("ix_tickets_created_place", Ticket.created_at, Ticket.building, Ticket.unit, Ticket.room)
# The search by a phone's last four digits (PostgreSQL; SQLite scans, which suits a small desk).
Index("ix_tickets_phone_tail", func.right(Ticket.contact_phone, 4)).ddl_if(dialect="postgresql")

# The counts kept per day and group; storage/console_metrics.py defines each one.
METRICS = ("created", "urgent", "breached", "on_time", "open", "done", "closed", "followup_due", "followed_up",
           "rated", "satisfied", "dissatisfied", "reopened", "reopened_fixed", "escalated", "repeat")


class ConsoleSignInLink(Base):
    """A one-time sign-in link for a manager or supervisor; only the token's hash is kept."""
    __tablename__ = "console_signin_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class ConsolePassword(Base):
    """The fallback password of a manager or supervisor (`wuye staff password`), hashed."""
    __tablename__ = "console_passwords"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class ConsoleRollup(Base):
    """Counts of the tickets created on one local day, by kind and one grouping (the grain):
    'kind' (key ''), 'staff' (assignee id), 'category', or 'place' ('building|unit').
    estate_id stays empty until estates exist."""
    __tablename__ = "console_rollups"
    __table_args__ = (Index("ix_console_rollups_grain_day", "grain", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    estate_id: Mapped[int | None] = mapped_column(Integer)
    grain: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[int] = mapped_column(Integer, default=0)
    urgent: Mapped[int] = mapped_column(Integer, default=0)
    breached: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    open: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    followup_due: Mapped[int] = mapped_column(Integer, default=0)
    followed_up: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    dissatisfied: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    reopened_fixed: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    repeat: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)


class ConsoleRollupDay(Base):
    """A local day whose rollups are complete, and when they were computed."""
    __tablename__ = "console_rollup_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    tickets: Mapped[int] = mapped_column(Integer, default=0)


class ConsoleMark(Base):
    """A named moment the console's jobs remember (e.g. up to when changed tickets were rolled up)."""
    __tablename__ = "console_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
