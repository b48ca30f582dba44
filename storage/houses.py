"""Looking houses up on the resident's path: one indexed probe each (uq_houses_unit_room,
ix_houses_owner_phone); the buildings and units of an estate are read once and cached by the caller."""
from __future__ import annotations

from sqlalchemy import bindparam, select
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


# Built once with bind parameters and run on the session's connection: an ORM statement built per call
# costs several times the CPU of the query itself (the README's intake notes measured the same).
_HOUSE = House.__table__
_IN_UNITS = (select(*(_HOUSE.c[c.key] for c in _HOUSE_COLUMNS))
             .where(_HOUSE.c.unit_id.in_(bindparam("units", expanding=True)), _HOUSE.c.room == bindparam("room")))


def house_in(session: Session, unit_ids: list[int], room: str) -> list:
    """The houses with this room number in any of these units (one for a unit, several when a
    resident left the unit out and the building has the room in more than one)."""
    return list(session.connection().execute(_IN_UNITS, {"units": unit_ids, "room": room}))


_BY_PHONE = (select(*(_HOUSE.c[c.key] for c in _HOUSE_COLUMNS), Estate.__table__.c.name.label("estate"),
                    Building.__table__.c.key.label("building"), Unit.__table__.c.key.label("unit"))
             .join(Unit.__table__, _HOUSE.c.unit_id == Unit.__table__.c.id)
             .join(Building.__table__, Unit.__table__.c.building_id == Building.__table__.c.id)
             .join(Estate.__table__, _HOUSE.c.estate_id == Estate.__table__.c.id)
             .where(_HOUSE.c.owner_phone == bindparam("phone")).order_by(_HOUSE.c.id))


def houses_by_phone(session: Session, phone: str) -> list:
    """Every house whose owner's phone in the roster is this one, with its estate, building and unit."""
    return list(session.connection().execute(_BY_PHONE, {"phone": phone}))
