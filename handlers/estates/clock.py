"""Service time of one estate: staffed periods that may cross midnight, on the estate's service days.

Like handlers/tickets/servicetime.py (whose ServiceClock it extends and whose interface it keeps: add() and
between() on naive UTC), plus what an estate needs:
- a period may cross midnight: "22:00-06:00" is a night shift that starts on a service day and ends
  the next morning, whatever the next day is; "00:00-24:00" is a whole day;
- service days come from a HolidayCalendar: weekdays, China's public holidays and 调休 make-up days.
No periods at all means every minute counts (today's behaviour with SERVICE_HOURS empty).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendar import HolidayCalendar

UTC = ZoneInfo("UTC")
DAY = 24 * 60
_SEARCH_DAYS = 800  # a deadline further than this in service time is a configuration mistake


def _minute(text: str, end: bool) -> int:
    text = text.strip()
    if end and text in ("24:00", "24:00:00"):
        return DAY
    moment = time.fromisoformat(text)
    return moment.hour * 60 + moment.minute


def parse_periods(raw: str) -> tuple[tuple[int, int], ...]:
    """'08:30-12:00,13:30-18:00' / '22:00-06:00' -> minutes from midnight (start, end), end past
    1440 for a period that crosses midnight; ValueError naming the problem."""
    periods = []
    for part in filter(None, (p.strip() for p in str(raw).split(","))):
        start, sep, end = part.partition("-")
        try:
            first, last = _minute(start, False), _minute(end, True)
        except ValueError:
            raise ValueError(f"expected HH:MM-HH:MM, got {part!r}") from None
        if not sep or first == last % DAY and last != DAY:
            raise ValueError(f"period {part!r} is empty; use 00:00-24:00 for a whole day")
        periods.append((first, last if last > first else last + DAY))
    periods.sort()
    for (_, end), (start, _) in zip(periods, periods[1:]):
        if start < end:
            raise ValueError(f"periods overlap in {raw!r}")
    if len(periods) > 1 and periods[-1][1] - DAY > periods[0][0]:
        raise ValueError(f"the night period overlaps the next morning's in {raw!r}")
    return tuple(periods)


def format_periods(periods: tuple[tuple[int, int], ...]) -> str:
    """The periods written back as text: ((1320, 1800),) -> '22:00-06:00'."""
    def clock(minute: int) -> str:
        return "24:00" if minute == DAY else f"{minute % DAY // 60:02d}:{minute % 60:02d}"
    return ",".join(f"{clock(start)}-{clock(end if end == DAY else end % DAY)}" for start, end in periods)


class EstateClock:
    """Adds service minutes to a moment, skipping breaks, nights, days off, holidays; working 调休 days."""

    def __init__(self, periods: tuple[tuple[int, int], ...], calendar: HolidayCalendar, zone: ZoneInfo):
        self.periods, self.calendar, self.zone = periods, calendar, zone

    def _shifts(self, day: date):
        """The staffed intervals that start on this local day, as aware datetimes."""
        if not self.calendar.is_service_day(day):
            return
        midnight = datetime.combine(day, time.min)
        for start, end in self.periods:
            # wall-clock arithmetic, then the zone: a DST change inside a shift is taken as the clock shows it
            yield ((midnight + timedelta(minutes=start)).replace(tzinfo=self.zone),
                   (midnight + timedelta(minutes=end)).replace(tzinfo=self.zone))

    def add(self, start_utc: datetime, minutes: float) -> datetime:
        """The moment (naive UTC) when `minutes` of service time have passed after start_utc."""
        if not self.periods:
            return start_utc + timedelta(minutes=minutes)
        moment = start_utc.replace(tzinfo=UTC).astimezone(self.zone)
        left = timedelta(minutes=minutes)
        day = moment.date() - timedelta(days=1)  # last night's shift may still be on
        for _ in range(_SEARCH_DAYS):
            for begin, end in self._shifts(day):
                begin = max(begin, moment)
                if end <= begin:
                    continue
                if begin + left <= end:
                    return (begin + left).astimezone(UTC).replace(tzinfo=None)
                left -= end - begin
            day += timedelta(days=1)
        raise ValueError("service time never reaches the deadline (check service_hours, service_days, holidays)")

    def between(self, start_utc: datetime, end_utc: datetime) -> timedelta:
        """Service time elapsed between two moments (naive UTC)."""
        if not self.periods or end_utc <= start_utc:
            return max(end_utc - start_utc, timedelta(0))
        begin = start_utc.replace(tzinfo=UTC).astimezone(self.zone)
        finish = end_utc.replace(tzinfo=UTC).astimezone(self.zone)
        total, day = timedelta(0), begin.date() - timedelta(days=1)
        while day <= finish.date():
            for start, end in self._shifts(day):
                total += max(min(end, finish) - max(start, begin), timedelta(0))
            day += timedelta(days=1)
        return total

    def is_open(self, moment_utc: datetime) -> bool:
        """True when the desk is staffed at this moment."""
        return self.between(moment_utc, moment_utc + timedelta(seconds=1)) > timedelta(0)
