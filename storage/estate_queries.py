"""Estates, their aliases and public areas, settings and their history. Functions take a session and
never commit. Every change that a cached directory depends on bumps the company's version."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .models import DEFAULT_ESTATE_ID
from .estate_models import (Building, Company, Estate, EstateAlias, EstateSetting, House, PublicArea,
                            SettingChange, Unit)

COMPANY_ID = 1  # one deployment, one company


def company(session: Session) -> Company:
    """The company row, created when a database was emptied (tests) or never migrated with data."""
    found = session.get(Company, COMPANY_ID)
    if found is None:
        found = Company(id=COMPANY_ID, name="物业服务中心", version=1)
        session.add(found)
        session.flush()
    return found


def default_estate(session: Session, name: str = "默认小区") -> Estate:
    """The default estate (id 1, as migration 0004 creates it), created again after a database was
    emptied (tests); ids handed out later go on after it."""
    found = session.get(Estate, DEFAULT_ESTATE_ID)
    if found is None:
        found = Estate(id=DEFAULT_ESTATE_ID, company_id=company(session).id, name=name)
        session.add(found)
        session.flush()
        if session.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequences past them
            session.execute(select(func.setval("estates_id_seq", select(func.max(Estate.id)).scalar_subquery())))
    return found


def version(session: Session) -> int:
    """The directory's version: any change of estates, aliases, rosters or settings increases it."""
    return session.scalar(select(Company.version).where(Company.id == COMPANY_ID)) or 0


def bump_version(session: Session) -> None:
    """Tell every process that its cached estates, aliases, rosters or settings are stale."""
    company(session)
    session.execute(update(Company).where(Company.id == COMPANY_ID).values(version=Company.version + 1))


def estates(session: Session) -> list[Estate]:
    """Every estate, by name."""
    return list(session.scalars(select(Estate).order_by(Estate.name)))


def add_estate(session: Session, name: str, code: str | None = None) -> Estate:
    """A new estate of the company."""
    estate = Estate(company_id=company(session).id, name=name, code=code)
    session.add(estate)
    session.flush()
    bump_version(session)
    return estate


def rename_estate(session: Session, estate: Estate, name: str | None, code: str | None) -> None:
    """Change an estate's name and/or code."""
    if name:
        estate.name = name
    if code is not None:
        estate.code = code or None
    session.flush()
    bump_version(session)


def aliases(session: Session, estate_id: int | None = None) -> list[EstateAlias]:
    """Aliases of one estate, or of all of them."""
    query = select(EstateAlias).order_by(EstateAlias.estate_id, EstateAlias.id)
    if estate_id is not None:
        query = query.where(EstateAlias.estate_id == estate_id)
    return list(session.scalars(query))


def alias_owner(session: Session, key: str) -> int | None:
    """The estate an alias key belongs to, if any."""
    return session.scalar(select(EstateAlias.estate_id).where(EstateAlias.key == key))


def add_alias(session: Session, estate_id: int, alias: str, key: str) -> None:
    """Give an estate one more name residents use."""
    session.add(EstateAlias(estate_id=estate_id, alias=alias, key=key))
    session.flush()
    bump_version(session)


def remove_alias(session: Session, estate_id: int, key: str) -> bool:
    """Take an alias away; False when the estate had no such alias."""
    gone = session.execute(delete(EstateAlias).where(EstateAlias.estate_id == estate_id, EstateAlias.key == key))
    bump_version(session)
    return gone.rowcount > 0


def public_areas(session: Session, estate_id: int) -> list[PublicArea]:
    """The named public areas of an estate."""
    return list(session.scalars(select(PublicArea).where(PublicArea.estate_id == estate_id).order_by(PublicArea.id)))


def put_public_area(session: Session, estate_id: int, name: str, aliases_: list[str],
                    building_id: int | None) -> PublicArea:
    """Add a public area or replace its aliases and building."""
    area = session.scalar(select(PublicArea).where(PublicArea.estate_id == estate_id, PublicArea.name == name))
    if area is None:
        area = PublicArea(estate_id=estate_id, name=name)
        session.add(area)
    area.aliases, area.building_id = aliases_, building_id
    session.flush()
    bump_version(session)
    return area


def set_building_aliases(session: Session, estate_id: int, key: str, aliases_: list[str]) -> bool:
    """Replace the aliases of a building ("A座", "东楼"); False when the estate has no such building."""
    changed = session.execute(update(Building).where(Building.estate_id == estate_id, Building.key == key)
                              .values(aliases=aliases_))
    bump_version(session)
    return changed.rowcount > 0


def building_id(session: Session, estate_id: int, key: str) -> int | None:
    """The id of an estate's building with this key."""
    return session.scalar(select(Building.id).where(Building.estate_id == estate_id, Building.key == key))


def estate_counts(session: Session, estate_id: int) -> dict[str, int]:
    """How many buildings, units, houses and occupied houses an estate has."""
    units = (select(func.count()).select_from(Unit).join(Building, Unit.building_id == Building.id)
             .where(Building.estate_id == estate_id, Unit.key != ""))
    houses = select(func.count(), func.count().filter(House.occupancy == "occupied")).where(House.estate_id == estate_id)
    total, occupied = session.execute(houses).one()
    return {"buildings": session.scalar(select(func.count()).where(Building.estate_id == estate_id)),
            "units": session.scalar(units), "houses": total, "occupied": occupied}


def settings_rows(session: Session) -> list[EstateSetting]:
    """Every stored setting, company-wide (estate_id None) and per estate."""
    return list(session.scalars(select(EstateSetting)))


def put_setting(session: Session, estate_id: int | None, key: str, value: Any, actor: str,
                now: datetime) -> Any:
    """Store a setting (None removes it, falling back to the level above) and record the change;
    returns the old value."""
    found = session.scalar(select(EstateSetting).where(EstateSetting.key == key, EstateSetting.estate_id.is_(None)
                                                       if estate_id is None else EstateSetting.estate_id == estate_id))
    old = found.value if found is not None else None
    if value is None and found is not None:
        session.delete(found)
    elif value is not None and found is None:
        session.add(EstateSetting(estate_id=estate_id, key=key, value=value, updated_at=now, updated_by=actor))
    elif value is not None:
        found.value, found.updated_at, found.updated_by = value, now, actor
    session.add(SettingChange(estate_id=estate_id, key=key, old=old, new=value, actor=actor, at=now))
    session.flush()
    bump_version(session)
    return old


def setting_changes(session: Session, estate_id: int | None, limit: int = 50) -> list[SettingChange]:
    """The latest changes of an estate's settings (or the company's), newest first."""
    where = SettingChange.estate_id.is_(None) if estate_id is None else SettingChange.estate_id == estate_id
    return list(session.scalars(select(SettingChange).where(where).order_by(SettingChange.id.desc()).limit(limit)))
