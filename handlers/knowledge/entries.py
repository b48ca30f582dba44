"""Knowledge entries: read from the YAML file the property company edits, or from a list of dicts."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class KnowledgeBaseError(Exception):
    """The knowledge file is missing, unreadable or malformed; the message says where."""


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str


def read_file(path: Path) -> list[dict]:
    """The raw entries of a knowledge file; KnowledgeBaseError naming the file otherwise."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeBaseError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise KnowledgeBaseError(f"{path}: expected a mapping with a list under 'entries'")
    return document["entries"]


def parse_entries(items: list, where: str) -> list[Entry]:
    """Check and convert dicts with the YAML's fields (id, topic, questions, keywords, answer)."""
    entries, seen = [], set()
    for number, item in enumerate(items, 1):
        place = f"{where}: entry {number}"
        if not isinstance(item, dict):
            raise KnowledgeBaseError(f"{place}: expected id, topic, questions, keywords, answer")
        missing = [k for k in ("id", "questions", "answer") if not item.get(k)]
        if missing:
            raise KnowledgeBaseError(f"{place}: missing {', '.join(missing)}")
        if not isinstance(item["questions"], list) or not isinstance(item.get("keywords") or [], list):
            raise KnowledgeBaseError(f"{place}: questions and keywords must be lists")
        if item["id"] in seen:
            raise KnowledgeBaseError(f"{place}: id {item['id']!r} is used twice")
        seen.add(item["id"])
        entries.append(Entry(str(item["id"]), str(item.get("topic", "")), tuple(map(str, item["questions"])),
                             tuple(map(str, item.get("keywords") or ())), str(item["answer"]).strip()))
    return entries
