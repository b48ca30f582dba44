"""The polite rewrite offered for a blocked reply."""
from __future__ import annotations

import re

from nlu.text import fold

from .verdict import Violation

_TICKET = re.compile(r"[a-z]{2,4}-\d{6,8}-\d{2,6}", re.IGNORECASE)
_NUM = "[0-9一二两三四五六七八九十]"
_DAY = "(?:今天|明天|后天|今晚|明早|周[一二三四五六日天]|星期[一二三四五六日天])"
_PART = "(?:上午|下午|中午|晚上|早上|傍晚)"
_CLOCK = rf"(?:{_NUM}{{1,3}}(?:点|:\d\d)(?:半|{_NUM}{{1,2}}分)?)"
_TIME = re.compile(rf"{_DAY}?{_PART}{_CLOCK}?|{_DAY}{_CLOCK}|\d{{1,2}}:\d\d"
                   rf"|[0-9一二两三四五六七八九十半]+(?:分钟|个?小时)(?:内|以内|之内|后|左右)?")


def suggest(text: str, violations: list[Violation], categories: dict[str, dict], passes) -> str:
    """The suggestion of the most serious category, with the ticket code and times of the original
    kept when the result still `passes` (a function of a text)."""
    worst = max(violations, key=lambda v: categories[v.category]["severity"])
    template = categories[worst.category]["suggestion"]
    facts = _facts(text)
    if facts:
        candidate = template.format(facts=facts)
        if passes(candidate):
            return candidate
    return template.format(facts="")


def _facts(text: str) -> str:
    """Ticket codes and times of the original reply, as a short parenthesis for the suggestion."""
    folded = fold(text)
    parts = [f"工单号 {text[m.start():m.end()]}" for m in _TICKET.finditer(folded)]
    times = list(dict.fromkeys(text[m.start():m.end()] for m in _TIME.finditer(folded)))
    if times:
        parts.append("时间：" + "、".join(times[:2]))
    return f"（{'，'.join(parts)}）" if parts else ""
