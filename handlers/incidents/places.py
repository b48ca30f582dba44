"""Where an outage is and the estate's incident settings, read in the turn's own transaction.

A resident's report takes the estate its intake settled on (the ticket's, the one named, the
resident's), never a guess from here; a building as written becomes the roster's key. Staff commands
name their estate (its name, code or an alias), else take their group's (where.py); the default estate
is the first one, created by migration 0004. Names and settings are cached per process and re-read when the company's version
number changes (the desk's shared version check, at most every 2 s); no second session is opened inside the resident's
transaction (on SQLite it would wait for the write lock the turn already holds).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from storage import estate_queries
from storage.incident_models import ESTATE_WIDE

from ..desk import Desk, Turn
from ..estates.matcher import TermMatcher
from ..estates.normalise import alias_key
from .kinds import Outage

SETTINGS = {"incident_threshold": "INCIDENT_THRESHOLD", "incident_window_minutes": "INCIDENT_WINDOW_MINUTES"}


@dataclass
class _Book:
    version: int | None = None
    default: int | None = None
    names: TermMatcher = field(default_factory=lambda: TermMatcher(()))
    settings: dict = field(default_factory=dict)   # (estate_id or None, key) -> value


def _book(desk: Desk, session: Session) -> _Book:
    book = desk.__dict__.setdefault("_incident_book", _Book())
    version = desk.estates.freshness.version()  # the desk's one check every 2 s, not a query per message
    if version != book.version:
        estates = estate_queries.estates(session)
        names = [(alias_key(e.name), e.id) for e in estates] + [(alias_key(e.code), e.id) for e in estates if e.code]
        names += [(a.key, a.estate_id) for a in estate_queries.aliases(session)]
        book.names, book.default = TermMatcher(names), min((e.id for e in estates), default=None)
        book.settings = {(row.estate_id, row.key): row.value for row in estate_queries.settings_rows(session)
                         if row.key in SETTINGS}
        book.version = version
    return book


def estate_of(desk: Desk, session: Session, text: str) -> int | None:
    """The estate the words name, else the default (lowest id) estate, else None."""
    named = named_estate(desk, session, text)
    return named if named is not None else _book(desk, session).default


def named_estate(desk: Desk, session: Session, text: str) -> int | None:
    """The estate the words name (its name, code or an alias), else None."""
    named = _book(desk, session).names.find(text)
    return named[0].target if named else None


def setting(desk: Desk, session: Session, estate_id: int | None, name: str):
    """An incident setting of the estate: its own value, the company's, else the environment's."""
    stored = _book(desk, session).settings
    for level in (estate_id, None):
        if (level, name) in stored and stored[(level, name)] is not None:
            return stored[(level, name)]
    return desk.config[SETTINGS[name]]


def roster_building(turn: Turn, estate_id: int, building: str | None) -> str | None:
    """The roster's key of a building as written (紫荆阁 -> 5), else the building as written."""
    if not building:
        return None
    found = turn.desk.estates.resolve(estate_id, building, None, None, session=turn.session)
    return found.building if found.building and found.status != "no_building" else building


def place_of(outage: Outage, building: str | None) -> str | None:
    """A building key, ESTATE_WIDE, or None when the report does not say where (and the resident has
    no stored address)."""
    if outage.estate_wide:
        return ESTATE_WIDE
    return building
