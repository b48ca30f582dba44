"""Checking an address against an estate's roster, with a precise answer when it is not a house."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import houses
from storage.estate_models import NO_UNIT

from .normalise import alias_key

FOUND = "found"
# status: what the resident is asked (polite Chinese; {estate}, {building}, {unit}, {room} filled in)
QUESTIONS = {
    "unchecked": None,   # the estate has no roster yet: the address cannot be checked, and is taken as given
    "building_needed": "请问您是{estate}几栋（几号楼）？",
    "no_building": "{estate}没有查到{building}栋，麻烦您核对一下楼栋号。",
    "no_unit": "{estate}{building}栋没有查到{unit}单元，麻烦您核对一下单元号。",
    "unit_needed": "请问您是{estate}{building}栋几单元？",
    "room_needed": "请问您的房号是多少（例如1201）？",
    "no_room": "{estate}{building}栋{unit_text}没有查到{room}室，麻烦您核对一下房号。",
}


@dataclass(frozen=True)
class Resolution:
    """The answer for one address: FOUND with the house, or the status of what is missing or wrong."""
    status: str
    estate: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    house_id: int | None = None
    occupancy: str | None = None

    @property
    def found(self) -> bool:
        """True when the address is a house of the roster."""
        return self.status == FOUND

    @property
    def question(self) -> str | None:
        """What to ask the resident (None when found or when the roster cannot tell)."""
        template = QUESTIONS.get(self.status)
        if template is None:
            return None
        unit_text = f"{self.unit}单元" if self.unit else ""
        return template.format(estate=self.estate, building=self.building, unit=self.unit, room=self.room,
                               unit_text=unit_text)


def _house(estate: str, building: str, units: dict[str, int], unit_key: str, row) -> Resolution:
    unit = next((key for key, unit_id in units.items() if unit_id == row.unit_id), unit_key)
    return Resolution(FOUND, estate, building, unit or None, row.room, row.id, row.occupancy)


def resolve_in(session: Session, estate: str, layout, building: str | None, unit: str | None,
               room: str | None) -> Resolution:
    """Resolve against a cached layout (see addresses.Layout); the room is one indexed query."""
    if not layout.buildings:
        return Resolution("unchecked", estate, building, unit, room)
    if not building:
        return Resolution("building_needed", estate, None, unit, room)
    key = building if building in layout.buildings else layout.aliases.get(alias_key(building))
    if key is None:
        return Resolution("no_building", estate, building, unit, room)
    units = layout.buildings[key]
    if unit and unit not in units:
        return Resolution("no_unit", estate, key, unit, room)
    if not room:
        needs_unit = not unit and len(units) > 1
        return Resolution("unit_needed" if needs_unit else "room_needed", estate, key, unit, None)
    candidates = [units[unit]] if unit else list(units.values())
    if not candidates:
        return Resolution("no_room", estate, key, unit, room)
    found = houses.house_in(session, candidates, room)
    if len(found) == 1:
        return _house(estate, key, units, unit or NO_UNIT, found[0])
    if found:  # the building has this room in several units and the resident did not say which
        return Resolution("unit_needed", estate, key, None, room)
    return Resolution("no_room", estate, key, unit, room)
