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


def test_long_texts_are_not_kept(nlu, monkeypatch):
    reads = []
    real = nlu._parse_embedded
    monkeypatch.setattr(nlu, "_parse_embedded", lambda text, analysis: reads.append(text) or real(text, analysis))
    long_words = "楼上漏水到我家天花板，" * 30          # 300 characters: read each time, never kept
    nlu.parse(long_words)
    nlu.parse(long_words)
    assert reads == [long_words, long_words]
