"""Per-estate knowledge (issue 14): the company's entries with an estate's entries laid over them.

An estate entry with the id of a company entry replaces the fields it gives (often only the
answer: fees, office hours and phone numbers differ) and keeps the others; `removed: true` drops
the company entry for that estate (an estate without a pool); an entry with a new id is added and
needs the fields of any entry. Entries come as dicts with the YAML's fields, from a file or from
the database.
"""
from __future__ import annotations

from dataclasses import replace

from .entries import Entry, KnowledgeBaseError, parse_entries

_FIELDS = ("topic", "questions", "keywords", "answer")


def _override(entry: Entry, item: dict, where: str) -> Entry:
    changes = {}
    for field in _FIELDS:
        if field not in item:
            continue
        value = item[field]
        if field in ("questions", "keywords"):
            if not isinstance(value, list) or (field == "questions" and not value):
                raise KnowledgeBaseError(f"{where}: {field} must be a list" + (", not empty" if field == "questions" else ""))
            value = tuple(map(str, value))
        elif not str(value).strip():
            raise KnowledgeBaseError(f"{where}: {field} is empty")
        changes[field] = value if field in ("questions", "keywords") else str(value).strip()
    return replace(entry, **changes)


def layer(company: list[Entry], estate: list, where: str = "estate") -> list[Entry]:
    """The company's entries with the estate's overrides, removals and additions, in the company's order."""
    merged = {entry.id: entry for entry in company}
    added, seen = [], set()
    for number, item in enumerate(estate, 1):
        place = f"{where}: entry {number}"
        if not isinstance(item, dict) or not item.get("id"):
            raise KnowledgeBaseError(f"{place}: expected a mapping with an id")
        key = str(item["id"])
        if key in seen:
            raise KnowledgeBaseError(f"{place}: id {key!r} is used twice")
        seen.add(key)
        if item.get("removed"):
            merged.pop(key, None)
        elif key in merged:
            merged[key] = _override(merged[key], item, f"{place} ({key})")
        else:
            added.extend(parse_entries([item], f"{place} ({key})"))
    entries = list(merged.values()) + added
    if len(entries) < 2:
        raise KnowledgeBaseError(f"{where}: needs at least two entries to choose between")
    return entries
