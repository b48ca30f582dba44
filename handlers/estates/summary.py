"""What `wuye estate list/show` (and later the API) say about estates, as JSON-ready data."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from storage import estate_queries

from .addresses import Directory
from .calendar import official_years, unknown_years
from .settings import SettingsStore


def estate_list(sessions: sessionmaker[Session]) -> list[dict]:
    """Every estate with its names and how many houses it has."""
    with sessions() as session:
        aliases: dict[int, list[str]] = {}
        for alias in estate_queries.aliases(session):
            aliases.setdefault(alias.estate_id, []).append(alias.alias)
        return [{"id": e.id, "name": e.name, "code": e.code, "aliases": aliases.get(e.id, []),
                 **estate_queries.estate_counts(session, e.id)} for e in estate_queries.estates(session)]


def calendar_note(settings, today: date) -> str | None:
    """A sentence when this or next year's public holidays are not known to the official calendar."""
    if settings["holiday_calendar"] != "cn":
        return None
    missing = unknown_years(today.year, today.year + 1)
    if not missing:
        return None
    first, last = official_years()
    years = "、".join(map(str, missing))
    return (f"法定节假日数据只到{last}年；{years}年按服务日（service_days）计算，并加上手工录入的节假日"
            f"（extra_holidays）和调休上班日（extra_workdays）。更新 chinesecalendar 后自动采用官方安排。")


def estate_detail(sessions: sessionmaker[Session], directory: Directory, store: SettingsStore, estate_id: int,
                  today: date) -> dict:
    """An estate: names, counts, buildings, public areas, effective settings and their sources, the
    latest setting changes, and what the calendar does not know."""
    ref = directory.estate(estate_id)
    layout = directory.layout(estate_id)
    settings = store.for_estate(estate_id)
    with sessions() as session:
        counts = estate_queries.estate_counts(session, estate_id)
        areas = [{"name": a.name, "aliases": a.aliases, "building_id": a.building_id}
                 for a in estate_queries.public_areas(session, estate_id)]
        aliases = [a.alias for a in estate_queries.aliases(session, estate_id)]
        changes = [{"at": c.at.isoformat(timespec="seconds"), "actor": c.actor, "field": c.key, "old": c.old,
                    "new": c.new} for c in estate_queries.setting_changes(session, estate_id, limit=20)]
    buildings = {key: sorted(k for k in units if k) for key, units in sorted(layout.buildings.items())}
    return {"id": ref.id, "name": ref.name, "code": ref.code, "aliases": aliases, **counts,
            "buildings": buildings, "public_areas": areas,
            "settings": {name: {"value": value, "from": settings.sources[name]}
                         for name, value in settings.values.items()},
            "changes": changes, "calendar_note": calendar_note(settings, today)}
