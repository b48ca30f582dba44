"""The settings an estate may have, how each is checked, and its company default.

Precedence, highest first: the estate's value, the company's value (`wuye estate set --company`),
the environment (config.load_config: SLA_*, SERVICE_HOURS, TELEGRAM_* ...), the built-in default.
A deployment that sets nothing therefore behaves as before estates existed. Values arrive as text
from the command line or as JSON from the API; each field turns either into the stored JSON value
or raises ValueError with a message the caller prefixes with the estate and the field.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

import yaml

import config as service_config

from .clock import format_periods, parse_periods

_ENV = {setting.name: setting for setting in service_config.SETTINGS}
FOLLOWUP_POLICIES = ("never", "skip_if_rated", "always")


class SettingsError(ValueError):
    """A setting was refused; the message names the estate and the field."""


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    default: Callable[[dict], Any]   # from the service's configuration
    help: str
    env: str | None = None           # the environment variable the default comes from


def _env(name: str) -> Callable[[Any], Any]:
    """The environment setting's own check, so both places accept the same values."""
    def parse(raw: Any) -> Any:
        value = _ENV[name].parse(str(raw))
        return int(value) if isinstance(value, float) and value.is_integer() else value  # 90, not 90.0
    return parse


def _list(raw: Any) -> list:
    """A JSON list, or comma-separated text."""
    if isinstance(raw, (list, tuple)):
        return list(raw)
    text = str(raw).strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _ids(raw: Any) -> list[int]:
    try:
        return [int(value) for value in _list(raw)]
    except (TypeError, ValueError):
        raise ValueError(f"expected numeric Telegram ids separated by commas, got {raw!r}") from None


def _hours(raw: Any) -> str:
    return format_periods(parse_periods(str(raw)))


def parse_dates(raw: Any) -> list[str]:
    """'2027-02-05..2027-02-11,2027-04-05' -> every date, ISO, sorted."""
    days: set[date] = set()
    for part in _list(raw):
        first, _, last = str(part).partition("..")
        try:
            start, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
        except ValueError:
            raise ValueError(f"expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got {part!r}") from None
        if not 0 <= (end - start).days <= 366:
            raise ValueError(f"range {part!r} runs backwards or spans more than a year")
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return sorted(day.isoformat() for day in days)


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = str(raw).strip().lower()
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {raw!r}")
        return value
    return parse


def _routes(raw: Any) -> dict[str, int]:
    if isinstance(raw, dict):
        return {str(key): int(chat) for key, chat in raw.items()}
    return dict(_ENV["TELEGRAM_GROUP_ROUTES"].parse(str(raw)))


def _phrases(raw: Any) -> list[str]:
    phrases = [str(p).strip() for p in _list(raw)]
    if any(not p or len(p) > 32 for p in phrases):
        raise ValueError("each banned phrase must have 1 to 32 characters")
    return phrases


def _knowledge(raw: Any) -> list[dict]:
    """Entries with the knowledge file's fields: id, topic, questions, keywords, answer."""
    items = yaml.safe_load(raw) if isinstance(raw, str) else raw
    if isinstance(items, dict):
        items = items.get("entries")
    if not isinstance(items, list):
        raise ValueError("expected a list of entries (id, topic, questions, keywords, answer)")
    entries, seen = [], set()
    for number, item in enumerate(items, 1):
        missing = [key for key in ("id", "questions", "answer") if not isinstance(item, dict) or not item.get(key)]
        if missing:
            raise ValueError(f"entry {number}: missing {', '.join(missing)}")
        if str(item["id"]) in seen:
            raise ValueError(f"entry {number}: id {item['id']!r} is used twice")
        seen.add(str(item["id"]))
        entries.append({"id": str(item["id"]), "topic": str(item.get("topic", "")),
                        "questions": [str(q) for q in _list(item["questions"])],
                        "keywords": [str(k) for k in _list(item.get("keywords") or [])],
                        "answer": str(item["answer"]).strip()})
    return entries


def _sla(name: str, help_: str) -> Field:
    return Field(name.lower(), _env(name), lambda c, n=name: c[n], help_, name)


