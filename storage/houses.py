"""Looking houses up on the resident's path: one indexed probe each (uq_houses_unit_room,
ix_houses_owner_phone); the buildings and units of an estate are read once and cached by the caller."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .estate_models import Building, Estate, House, Unit

_HOUSE_COLUMNS = (House.id, House.estate_id, House.unit_id, House.room, House.owner_name, House.owner_phone,
                  House.occupancy)


def buildings_and_units(session: Session, estate_id: int) -> list[tuple]:
    """(building id, key, label, aliases, unit id, unit key) of every unit of an estate."""
    query = (select(Building.id, Building.key, Building.label, Building.aliases, Unit.id, Unit.key)
             .outerjoin(Unit, Unit.building_id == Building.id).where(Building.estate_id == estate_id)
             .order_by(Building.id, Unit.id))
    return [tuple(row) for row in session.execute(query)]


def house_in(session: Session, unit_ids: list[int], room: str) -> list:
    """The houses with this room number in any of these units (one for a unit, several when a
    resident left the unit out and the building has the room in more than one)."""
    query = select(*_HOUSE_COLUMNS).where(House.room == room)
    query = query.where(House.unit_id == unit_ids[0]) if len(unit_ids) == 1 else query.where(House.unit_id.in_(unit_ids))
    return list(session.execute(query))


def houses_by_phone(session: Session, phone: str) -> list:
    """Every house whose owner's phone in the roster is this one, with its estate and address."""
    query = (select(*_HOUSE_COLUMNS, Estate.name, Building.key, Unit.key)
             .join(Unit, House.unit_id == Unit.id).join(Building, Unit.building_id == Building.id)
             .join(Estate, House.estate_id == Estate.id).where(House.owner_phone == phone).order_by(House.id))
    return list(session.execute(query))
