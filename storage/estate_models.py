"""Tables of estates: company → estate → building → unit → house, public areas, settings per estate.

One deployment serves one property company (物业公司); it runs many estates (小区 / 项目). Buildings,
units and rooms are stored under the normalised keys the NLU gives ("3", "A", "B2"; unit "2";
room "1201"), so an address a resident writes is looked up as it is parsed. A building without
units (towers, villas) has one unit whose key is "" (NO_UNIT).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, JSONText, utcnow

NO_UNIT = ""  # the unit of a building that has none


class Company(Base):
    """The property company; `version` grows with every change of estates, aliases or settings, so
    every process can tell in one query that its cached directory is stale."""
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Estate(Base):
    """An estate (小区 / 项目) the company runs."""
    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    name: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EstateAlias(Base):
    """A name residents use for an estate ("锦绣", "JX"); `key` is the folded, lower-case form that
    messages are matched on, unique over the company so one word never means two estates."""
    __tablename__ = "estate_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64), unique=True)


class Building(Base):
    """A building (楼栋 / 幢 / 座) under its normalised key, with the label of the roster and aliases."""
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "key", name="uq_buildings_estate_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(32))
    aliases: Mapped[list] = mapped_column(JSONText, default=list)


class Unit(Base):
    """A unit (单元 / 门) of a building; key "" for a building without units."""
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "key", name="uq_units_building_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(8))


class House(Base):
    """A house (房屋) with its owner from the roster and whether it is lived in (入住 / 空置)."""
    __tablename__ = "houses"
    __table_args__ = (
        UniqueConstraint("unit_id", "room", name="uq_houses_unit_room"),
        Index("ix_houses_estate", "estate_id"),
        Index("ix_houses_owner_phone", "owner_phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    room: Mapped[str] = mapped_column(String(8))
    owner_name: Mapped[str | None] = mapped_column(String(32))
    owner_phone: Mapped[str | None] = mapped_column(String(20))
    occupancy: Mapped[str | None] = mapped_column(String(8))        # occupied | vacant | None (unknown)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicArea(Base):
    """A public area of an estate (车库, 电梯厅, 会所, 大门), optionally of one building."""
    __tablename__ = "public_areas"
    __table_args__ = (UniqueConstraint("estate_id", "name", name="uq_public_areas_estate_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    aliases: Mapped[list] = mapped_column(JSONText, default=list)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="SET NULL"))


class EstateSetting(Base):
    """One setting of an estate, or of the company when estate_id is NULL (over the environment's)."""
    __tablename__ = "estate_settings"
    __table_args__ = (
        Index("uq_estate_settings_estate", "estate_id", "key", unique=True,
              postgresql_where=text("estate_id IS NOT NULL"), sqlite_where=text("estate_id IS NOT NULL")),
        Index("uq_estate_settings_company", "key", unique=True,
              postgresql_where=text("estate_id IS NULL"), sqlite_where=text("estate_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(48))
    value: Mapped[Any] = mapped_column(JSONText)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class SettingChange(Base):
    """Every change of a setting: who, when, the old and the new value (traceability)."""
    __tablename__ = "setting_changes"
    __table_args__ = (Index("ix_setting_changes_estate_at", "estate_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(48))
    old: Mapped[Any] = mapped_column(JSONText, nullable=True)
    new: Mapped[Any] = mapped_column(JSONText, nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
