"""The embedded backend's answers are kept per process: the same words are read by the model once, and
every caller gets an answer of its own to change."""
from __future__ import annotations


def test_the_same_words_are_read_once_and_each_caller_owns_its_answer(nlu, monkeypatch):
    reads = []
    real = nlu._parse_embedded
    monkeypatch.setattr(nlu, "_parse_embedded", lambda text, analysis: reads.append(text) or real(text, analysis))
    words = "7栋还是没电 缓存测试"
    first = nlu.parse(words)
    first["entities"].clear()
    first["intent"]["name"] = "changed"
    second = nlu.parse(words)
    assert reads == [words]
    assert second["intent"]["name"] != "changed" and second["entities"] and second["text"] == words
    nlu.parse(words + "啊")
    assert reads == [words, words + "啊"]


def test_rasa_answers_are_not_kept(nlu, monkeypatch):
    calls = []
    monkeypatch.setattr(nlu, "_rasa", type("Rasa", (), {"parse": lambda self, text: calls.append(text) or
                                                        {"text": text, "intent": {"name": "inquiry", "confidence": 0.9},
                                                         "intent_ranking": [], "entities": []}})())
    nlu.parse("请问物业费怎么交 缓存", backend="rasa")
    nlu.parse("请问物业费怎么交 缓存", backend="rasa")
    assert calls == ["请问物业费怎么交 缓存"] * 2
