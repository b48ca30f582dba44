"""When does the resident want the technician? 明天下午三点以后, 周六上午, 随时, 半小时后, 18:30.

Returns the earliest moment that fits, in the estate's local time, or `anytime` for "whenever you
can"; None when the text holds no time at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from nlu.numerals import to_int_string
from nlu.text import fold

_CN_NUM = "零一二两三四五六七八九十"
_ANYTIME = re.compile(r"随时|都(可以|行|ok|OK|在)|什么时候都|啥时候都|尽快|马上|越快越好|现在(就)?(可以|来|在家)|全天|一直在家|今天都在")
_DAY_WORDS = {"今天": 0, "今日": 0, "今晚": 0, "今早": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1,
              "后天": 2, "大后天": 3}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_PARTS = [("凌晨", 6), ("早上", 8), ("早晨", 8), ("上午", 9), ("中午", 12), ("午饭后", 13), ("下午", 14),
          ("傍晚", 17), ("晚上", 19), ("晚饭后", 19), ("今晚", 19), ("明晚", 19), ("早", 8), ("晚", 19)]
_CLOCK = re.compile(rf"(?P<h>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*(?:点|时|:|：)\s*(?P<m>半|一刻|\d{{1,2}}|[{_CN_NUM}]{{1,3}})?")
_DATE = re.compile(rf"(?:(?P<mon>\d{{1,2}})\s*月\s*)?(?P<day>\d{{1,2}})\s*[日号]")
_WEEKDAY = re.compile(r"(?P<next>下个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天末])")
_RELATIVE = re.compile(rf"(?P<n>\d+|[{_CN_NUM}]+|半)\s*(?:个)?\s*(?P<unit>小时|钟头|分钟)\s*(?:以?后|之后|内)")


@dataclass(frozen=True)
class Preference:
    text: str
    at: datetime | None        # local, timezone-aware; None with anytime
    anytime: bool = False


def _number(token: str) -> int | None:
    value = to_int_string(token)
    return int(value) if value and value.isdigit() else None


def parse(text: str, now_local: datetime) -> Preference | None:
    """The resident's preferred visit time, or None when the text names no time."""
    folded = fold(text)
    moment = _moment(folded, now_local)
    if moment is not None:
        return Preference(text.strip(), moment)
    anytime = _ANYTIME.search(folded)
    if anytime:
        return Preference(text[anytime.start():anytime.end()], None, anytime=True)
    return None


def _moment(folded: str, now_local: datetime) -> datetime | None:
    m = _RELATIVE.search(folded)
    if m:
        amount = 0.5 if m.group("n") == "半" else (_number(m.group("n")) or 0)
        delta = timedelta(hours=amount) if m.group("unit") in ("小时", "钟头") else timedelta(minutes=amount)
        return now_local + delta
    day, day_given = _day(folded, now_local)
    part_hour = next((hour for word, hour in _PARTS if word in folded), None)
    hour, minute = _clock(folded, part_hour, day_given)
    if hour is None and part_hour is None and not day_given:
        return None
    if hour is None:
        hour, minute = (part_hour if part_hour is not None else 9), 0
    moment = datetime.combine(day, datetime.min.time(), tzinfo=now_local.tzinfo).replace(hour=hour % 24,
                                                                                        minute=minute)
    if not day_given and moment < now_local:
        moment += timedelta(days=1)  # "下午三点" said at five means tomorrow
    return moment


def _day(folded: str, now_local: datetime) -> tuple[date, bool]:
    """The day named (a day word, then a weekday, then a date: the last one found wins), and whether one was."""
    day, day_given = now_local.date(), False
    for word, offset in sorted(_DAY_WORDS.items(), key=lambda kv: -len(kv[0])):
        if word in folded:
            day, day_given = now_local.date() + timedelta(days=offset), True
            break
    m = _WEEKDAY.search(folded)
    if m:
        target = _WEEKDAYS[m.group("d")]
        if m.group("next"):  # 下周X: that day of the next calendar week (weeks start on Monday)
            ahead = 7 - now_local.weekday() + target
        else:
            ahead = (target - now_local.weekday()) % 7
        day, day_given = now_local.date() + timedelta(days=ahead), True
    m = _DATE.search(folded)
    if m:
        month = int(m.group("mon")) if m.group("mon") else now_local.month
        try:
            candidate = now_local.replace(month=month, day=int(m.group("day"))).date()
        except ValueError:
            candidate = None
        if candidate is not None:
            if candidate < now_local.date():
                candidate = candidate.replace(year=candidate.year + 1) if m.group("mon") else \
                    (now_local.replace(day=1) + timedelta(days=32)).replace(day=int(m.group("day"))).date()
            day, day_given = candidate, True
    return day, day_given


def _clock(folded: str, part_hour: int | None, day_given: bool) -> tuple[int | None, int | None]:
    """The hour and minute of a clock time (3点半, 18:30), read with the part of the day; (None, None) without."""
    m = _CLOCK.search(folded)
    if not m:
        return None, None
    hour = _number(m.group("h"))
    raw_minute = m.group("m")
    minute = 30 if raw_minute == "半" else 15 if raw_minute == "一刻" else (_number(raw_minute) if raw_minute else 0)
    if hour is None or hour > 24 or minute is None or minute > 59:
        return None, None
    if part_hour is not None and part_hour >= 12 and hour < 12:
        hour += 12  # 下午3点 -> 15:00
    elif part_hour is None and hour < 7 and not day_given:
        hour += 12  # "3点以后" said in the daytime means the afternoon
    return hour, minute
