"""The second long-message split (nlu/data/test_long2.yml) loads and every message carries valid labels."""
from pathlib import Path

import yaml

SPLIT = Path(__file__).resolve().parents[2] / "nlu" / "data" / "test_long2.yml"
INTENTS = {"repair", "complaint", "inquiry"}


def messages():
    return yaml.safe_load(SPLIT.read_text(encoding="utf-8"))["messages"]


def test_every_message_has_the_five_keys_with_valid_values():
    items = messages()
    assert len(items) >= 160
    for item in items:
        assert set(item) == {"title", "text", "intent", "secondary", "urgent"}, item
        assert item["title"].strip() and item["text"].strip(), item
        assert item["intent"] in INTENTS, item
        assert item["secondary"] is None or item["secondary"] in INTENTS - {item["intent"]}, item
        assert isinstance(item["urgent"], bool), item
        assert item["intent"] == "repair" or item["urgent"] is False, item


def test_no_two_messages_alike():
    texts = ["".join(item["text"].split()) for item in messages()]
    assert len(set(texts)) == len(texts)
