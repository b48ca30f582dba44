"""Changing the estate directory: estates, the names residents use for them, building aliases and
public areas. One word never names two estates: names, codes and aliases are checked together."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from storage import estate_queries
from storage.db import session_scope

from .normalise import alias_key, building_key


class EstateError(ValueError):
    """A change of the directory was refused; the message says why in Chinese (English in brackets)."""


def _owners(session: Session) -> dict[str, tuple[int, str]]:
    """Every name, code and alias key -> (estate id, estate name)."""
    estates = estate_queries.estates(session)
    names = {e.id: e.name for e in estates}
    owners = {alias_key(e.name): (e.id, e.name) for e in estates}
    owners.update({alias_key(e.code): (e.id, e.name) for e in estates if e.code})
    owners.update({a.key: (a.estate_id, names[a.estate_id]) for a in estate_queries.aliases(session)})
    return owners


def _check_free(owners: dict, word: str, estate_id: int | None = None) -> str:
    key = alias_key(word)
    if not key or len(word.strip()) > 64:
        raise EstateError(f"名称“{word}”不能为空或超过64个字 (empty or too long)")
    if key in owners and owners[key][0] != estate_id:
        raise EstateError(f"“{word}”已是{owners[key][1]}的名称或别名 (already names {owners[key][1]})")
    return key


def find(session: Session, name: str):
    """The estate a name, code or alias stands for; EstateError when none."""
    owner = _owners(session).get(alias_key(name))
    if owner is None:
        raise EstateError(f"没有名为“{name}”的小区 (no estate named {name!r})")
    return next(e for e in estate_queries.estates(session) if e.id == owner[0])


def add_estate(sessions: sessionmaker[Session], name: str, code: str | None = None,
               aliases: tuple[str, ...] = ()) -> int:
    """Create an estate with its code and aliases; returns its id."""
    with session_scope(sessions) as session:
        owners = _owners(session)
        for word in (name, *([code] if code else []), *aliases):
            _check_free(owners, word)
        if len({alias_key(w) for w in (name, *([code] if code else []), *aliases)}) < 1 + bool(code) + len(aliases):
            raise EstateError("名称、代码和别名不能重复 (name, code and aliases must differ)")
        estate = estate_queries.add_estate(session, name.strip(), code.strip() if code else None)
        for alias in aliases:
            estate_queries.add_alias(session, estate.id, alias.strip(), alias_key(alias))
        return estate.id


def add_alias(sessions: sessionmaker[Session], estate_name: str, alias: str) -> str:
    """Give an estate one more name residents use; returns the estate's name."""
    with session_scope(sessions) as session:
        estate = find(session, estate_name)
        owners = _owners(session)
        key = _check_free(owners, alias, estate.id)
        if key not in owners:
            estate_queries.add_alias(session, estate.id, alias.strip(), key)
        return estate.name


def remove_alias(sessions: sessionmaker[Session], estate_name: str, alias: str) -> str:
    """Take an alias away (the name and code stay); returns the estate's name."""
    with session_scope(sessions) as session:
        estate = find(session, estate_name)
        if not estate_queries.remove_alias(session, estate.id, alias_key(alias)):
            raise EstateError(f"{estate.name}没有别名“{alias}” (no such alias)")
        return estate.name


def building_aliases(sessions: sessionmaker[Session], estate_name: str, building: str, aliases: list[str]) -> str:
    """Set the aliases of a building ("A座", "东楼"); returns the building's key."""
    with session_scope(sessions) as session:
        estate = find(session, estate_name)
        key = building_key(building) or building
        if not estate_queries.set_building_aliases(session, estate.id, key, [a.strip() for a in aliases if a.strip()]):
            raise EstateError(f"{estate.name}没有{building}栋 (no such building)")
        return key


def public_area(sessions: sessionmaker[Session], estate_name: str, name: str, aliases: list[str],
                building: str | None = None) -> None:
    """Add or change a public area (车库, 电梯厅, 会所, 大门), optionally of one building."""
    with session_scope(sessions) as session:
        estate = find(session, estate_name)
        building_id = None
        if building:
            building_id = estate_queries.building_id(session, estate.id, building_key(building) or building)
            if building_id is None:
                raise EstateError(f"{estate.name}没有{building}栋 (no such building)")
        if not name.strip() or len(name.strip()) > 32:
            raise EstateError("公共区域名称不能为空或超过32个字 (empty or too long)")
        estate_queries.put_public_area(session, estate.id, name.strip(), [a.strip() for a in aliases if a.strip()],
                                       building_id)
