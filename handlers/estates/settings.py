"""Settings per estate, read from the database and changed without a restart.

Every process keeps the stored settings in memory and asks the database for the company's version
number at most every `ttl` seconds (default 2): a change made by `wuye estate set` in another process
is seen within that time, and a read costs nothing in between. Every change is recorded with who,
when, the old and the new value (setting_changes).
"""
from __future__ import annotations

import time
from datetime import date
from functools import cached_property
from typing import Any, Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from config.values import parse_days
from storage import estate_queries
from storage.db import session_scope
from storage.models import utcnow

from . import settings_schema


from .calendar import HolidayCalendar
from .clock import EstateClock, parse_periods
from .settings_schema import FIELDS, SettingsError

DEFAULT, ENVIRONMENT, COMPANY, ESTATE = "default", "environment", "company", "estate"


class Freshness:
    """Knows whether this process's cached copy of estates and settings is still current."""

    def __init__(self, sessions: sessionmaker[Session], ttl: float = 2.0, monotonic: Callable[[], float] = time.monotonic):
        self.sessions, self.ttl, self.monotonic = sessions, ttl, monotonic
        self._version, self._checked = None, float("-inf")

    def version(self) -> int:
        """The directory version, re-read from the database at most every `ttl` seconds."""
        if self.monotonic() - self._checked >= self.ttl or self._version is None:
            with self.sessions() as session:
                self._version = estate_queries.version(session)
            self._checked = self.monotonic()
        return self._version

    def expire(self) -> None:
        """Re-read the version on the next call (after a change made by this process)."""
        self._checked = float("-inf")


class EstateSettings:
    """The effective settings of one estate (or the company's when estate_id is None)."""

    def __init__(self, estate_id: int | None, values: dict[str, Any], sources: dict[str, str]):
        self.estate_id, self.values, self.sources = estate_id, values, sources

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @cached_property
    def calendar(self) -> HolidayCalendar:
        """The estate's service days, holidays and make-up days."""
        return HolidayCalendar(parse_days(self["service_days"]), self["holiday_calendar"] == "cn",
                               frozenset(map(date.fromisoformat, self["extra_holidays"])),
                               frozenset(map(date.fromisoformat, self["extra_workdays"])))

    @cached_property
    def clock(self) -> EstateClock:
        """Service time of the estate, for the deadlines of non-urgent work."""
        return EstateClock(parse_periods(self["service_hours"]), self.calendar, ZoneInfo(self["timezone"]))


class SettingsStore:
    """Effective settings per estate: estate value, company value, environment, built-in default."""

    def __init__(self, sessions: sessionmaker[Session], config: dict, freshness: Freshness | None = None):
        self.sessions, self.config = sessions, config
        self.freshness = freshness or Freshness(sessions)
        self._version, self._rows, self._built = None, {}, {}
        self._defaults = {name: f.parse(f.default(config)) for name, f in FIELDS.items()}

    def _stored(self) -> dict[tuple[int | None, str], Any]:
        version = self.freshness.version()
        if version != self._version:
            with self.sessions() as session:
                self._rows = {(row.estate_id, row.key): row.value for row in estate_queries.settings_rows(session)}
            self._version, self._built = version, {}
        return self._rows

    def for_estate(self, estate_id: int | None) -> EstateSettings:
        """The effective settings of an estate (None: the company's)."""
        stored = self._stored()
        if estate_id not in self._built:
            values = dict(self._defaults)
            sources = {name: ENVIRONMENT if f.env else DEFAULT for name, f in FIELDS.items()}
            for level, source in ((None, COMPANY), (estate_id, ESTATE)):
                for name in FIELDS:
                    if (level, name) in stored and (source == COMPANY or estate_id is not None):
                        values[name], sources[name] = stored[(level, name)], source
            self._built[estate_id] = EstateSettings(estate_id, values, sources)
        return self._built[estate_id]

    def change(self, estate_id: int | None, estate_name: str, name: str, raw: Any, actor: str) -> tuple[Any, Any]:
        """Check and store a value (raw None: back to the level above); returns (old, new) effective
        values. SettingsError names the estate and the field when the value is refused."""
        if raw is None:
            found, value = settings_schema.field(name), None
        else:
            found, value = settings_schema.parse(estate_name, name, raw)
        current = self.for_estate(estate_id)
        if value is not None and found.name in _CLOCK_FIELDS:
            trial = EstateSettings(estate_id, {**current.values, found.name: value}, current.sources)
            try:  # hours, days and holidays together must leave some service time
                trial.clock.add(utcnow(), 1)
            except ValueError as exc:
                raise SettingsError(f"{estate_name}: {found.name}: {exc}") from None
        with session_scope(self.sessions) as session:
            estate_queries.put_setting(session, estate_id, found.name, value, actor, utcnow())
        self.freshness.expire()
        return current[found.name], self.for_estate(estate_id)[found.name]


_CLOCK_FIELDS = {"service_hours", "service_days", "holiday_calendar", "extra_holidays", "extra_workdays", "timezone"}


__all__ = ["COMPANY", "DEFAULT", "ENVIRONMENT", "ESTATE", "EstateSettings", "Freshness", "SettingsError", "SettingsStore"]
