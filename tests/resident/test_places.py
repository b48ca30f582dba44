"""Asking which estate: a few names as examples, and a plain question when there are none to give."""
from __future__ import annotations

from types import SimpleNamespace

from handlers.resident import places


def _turn(*names: str):
    refs = [SimpleNamespace(name=name) for name in names]
    return SimpleNamespace(desk=SimpleNamespace(estates=SimpleNamespace(estates=lambda: refs)))


def test_the_question_names_up_to_three_estates():
    assert places.ask_estate(_turn("锦绣花园", "翠湖苑", "阳光城", "金地")) == \
        "请问您是哪个小区的？麻烦告诉我们小区名称（例如：锦绣花园、翠湖苑、阳光城）。"


def test_without_estates_the_question_has_no_empty_example():
    assert places.ask_estate(_turn()) == "请问您是哪个小区的？麻烦告诉我们小区名称。"
