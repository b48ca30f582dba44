"""The estates' directory and settings as the binding code reads them: one cache of each per desk,
refreshed through the caller's transaction.

The caches follow the company's version number (a new roster or setting is seen within seconds,
without a restart). Their reads borrow the session of the work in progress: on SQLite a second
session inside a turn would wait for the turn's own write lock, and on PostgreSQL it would cost a
connection checkout. Kept beside the desk rather than on it, so this package needs nothing from app.py.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Iterator
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session, sessionmaker

from ..desk import Desk, Work
from ..estates.addresses import Directory
from ..estates.settings import EstateSettings, Freshness, SettingsStore


class _Lender:
    """A sessionmaker stand-in: the session lent by this thread's work, else a session of its own."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions, self.local = sessions, threading.local()

    def __call__(self):
        lent = getattr(self.local, "session", None)
        return nullcontext(lent) if lent is not None else self.sessions()


@dataclass
class Estates:
    """What the binding code asks about estates, inside one piece of work."""
    directory: Directory
    store: SettingsStore

    def settings(self, estate_id: int) -> EstateSettings:
        """The effective settings of an estate (its staff group, managers, service hours)."""
        return self.store.for_estate(estate_id)


_PER_DESK: WeakKeyDictionary = WeakKeyDictionary()


@contextmanager
def lent(work: Work) -> Iterator[Estates]:
    """The desk's estates, read through this work's session while the block runs."""
    lender, estates = _of(work.desk)
    previous = getattr(lender.local, "session", None)
    lender.local.session = work.session
    try:
        yield estates
    finally:
        lender.local.session = previous


def _of(desk: Desk) -> tuple[_Lender, Estates]:
    found = _PER_DESK.get(desk)
    if found is None:
        lender = _Lender(desk.sessions)
        freshness = Freshness(lender)
        found = _PER_DESK[desk] = (lender, Estates(Directory(lender, freshness),
                                                   SettingsStore(lender, desk.config, freshness)))
    return found
