"""Labelled YAML files (etiquette examples, knowledge-base questions): one list under one key."""
from __future__ import annotations

from pathlib import Path

import yaml


def read_list(path: Path, key: str, what: str, error: type[ValueError] = ValueError) -> list:
    """The non-empty list under `key` of a YAML file; `error` with one line naming the file otherwise."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read the {what} ({' '.join(str(exc).split())})") from None
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise error(f"{path}: expected a list under '{key}', not empty")
    return items