FIELDS: dict[str, Field] = {field.name: field for field in (
    *(_sla(s.name, s.help) for s in service_config.SETTINGS if s.name.startswith("SLA_")),
    Field("timezone", _env("TIMEZONE"), lambda c: c["TIMEZONE"], "time zone of the estate", "TIMEZONE"),
    Field("service_hours", _hours, lambda c: c["SERVICE_HOURS"],
          "staffed periods, may cross midnight: 08:30-12:00,13:30-18:00 or 22:00-06:00; empty: around the clock",
          "SERVICE_HOURS"),
    Field("service_days", _env("SERVICE_DAYS"), lambda c: c["SERVICE_DAYS"], "staffed weekdays, 1 = Monday: 1-5",
          "SERVICE_DAYS"),
    Field("holiday_calendar", _choice("cn", "none"), lambda c: "none",
          "cn: China's public holidays are days off and 调休 days are working days; none: weekdays only"),
    Field("extra_holidays", parse_dates, lambda c: [], "days off entered by hand: 2027-02-05..2027-02-11,2027-04-05"),
    Field("extra_workdays", parse_dates, lambda c: [], "working days entered by hand (调休): 2027-02-20"),
    Field("staff_group", _env("TELEGRAM_STAFF_CHAT_ID"), lambda c: c["TELEGRAM_STAFF_CHAT_ID"], "staff group chat id",
          "TELEGRAM_STAFF_CHAT_ID"),
    Field("group_routes", _routes, lambda c: dict(c["TELEGRAM_GROUP_ROUTES"]),
          "categories or kinds to staff groups: water,lift=-1001;complaint=-1002", "TELEGRAM_GROUP_ROUTES"),
    Field("manager_chats", _ids, lambda c: list(c["TELEGRAM_MANAGER_CHAT_IDS"]), "manager chat ids",
          "TELEGRAM_MANAGER_CHAT_IDS"),
    Field("supervisors", _ids, lambda c: [], "Telegram user ids of the estate's supervisors (主管)"),
    Field("managers", _ids, lambda c: [], "Telegram user ids of the estate's project managers (项目经理)"),
    Field("followup_policy", _choice(*FOLLOWUP_POLICIES), lambda c: "always",
          "回访 after work is done: never, skip_if_rated, always"),
    Field("followup_delay_minutes", _env("FOLLOWUP_DELAY_MINUTES"), lambda c: c["FOLLOWUP_DELAY_MINUTES"],
          "from work done to the follow-up survey", "FOLLOWUP_DELAY_MINUTES"),
    Field("incident_threshold", _env("INCIDENT_THRESHOLD"), lambda c: c["INCIDENT_THRESHOLD"],
          "households reporting one outage of one place that open an incident", "INCIDENT_THRESHOLD"),
    Field("incident_window_minutes", _env("INCIDENT_WINDOW_MINUTES"), lambda c: c["INCIDENT_WINDOW_MINUTES"],
          "... within this many minutes", "INCIDENT_WINDOW_MINUTES"),
    Field("incident_followup_sample", _env("INCIDENT_FOLLOWUP_SAMPLE"), lambda c: c["INCIDENT_FOLLOWUP_SAMPLE"],
          "share of an outage's households surveyed (回访) after it is resolved: 0 none, 1 all",
          "INCIDENT_FOLLOWUP_SAMPLE"),
    Field("banned_phrases", _phrases, lambda c: [], "extra banned phrases (服务禁用语) for this estate"),
    Field("knowledge", _knowledge, lambda c: [], "knowledge entries of this estate, over the company's file"),
    Field("privacy_retention_days", _env("PRIVACY_RETENTION_DAYS"), lambda c: c["PRIVACY_RETENTION_DAYS"],
          "days residents' personal data is kept after their last contact (then anonymised by the daily purge)",
          "PRIVACY_RETENTION_DAYS"),
)}


def field(name: str) -> Field:
    """The field of this name (case-insensitive; SLA_ARRIVAL_MINUTES works too); ValueError if none."""
    found = FIELDS.get(str(name).strip().lower())
    if found is None:
        raise ValueError(f"unknown setting {name!r}; known: {', '.join(FIELDS)}")
    return found


def parse(estate: str, name: str, raw: Any) -> tuple[Field, Any]:
    """The field and the value to store; SettingsError '<estate>: <field>: <problem>' when refused."""
    try:
        found = field(name)
    except ValueError as exc:
        raise SettingsError(f"{estate}: {exc}") from None
    try:
        return found, found.parse(raw)
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{estate}: {found.name}: {' '.join(str(exc).split())}") from None
