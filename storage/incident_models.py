"""Tables of incidents: one outage (or planned notice) many households report, its reports and its events.

An incident belongs to an estate (nullable: before estates, or company-wide) and a place: a building key
("3") or "*" for the whole estate. `scope` ("<estate>:<category>:<place>") carries a partial unique index
over open outages, so two reports arriving at the same moment in two processes can never open two
incidents for one outage: the second insert fails and that report joins the first.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, JSONText, utcnow

ESTATE_WIDE = "*"  # the place of an incident that concerns the whole estate


class Incident(Base):
    """An outage (kind "outage") or a planned notice (kind "planned") shared by many households."""
    __tablename__ = "incidents"
    __table_args__ = (
        Index("uq_incidents_open_scope", "scope", unique=True,
              postgresql_where=text("status = 'open' AND kind = 'outage'"),
              sqlite_where=text("status = 'open' AND kind = 'outage'")),
        Index("ix_incidents_status_kind", "status", "kind"),
        Index("ix_incidents_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="outage")       # outage | planned
    status: Mapped[str] = mapped_column(String(16), default="open")       # open | resolved | merged | cancelled
    source: Mapped[str] = mapped_column(String(16), default="detected")   # detected | staff | console
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(24))                     # power | water | gas | lift | ...
    place: Mapped[str] = mapped_column(String(16), default=ESTATE_WIDE)   # building key or "*"
    scope: Mapped[str] = mapped_column(String(64))
    notice: Mapped[str | None] = mapped_column(Text)                      # what residents are told
    expected_at: Mapped[datetime | None] = mapped_column(DateTime)       # expected restore (naive UTC)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)         # planned: from
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)           # planned: to
    latest_words: Mapped[str | None] = mapped_column(Text)
    households: Mapped[int] = mapped_column(Integer, default=0)           # attached reports (cached count)
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_row_id: Mapped[int | None] = mapped_column(Integer)              # the outbox row refreshing the card
    card_version: Mapped[int] = mapped_column(Integer, default=0)          # grows with every change shown
    card_shown_version: Mapped[int] = mapped_column(Integer, default=-1)   # the version the group sees
    card_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    reports: Mapped[list["IncidentReport"]] = relationship(back_populates="incident",
                                                           order_by="IncidentReport.id")


class IncidentReport(Base):
    """One household's report of an outage: before an incident exists (incident_id NULL, a signal the
    detector counts) and once attached. One row per incident and resident; the restore message is
    written once per row (restore_outbox_id), which is what makes the broadcast exactly-once."""
    __tablename__ = "incident_reports"
    __table_args__ = (
        UniqueConstraint("incident_id", "resident_id", name="uq_incident_reports_household"),
        Index("ix_incident_reports_signal", "scope", "reported_at"),
        Index("ix_incident_reports_followup", "incident_id", "followup_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    scope: Mapped[str] = mapped_column(String(64))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    building: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(8))
    room: Mapped[str | None] = mapped_column(String(8))
    words: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    detached_at: Mapped[datetime | None] = mapped_column(DateTime)
    restore_outbox_id: Mapped[int | None] = mapped_column(Integer)
    restore_status: Mapped[str | None] = mapped_column(String(16))        # queued | sent | template | phone | failed | unknown
    # 回访 of the household once the outage is over: skipped (not sampled, or the estate's policy),
    # ticket (its ticket's own survey), due, sent, reminded (each with its next step at followup_at), answered, phone
    followup_status: Mapped[str | None] = mapped_column(String(16))
    followup_at: Mapped[datetime | None] = mapped_column(DateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str | None] = mapped_column(Text)

    incident: Mapped[Incident | None] = relationship(back_populates="reports")


class IncidentEvent(Base):
    """One traceable step of an incident: who, when, what (opened, joined, detached, merged, resolved...)."""
    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict | None] = mapped_column(JSONText)
