"""Residents bound to houses (房屋认证), and household callback campaigns (住户回访) over the houses.

One WeChat openid may hold several houses, each with a role.

A row is a binding and its history at once: `pending` while the estate's desk has to approve it,
`active` once bound (by the roster's phone or by a member of staff), `refused`, or `ended` (unbound,
moved out, a tenancy over). Only one pending or active row per resident and house (a partial unique
index), so a double press or a repeated request can never bind twice.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from .estate_models import House  # noqa: F401  (the houses table must exist in the metadata first)
from .models import Base, utcnow

ROLES = ("owner", "family", "tenant")           # 业主 / 家属 / 租客
LIVE_STATES = ("pending", "active")


class ResidentHouse(Base):
    """One resident's binding to one house, with who decided it and when (流程可追溯)."""
    __tablename__ = "resident_houses"
    __table_args__ = (
        Index("uq_resident_houses_live", "resident_id", "house_id", unique=True,
              postgresql_where=text("state IN ('pending', 'active')"),
              sqlite_where=text("state IN ('pending', 'active')")),
        Index("ix_resident_houses_resident", "resident_id", "state"),
        Index("ix_resident_houses_house", "house_id", "state"),
        Index("ix_resident_houses_estate_state", "estate_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))                        # owner | family | tenant
    tenant_until: Mapped[date | None] = mapped_column(Date)             # a tenancy's last day, when known
    state: Mapped[str] = mapped_column(String(12), default="pending")   # pending|active|refused|ended
    via: Mapped[str] = mapped_column(String(12))                        # roster | approval | staff
    phone: Mapped[str | None] = mapped_column(String(20))               # the phone the resident gave
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)      # a pending request's answer is due
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)       # the deadline passed, managers told
    request_chat_id: Mapped[int | None] = mapped_column(BigInteger)     # the staff group asked to decide
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)                      # why it was refused or ended
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by: Mapped[str | None] = mapped_column(String(64))
    end_reason: Mapped[str | None] = mapped_column(String(16))          # unbound | moved | staff


class Campaign(Base):
    """A household callback campaign (住户回访) of one estate and period: every occupied house is reached,
    by a WeChat survey when someone is bound to it, by a phone call otherwise."""
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("estate_id", "kind", "period", name="uq_campaigns_estate_kind_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))            # monthly | quarterly | campaign
    period: Mapped[str] = mapped_column(String(16))          # 2026-12, 2026Q4, or a campaign's own label
    target: Mapped[float] = mapped_column(Float)             # share of the houses to reach (0.6 = 60%)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(64))
    answer_until: Mapped[datetime] = mapped_column(DateTime)  # surveys are understood as answers until then


class CampaignContact(Base):
    """One house of a campaign: how it is reached (wechat | phone), whether it was, and what was said."""
    __tablename__ = "campaign_contacts"
    __table_args__ = (UniqueConstraint("campaign_id", "house_id", name="uq_campaign_contacts_house"),
                      Index("ix_campaign_contacts_campaign_state", "campaign_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))          # wechat | phone
    state: Mapped[str] = mapped_column(String(12))           # sent | to_call | answered | reached | unreachable
    rating: Mapped[int | None] = mapped_column(Integer)      # 1-5
    opinion: Mapped[str | None] = mapped_column(Text)        # 业主意见, for the managers
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))  # a problem raised became this
    answered_by: Mapped[str | None] = mapped_column(String(64))  # the resident, or who phoned
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
