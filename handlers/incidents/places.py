"""Which estate and place a report is about: the estate named in the words, else the default estate
(the first one, created by migration 0004); the building from the NLU entities, else the resident's own."""
from __future__ import annotations

from storage.incident_models import ESTATE_WIDE

from ..desk import Desk, Turn
from ..estates.addresses import Directory
from .kinds import Outage


def directory(desk: Desk) -> Directory:
    """The process's estate directory (cached on the desk; it follows the company's version number)."""
    found = desk.__dict__.get("_incident_directory")
    if found is None:
        found = desk.__dict__["_incident_directory"] = Directory(desk.sessions)
    return found


def estate_of(desk: Desk, text: str) -> int | None:
    """The estate the words name, else the default (lowest id) estate, else None."""
    book = directory(desk)
    named = book.estates_in(text)
    if named:
        return named[0][0].id
    estates = book.estates()
    return min(e.id for e in estates) if estates else None


def building_key(desk: Desk, estate_id: int | None, building: str | None) -> str | None:
    """The roster's key for a building as parsed (aliases resolved), or the parsed key itself."""
    if not building or estate_id is None:
        return building
    layout = directory(desk).layout(estate_id)
    if building in layout.buildings or not layout.buildings:
        return building
    return layout.aliases.get(building, building)


def place_of(turn: Turn, outage: Outage, estate_id: int | None, building: str | None) -> str | None:
    """A building key, ESTATE_WIDE, or None when the report does not say where (and the resident has
    no stored address)."""
    if outage.estate_wide:
        return ESTATE_WIDE
    return building_key(turn.desk, estate_id, building or (turn.resident.building if turn.resident else None))
