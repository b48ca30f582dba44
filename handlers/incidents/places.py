"""Which estate a report is about and the estate's incident settings, read in the turn's own transaction.

The estate is the one the words name (its name, code or an alias), else the default estate (the first
one, created by migration 0004). The building comes from the NLU entities, else the resident's stored
address. Names and settings are cached per process and re-read when the company's version number
changes (one indexed query per message); no second session is opened inside the resident's transaction
(on SQLite it would wait for the write lock the turn already holds).
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
    book = _book(desk, session)
    named = book.names.find(text)
    return named[0].target if named else book.default


def setting(desk: Desk, session: Session, estate_id: int | None, name: str):
    """An incident setting of the estate: its own value, the company's, else the environment's."""
    stored = _book(desk, session).settings
    for level in (estate_id, None):
        if (level, name) in stored and stored[(level, name)] is not None:
            return stored[(level, name)]
    return desk.config[SETTINGS[name]]


def place_of(turn: Turn, outage: Outage, building: str | None) -> str | None:
    """A building key, ESTATE_WIDE, or None when the report does not say where (and the resident has
    no stored address)."""
    if outage.estate_wide:
        return ESTATE_WIDE
    return building or (turn.resident.building if turn.resident else None)
