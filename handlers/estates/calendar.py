"""Which days an estate's desk is staffed: its weekdays, China's public holidays and 调休 make-up days.

The official calendar comes from the maintained `chinesecalendar` package (the State Council's
notice for a year is added to it when published, usually in November or December of the year before).
For a year the installed package does not know yet, the estate's weekdays apply, plus the holidays
and make-up days entered by hand (settings extra_holidays / extra_workdays); this is logged once per
year and process, and `unknown_years()` lets the command line say so. Hand entries win over the
official calendar in every year, so a local arrangement can be recorded too.
"""
from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[int] = set()


@lru_cache(maxsize=1)
def official_years() -> tuple[int, int]:
    """The first and last year the installed chinesecalendar knows."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def unknown_years(*years: int) -> list[int]:
    """The years among these that the official calendar does not cover."""
    first, last = official_years()
    return [year for year in years if not first <= year <= last]


class HolidayCalendar:
    """Service days of one estate."""

    def __init__(self, service_days: frozenset[int], official: bool = True,
                 extra_holidays: frozenset[date] = frozenset(), extra_workdays: frozenset[date] = frozenset()):
        self.service_days, self.official = service_days, official
        self.extra_holidays, self.extra_workdays = extra_holidays, extra_workdays

    def is_service_day(self, day: date) -> bool:
        """True when the desk is staffed on this (local) day."""
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if self.official and self._known(day.year):
            if day in chinese_calendar.workdays:   # 调休: a weekend day worked in lieu of a holiday
                return True
            if day in chinese_calendar.holidays:
                return False
        return day.weekday() in self.service_days

    def describe(self, day: date) -> str | None:
        """The holiday or make-up day this day is, in Chinese (法定节假日 / 调休上班), or None."""
        if day in self.extra_workdays:
            return "调休上班（手工录入）"
        if day in self.extra_holidays:
            return "节假日（手工录入）"
        if not (self.official and self._known(day.year)):
            return None
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name is None:
            return None
        try:
            chinese = chinese_calendar.Holiday(name).chinese
        except ValueError:
            chinese = name
        return f"{chinese}{'假期' if on_holiday else '调休上班'}"

    def has_service_days(self) -> bool:
        """False when no weekday is staffed and nothing was entered by hand."""
        return bool(self.service_days or self.extra_workdays)

    @staticmethod
    def _known(year: int) -> bool:
        if not unknown_years(year):
            return True
        if year not in _warned:
            _warned.add(year)
            log.warning("chinesecalendar %s knows the years %s-%s only: %s uses the service weekdays plus the "
                        "holidays entered by hand (extra_holidays / extra_workdays)",
                        chinese_calendar.__version__, *official_years(), year)
        return False
