"""Readers of setting values: each takes the raw text and returns the value, or raises ValueError with a
message that names what was expected (config.load_config puts the setting's name in front)."""
from __future__ import annotations

import base64
from datetime import time
from typing import Callable
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def integer(minimum: int = 0) -> Callable[[str], int]:
    """A whole number of at least `minimum`."""
    def parse(raw: str) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
        if value < minimum:
            raise ValueError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def decimal(low: float, high: float) -> Callable[[str], float]:
    """A number between low and high."""
    def parse(raw: str) -> float:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, got {value}")
        return value
    return parse


def minutes(raw: str) -> float:
    """Minutes, decimals allowed (0.05 is three seconds, handy for drills and tests)."""
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValueError(f"expected a number of minutes, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"must be more than 0 minutes, got {raw!r}")
    return value


def boolean(raw: str) -> bool:
    """true/false, yes/no, on/off, 1/0."""
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def choice(*options: str) -> Callable[[str], str]:
    """One of the options (case-insensitive)."""
    def parse(raw: str) -> str:
        value = str(raw).strip().lower()
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {raw!r}")
        return value
    return parse


def url(*schemes: str) -> Callable[[str], str]:
    """A URL with one of these schemes."""
    def parse(raw: str) -> str:
        value = str(raw).strip()
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
            raise ValueError(f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}, got {raw!r}")
        return value
    return parse


def database_url(raw: str) -> str:
    """A SQLite or PostgreSQL URL, in the form SQLAlchemy uses with psycopg 3."""
    value = str(raw).strip()
    if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ValueError(f"expected a sqlite:// or postgresql:// URL, got {raw!r}")
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://"):]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://"):]
    return value


def aes_key(raw: str) -> str:
    """WeChat's 43-character EncodingAESKey."""
    value = str(raw).strip()
    try:
        ok = len(value) == 43 and len(base64.b64decode(value + "=")) == 32
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("expected the 43-character EncodingAESKey from the WeChat console")
    return value


def chat_id(raw: str) -> int:
    """A numeric Telegram chat id."""
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueError(f"expected a numeric Telegram chat id, got {raw!r}") from None


def chat_ids(raw: str) -> tuple[int, ...]:
    """Comma-separated chat ids."""
    parts = [p for p in str(raw).replace(" ", "").split(",") if p]
    return tuple(chat_id(p) for p in parts)


def routes(raw: str) -> tuple[tuple[str, int], ...]:
    """'water,drain,lift=-1001;complaint,inquiry=-1002' -> ((water, -1001), ...)."""
    found = []
    for part in filter(None, (p.strip() for p in str(raw).split(";"))):
        keys, sep, chat = part.partition("=")
        if not sep or not keys.strip():
            raise ValueError(f"expected 'category,category=chat_id;...', got {part!r}")
        group = chat_id(chat)
        found += [(key.strip(), group) for key in keys.split(",") if key.strip()]
    return tuple(found)


def seconds_list(raw: str) -> tuple[int, ...]:
    """Comma-separated waits in seconds."""
    try:
        values = tuple(int(v) for v in str(raw).replace(" ", "").split(",") if v)
    except ValueError:
        raise ValueError(f"expected comma-separated seconds, got {raw!r}") from None
    if not values or min(values) < 0:
        raise ValueError(f"expected comma-separated seconds, got {raw!r}")
    return values


def service_hours(raw: str) -> str:
    """SERVICE_HOURS, checked (kept as written; parse_hours reads it)."""
    parse_hours(str(raw))
    return str(raw).strip()


def service_days(raw: str) -> str:
    """SERVICE_DAYS, checked (kept as written; parse_days reads it)."""
    parse_days(str(raw))
    return str(raw).strip()


def parse_hours(raw: str) -> tuple[tuple[time, time], ...]:
    """'08:30-12:00,13:30-18:00' -> ((08:30, 12:00), (13:30, 18:00)); ValueError when malformed."""
    periods = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"expected HH:MM-HH:MM, got {part!r}")
        begin, finish = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        if finish <= begin:
            raise ValueError(f"period {part!r} ends before it starts")
        periods.append((begin, finish))
    periods.sort()
    for (_, end), (start, _) in zip(periods, periods[1:]):
        if start < end:
            raise ValueError(f"periods overlap in {raw!r}")
    return tuple(periods)


def parse_days(raw: str) -> frozenset[int]:
    """'1-5,7' -> {0, 1, 2, 3, 4, 6} (Python weekdays); ValueError when malformed."""
    days: set[int] = set()
    for part in filter(None, (p.strip() for p in raw.split(","))):
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= 7:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {part!r}")
        days.update(range(first - 1, last))
    if not days:
        raise ValueError("no service days")
    return frozenset(days)


def clock_time(raw: str) -> str:
    """A local time of day, HH:MM."""
    try:
        time.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(f"expected HH:MM, got {raw!r}") from None
    return str(raw).strip()


def timezone(raw: str) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(str(raw).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {raw!r}") from None
    return str(raw).strip()


def text(raw: str) -> str:
    """Any text, stripped."""
    return str(raw).strip()
