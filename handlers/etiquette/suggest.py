"""The polite reply offered for a blocked one: its rewrite when that passes, else a safe stock reply."""
from __future__ import annotations

import re
from typing import Callable

from nlu.text import fold

from .rewrite import rewrite_content
from .rules import Rules
from .verdict import Violation

ROUNDS = 3      # a rewrite that still holds banned words is rewritten again, at most this often

_TICKET = re.compile(r"[a-z]{2,4}-\d{6,8}-\d{2,6}", re.IGNORECASE)
_NUM = "[0-9一二两三四五六七八九十]"
_DAY = "(?:今天|明天|后天|今晚|明早|周[一二三四五六日天]|星期[一二三四五六日天])"
_PART = "(?:上午|下午|中午|晚上|早上|傍晚)"
_CLOCK = rf"(?:{_NUM}{{1,3}}(?:点|:\d\d)(?:半|{_NUM}{{1,2}}分)?)"
_TIME = re.compile(rf"{_DAY}?{_PART}{_CLOCK}?|{_DAY}{_CLOCK}|\d{{1,2}}:\d\d"
                   rf"|[0-9一二两三四五六七八九十半]+(?:分钟|个?小时)(?:内|以内|之内|后|左右)?")


Find = Callable[[str], list[Violation]]


def suggest(text: str, violations: list[Violation], rules: Rules, find: Find, find_words: Find,
            sounds_rude: Callable[[str], bool]) -> str:
    """The suggestion for a blocked reply; `find` gives the violations of a text (the filter's),
    `find_words` those of the rules alone, `sounds_rude` the tone model's opinion of a clause."""
    worst = max(violations, key=lambda v: rules.categories[v.category]["severity"]).category
    rewritten = _rewritten(text, violations, rules.wording.frames[worst], rules, find, (find_words, sounds_rude))
    if rewritten:
        return rewritten
    template = rules.categories[worst]["suggestion"]
    facts = _facts(text)
    if facts:
        candidate = template.format(facts=facts)
        if not find(candidate):
            return candidate
    return template.format(facts="")


def _rewritten(text: str, violations: list[Violation], frame: str, rules: Rules, find: Find,
               judges: tuple) -> str | None:
    """The reply's own words without the banned ones, framed; None when nothing passes."""
    before = len(frame.split("{reply}", 1)[0])
    content, found = text, violations
    for _ in range(ROUNDS):
        content = rewrite_content(content, found, rules.wording, *judges)
        if not content:
            return None
        candidate = frame.format(reply=content)
        found = [Violation(v.phrase, v.category, v.start - before, v.end - before) for v in find(candidate)]
        if not found:
            return candidate
        if any(v.start < 0 or v.end > len(content) for v in found):
            return None         # the frame itself reads badly with these words
    return None


def _facts(text: str) -> str:
    """Ticket codes and times of the original reply, as a short parenthesis for the suggestion."""
    folded = fold(text)
    parts = [f"工单号 {text[m.start():m.end()]}" for m in _TICKET.finditer(folded)]
    times = list(dict.fromkeys(text[m.start():m.end()] for m in _TIME.finditer(folded)))
    if times:
        parts.append("时间：" + "、".join(times[:2]))
    return f"（{'，'.join(parts)}）" if parts else ""
