"""The estates' directory and settings as the binding code reads them: the desk's own caches, read
through the caller's transaction.

The caches follow the company's version number (a new roster or setting is seen within seconds,
without a restart). Their reads borrow the session of the work in progress: on SQLite a second
session inside a turn would wait for the turn's own write lock, and on PostgreSQL it would cost a
connection checkout.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from ..desk import Work
from ..estates.addresses import Directory
from ..estates.settings import EstateSettings, SettingsStore


@dataclass
class Estates:
    """What the binding code asks about estates, inside one piece of work."""
    directory: Directory
    store: SettingsStore

    def settings(self, estate_id: int) -> EstateSettings:
        """The effective settings of an estate (its staff group, managers, service hours)."""
        return self.store.for_estate(estate_id)


@contextmanager
def lent(work: Work) -> Iterator[Estates]:
    """The desk's estates, read through this work's session while the block runs."""
    with work.desk.reads_through(work.session):  # a no-op inside desk.work(); needed for work made by hand
        yield Estates(work.desk.estates, work.desk.settings)
