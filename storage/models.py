"""Tables of the desk. Times are naive UTC; conversion to the estate's time zone happens on display."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time as naive UTC, the form stored in every table."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class JSONText(TypeDecorator):
    """JSON kept as text, so SQLite and PostgreSQL store the same thing."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect) -> Any:
        return None if value is None else json.loads(value)


class Base(DeclarativeBase):
    pass


DEFAULT_ESTATE_ID = 1  # created by migration 0004; 0006s attaches a single-estate deployment's data to it


class Resident(Base):
    """A person writing to the Official Account, remembered by openid."""
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    building: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(8))
    room: Mapped[str | None] = mapped_column(String(8))
    address_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="SET NULL"))  # of the address
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)   # privacy purge or forget (PIPL)

    tickets: Mapped[list["Ticket"]] = relationship(back_populates="resident")


# Statuses of a ticket the desk still owes work on: the one definition every query and rule uses.
OPEN_STATUSES = ("new", "accepted", "on_site", "reopened")
# A finished repair waits for the resident's follow-up; a new report of it means "still broken".
UNCONFIRMED_STATUSES = OPEN_STATUSES + ("done",)
# Every status a ticket can have.
TICKET_STATUSES = UNCONFIRMED_STATUSES + ("closed", "cancelled")


class Ticket(Base):
    """A repair, complaint or inquiry the desk owns until it is closed (首位责任制)."""
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_kind", "status", "kind"),
        Index("ix_tickets_resident_status", "resident_id", "status"),
        Index("ix_tickets_building", "building", "unit", "room"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_estate_status", "estate_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str | None] = mapped_column(String(24))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), default=DEFAULT_ESTATE_ID, server_default=text("1"))
    house_id: Mapped[int | None] = mapped_column(ForeignKey("houses.id", ondelete="SET NULL"))  # when the roster knows it
    public_area: Mapped[str | None] = mapped_column(String(32))       # a repair of a shared place: no house
    building: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(8))
    room: Mapped[str | None] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    resident_words: Mapped[str] = mapped_column(Text, default="")
    preferred_time: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[dict | None] = mapped_column(JSONText)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)      # the group showing its card
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)    # first staff reply to the resident
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    breached: Mapped[bool] = mapped_column(Boolean, default=False)      # any deadline missed
    followup_status: Mapped[str | None] = mapped_column(String(16))    # sent|reminded|answered|phone
    followup_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    rating: Mapped[int | None] = mapped_column(Integer)                # 1-5 from the follow-up
    feedback: Mapped[str | None] = mapped_column(Text)
    for_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)   # personal data masked (privacy)

    resident: Mapped[Resident | None] = relationship(back_populates="tickets")
    assignee: Mapped["Staff | None"] = relationship()
    events: Mapped[list["TicketEvent"]] = relationship(back_populates="ticket", order_by="TicketEvent.id")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="ticket", order_by="Attachment.id")


class TicketEvent(Base):
    """One traceable step of a ticket: who, when, what, and the detail (流程可追溯)."""
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict | None] = mapped_column(JSONText)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class InboundMessage(Base):
    """Every push from WeChat, keyed for deduplication (MsgId, or sender + CreateTime for events)."""
    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_openid_received", "openid", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)
    openid: Mapped[str] = mapped_column(String(64))
    msg_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reply: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    intent: Mapped[str | None] = mapped_column(String(32))
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)   # content masked (privacy)


class Attachment(Base):
    """An image, voice note or location a resident sent, kept with their ticket when there is one."""
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket | None] = relationship(back_populates="attachments")


class Conversation(Base):
    """The named state of a multi-step conversation with one resident, with an expiry."""
    __tablename__ = "conversations"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    slots: Mapped[dict] = mapped_column(JSONText, default=dict)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CodeCounter(Base):
    """Last number handed out per code prefix and day, for BX-20261122-0007 style codes."""
    __tablename__ = "code_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Staff(Base):
    """A member of staff or a manager, known by their Telegram user id (managed with `wuye staff`)."""
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default="staff")      # staff | supervisor | manager
    groups: Mapped[list] = mapped_column(JSONText, default=list)         # chat ids of their staff groups
    estate_ids: Mapped[list | None] = mapped_column(JSONText)            # their estates; None: every estate
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutboxMessage(Base):
    """A message to deliver (WeChat customer-service / template, or Telegram), kept until it is sent.

    One rq job per row delivers it; the row is the truth, so a lost job is re-queued and a sent row
    is never sent again.
    """
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))                    # wechat | telegram
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONText, default=dict)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # suggested|pending|sent|fallback|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class EtiquetteViolation(Base):
    """A staff reply the etiquette filter stopped, kept for managers."""
    __tablename__ = "etiquette_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    text: Mapped[str] = mapped_column(Text)
    phrase: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PhoneTask(Base):
    """Something the desk must do by phone (电话回访, a reply WeChat would not deliver)."""
    __tablename__ = "phone_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")     # open | done
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(64))


# Tables of timers, alerts and the staff channel's bookkeeping, and those of estates, live in modules of
# their own on the same metadata; imported here so that every table is known wherever models is.
from .delivery_models import Alert, ChatMove, TelegramUpdate, Timer  # noqa: E402,F401
from . import estate_models  # noqa: E402,F401
