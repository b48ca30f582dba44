"""The fourth independent question split loads and names only entries that exist.

Only the entries' ids are loaded from the knowledge base; the split's labels are not checked
against any answer here (it is measured once, never tuned on).
"""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPLIT = ROOT / "tests" / "data" / "kb_queries_fresh4.yml"
KNOWLEDGE = ROOT / "handlers" / "knowledge" / "data" / "knowledge.yml"


def _queries() -> list[dict]:
    return yaml.safe_load(SPLIT.read_text(encoding="utf-8"))["queries"]


def test_the_split_loads_with_a_text_and_an_expected_key_per_question():
    queries = _queries()
    assert len(queries) >= 170
    assert all(set(q) == {"text", "expected"} and isinstance(q["text"], str) and q["text"] for q in queries)
    assert len({q["text"] for q in queries}) == len(queries)


def test_every_expected_entry_exists_in_the_knowledge_base():
    ids = {entry["id"] for entry in yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))["entries"]}
    expected = {q["expected"] for q in _queries()} - {None}
    assert expected <= ids, sorted(expected - ids)
