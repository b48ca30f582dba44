"""Address facts for the intake: which estate a message names, whether (building, unit, room) is a
house of that estate's roster (and if not, precisely what does not exist), and public areas.

The NLU keeps returning normalised entities; the roster decides whether they are real. The estates'
names and every estate's buildings and units are cached in the process (a few thousand entries per
estate, loaded on first use); a room is one indexed probe, so a resolution costs well under a
millisecond at 3 million houses (benchmarks/address_resolution.py). The caches follow the company's
version number (see settings.Freshness), so an import or a new alias is seen within seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from storage import estate_queries, houses

from .matcher import Mention, TermMatcher, common_area
from .normalise import alias_key, building_key
from .resolution import Resolution, resolve_in
from .settings import Freshness


@dataclass(frozen=True)
class EstateRef:
    id: int
    name: str
    code: str | None


@dataclass
class Layout:
    """An estate's buildings (key -> {unit key -> unit id}), building aliases and named public areas."""
    buildings: dict[str, dict[str, int]] = field(default_factory=dict)
    building_ids: dict[str, int] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    areas: TermMatcher | None = None


class Directory:
    """Estates, their rosters and public areas, as the resident's path needs them."""

    def __init__(self, sessions: sessionmaker[Session], freshness: Freshness | None = None):
        self.sessions = sessions
        self.freshness = freshness or Freshness(sessions)
        self._version = None
        self._estates: dict[int, EstateRef] = {}
        self._names: dict[str, int] = {}
        self._matcher = TermMatcher(())
        self._layouts: dict[int, Layout] = {}

    def _current(self) -> None:
        version = self.freshness.version()
        if version == self._version:
            return
        with self.sessions() as session:
            estates = estate_queries.estates(session)
            names = [(alias_key(e.name), e.id) for e in estates] + [(alias_key(e.code), e.id) for e in estates if e.code]
            names += [(a.key, a.estate_id) for a in estate_queries.aliases(session)]
        self._estates = {e.id: EstateRef(e.id, e.name, e.code) for e in estates}
        self._names = dict(names)
        self._matcher = TermMatcher(names)
        self._layouts, self._version = {}, version

    def estates(self) -> list[EstateRef]:
        """Every estate, by name."""
        self._current()
        return sorted(self._estates.values(), key=lambda e: e.name)

    def estate(self, estate_id: int) -> EstateRef | None:
        """The estate with this id."""
        self._current()
        return self._estates.get(estate_id)

    def named(self, name: str) -> EstateRef | None:
        """The estate whose name, code or alias this is exactly (the command line's NAME)."""
        self._current()
        found = self._names.get(alias_key(name))
        return self._estates.get(found) if found is not None else None

    def estates_in(self, message: str) -> list[tuple[EstateRef, Mention]]:
        """The estates a message names, each once, in the order they appear."""
        self._current()
        seen, out = set(), []
        for mention in self._matcher.find(message):
            if mention.target not in seen:
                seen.add(mention.target)
                out.append((self._estates[mention.target], mention))
        return out

    def without_estates(self, message: str) -> str:
        """The message with estate names blanked (same length, offsets kept): the NLU reads "JX三号楼"
        as no building at all, since a Latin letter may not touch a building number."""
        for _, mention in self.estates_in(message):
            message = message[:mention.start] + " " * (mention.end - mention.start) + message[mention.end:]
        return message

    def layout(self, estate_id: int) -> Layout:
        """The estate's buildings, units, building aliases and public areas (cached)."""
        self._current()
        if estate_id not in self._layouts:
            self._layouts[estate_id] = self._load_layout(estate_id)
        return self._layouts[estate_id]

    def _load_layout(self, estate_id: int) -> Layout:
        layout = Layout()
        with self.sessions() as session:
            for building_id, key, label, aliases, unit_id, unit in houses.buildings_and_units(session, estate_id):
                layout.building_ids[key] = building_id
                units = layout.buildings.setdefault(key, {})
                if unit_id is not None:
                    units[unit] = unit_id
                for alias in [label, *(aliases or [])]:
                    layout.aliases.setdefault(alias_key(alias), key)
                    layout.aliases.setdefault(building_key(alias) or "", key)
            areas = [(area, [area.name, *(area.aliases or [])]) for area in estate_queries.public_areas(session, estate_id)]
        layout.aliases.pop("", None)
        layout.areas = TermMatcher((alias_key(name), area.name) for area, names in areas for name in names)
        return layout

    def resolve(self, estate_id: int, building: str | None, unit: str | None, room: str | None,
                session: Session | None = None) -> Resolution:
        """Whether this address is a house of the estate's roster, and if not what is missing or wrong.
        Pass the caller's session on the intake path: the check is then one query in its transaction."""
        estate = self.estate(estate_id)
        if estate is None:
            raise KeyError(f"no estate {estate_id}")
        layout = self.layout(estate_id)
        if session is not None:
            return resolve_in(session, estate.name, layout, building, unit, room)
        with self.sessions() as own:
            return resolve_in(own, estate.name, layout, building, unit, room)

    def public_area(self, estate_id: int, message: str) -> Mention | None:
        """A public area the message names: one of the estate's own (target: its name) or a place
        every estate has (target: its kind, e.g. 电梯); None when the fault is inside a home."""
        own = self.layout(estate_id).areas.find(message)
        return own[0] if own else common_area(message)

    def houses_of_phone(self, phone: str, session: Session | None = None) -> list:
        """Houses whose roster owner has this phone (binding by phone)."""
        if session is not None:
            return houses.houses_by_phone(session, phone)
        with self.sessions() as own:
            return houses.houses_by_phone(own, phone)


__all__ = ["Directory", "EstateRef", "Layout", "Resolution"]
