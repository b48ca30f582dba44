"""Periods of local dates that reports and lists cover (from/to, a week, a month)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..desk import Desk

MAX_DAYS = 366


class PeriodError(ValueError):
    """A period that cannot be used; the message is for the manager."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        """2026年11月1日 至 11月30日."""
        if self.first == self.last:
            return f"{self.first.year}年{self.first.month}月{self.first.day}日"
        end = f"{self.last.month}月{self.last.day}日" if self.last.year == self.first.year else \
            f"{self.last.year}年{self.last.month}月{self.last.day}日"
        return f"{self.first.year}年{self.first.month}月{self.first.day}日 至 {end}"

    def args(self) -> dict[str, str]:
        """The period as list/report parameters."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}

    def previous(self) -> "Period":
        """The period of the same length just before."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def today(desk: Desk) -> date:
    """The estate's local date now."""
    return desk.local(desk.now()).date()


def bounds(desk: Desk, first: date, last: date) -> tuple[datetime, datetime]:
    """Naive-UTC start and end of local days first..last inclusive."""
    return (desk.to_utc(datetime.combine(first, time.min)),
            desk.to_utc(datetime.combine(last + timedelta(days=1), time.min)))


def _date(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise PeriodError(f"{name}“{raw[:20]}”不是有效日期，请使用 2026-11-01 这样的格式。") from None


def parse(desk: Desk, first_raw: str | None, last_raw: str | None, default_days: int = 30) -> Period:
    """The period asked for (default: the last `default_days` days up to today)."""
    last = _date(last_raw, "结束日期") or today(desk)
    first = _date(first_raw, "开始日期") or last - timedelta(days=default_days - 1)
    if first > last:
        raise PeriodError("开始日期不能晚于结束日期。")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(f"统计周期最长{MAX_DAYS}天，请缩短日期范围。")
    return Period(first, last)


def week_of(day: date) -> Period:
    """Monday to Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    """The calendar month holding `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))
