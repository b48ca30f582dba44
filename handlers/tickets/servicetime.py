"""Service time: deadlines of ordinary work count only the hours the desk is staffed.

SERVICE_HOURS lists the staffed periods of a day in the estate's time zone, breaks being the gaps
("08:30-12:00,13:30-18:00" has a lunch break); SERVICE_DAYS the weekdays (1 = Monday ... 7 =
Sunday, ranges allowed: "1-5", "1-7"). Urgent work ignores both: it is watched around the clock
(24小时值班). An empty SERVICE_HOURS means every hour counts. config.values reads both settings.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class ServiceClock:
    """Adds working minutes to a moment, skipping breaks, nights and days off."""

    def __init__(self, hours: tuple[tuple[time, time], ...], days: frozenset[int], zone: ZoneInfo):
        self.hours, self.days, self.zone = hours, days, zone

    def _periods(self, day: date):
        if day.weekday() not in self.days:
            return
        for start, end in self.hours:
            yield (datetime.combine(day, start, tzinfo=self.zone), datetime.combine(day, end, tzinfo=self.zone))

    def add(self, start_utc: datetime, minutes: float) -> datetime:
        """The moment (naive UTC) when `minutes` of service time have passed after start_utc."""
        if not self.hours:
            return start_utc + timedelta(minutes=minutes)
        moment = start_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.zone)
        left = timedelta(minutes=minutes)
        week = sum(((datetime.combine(date.min, end) - datetime.combine(date.min, start)) for start, end in self.hours),
                   timedelta(0)) * len(self.days)
        if week <= timedelta(0):
            raise ValueError("no service time in a week (check SERVICE_HOURS / SERVICE_DAYS)")
        whole_weeks = int(left / week) - 1  # any seven days hold the same service time: skip them at once
        if whole_weeks > 0:
            moment += timedelta(days=7 * whole_weeks)
            left -= week * whole_weeks
        day = moment.date()
        for _ in range(15):  # at most two weeks remain to walk
            for begin, end in self._periods(day):
                if end <= moment:
                    continue
                begin = max(begin, moment)
                if begin + left <= end:
                    return (begin + left).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
                left -= end - begin
            day += timedelta(days=1)
            moment = datetime.combine(day, time.min, tzinfo=self.zone)
        raise ValueError("service time never reaches the deadline (check SERVICE_HOURS / SERVICE_DAYS)")

    def between(self, start_utc: datetime, end_utc: datetime) -> timedelta:
        """Service time elapsed between two moments (naive UTC)."""
        if not self.hours or end_utc <= start_utc:
            return max(end_utc - start_utc, timedelta(0))
        zone_start = start_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.zone)
        zone_end = end_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.zone)
        total, day = timedelta(0), zone_start.date()
        while day <= zone_end.date():
            for begin, end in self._periods(day):
                overlap = min(end, zone_end) - max(begin, zone_start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total
