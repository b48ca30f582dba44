"""What kind of outage a resident's words report, where, and whether they also report something else.

Outage words are a short closed list per category (停电 / 没水 / 电梯停了 ...), matched on folded text;
the NLU's categories are finer than needed (a dead socket is "electricity" too), so they are not used.
A report joins an incident only when, with the outage words taken out, nothing else is wrong: "停电了，
而且我家冰箱冒烟" still needs its own urgent ticket.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.text import fold
from nlu.urgency import is_urgent
from storage.incident_models import ESTATE_WIDE

NAMES = {"power": "停电", "water": "停水", "gas": "停气", "lift": "电梯停运", "network": "断网",
         "drainage": "排水不畅", "gate": "门禁故障", "heating": "停暖"}
_WORDS = {
    "power": r"停电|没电|断电|没有电|来电了吗|什么时候来电|全黑了?|跳闸",
    "water": r"停水|没水|断水|没有水|不出水|水压(很|太|特别)?(低|小)|什么时候来水|来水了吗",
    "gas": r"停气|没气|没有(燃|煤)气|(燃|煤|天然)气(停了|断了|没了|打不着)",
    "lift": r"电梯(都|又|也|还是|还|仍然|一直)?(坏|停|不动|故障|停运|不能用|用不了|不走|没反应|不运行)了?"
            r"|电梯什么时候(能用|能坐|修好|恢复|能修好)",
    "network": r"断网|没网|没有网|网(络)?(断了|坏了|不通|用不了|连不上)|宽带(断|坏|不通|用不了)",
    "drainage": r"下水道?(堵|不通|返水|冒水)|排水(堵|不通|不畅)|污水(倒灌|外溢)",
    "gate": r"门禁(坏|打不开|失灵|刷不开|不能用|用不了)了?|(大门|道闸)(打不开|坏了?|不开)",
    "heating": r"停暖|没(有)?暖气|暖气(不热|停了|凉了|不供)",
}
_PATTERNS = {category: re.compile(words) for category, words in _WORDS.items()}
# Services of the whole estate unless a building is named.
ESTATE_WIDE_CATEGORIES = frozenset({"gate", "network"})
_WHOLE_ESTATE = re.compile(r"整个小区|全小区|小区(里|内)?(都|全|全部|所有)|所有(楼|楼栋)|各个?楼|每栋楼")
# Something else wrong besides the outage (a fault of its own, damage, people hurt or trapped).
_OTHER_FAULT = re.compile(r"坏|烧|冒|漏|爆|裂|被困|困住|受伤|关在|卡在|着火|焦|短路|触电|火花")


@dataclass(frozen=True)
class Outage:
    """An outage report read from words: its category and whether it names the whole estate."""
    category: str
    estate_wide: bool
    only_outage: bool   # False: the words also report another problem (own ticket)


def read(text: str) -> Outage | None:
    """The outage these words report, or None."""
    folded = fold(text)
    for category, pattern in _PATTERNS.items():
        found = list(pattern.finditer(folded))
        if found:
            rest = folded
            for m in reversed(found):
                rest = rest[:m.start()] + "，" + rest[m.end():]
            other = bool(_OTHER_FAULT.search(rest)) or is_urgent(rest)
            wide = bool(_WHOLE_ESTATE.search(folded)) or category in ESTATE_WIDE_CATEGORIES
            return Outage(category, wide, not other)
    return None


def category_of(word: str) -> str | None:
    """A category from a staff member's word (停电, power, 电梯 ...)."""
    word = fold(word).strip().lower()
    if word in NAMES:
        return word
    for category, name in NAMES.items():
        if word and (word in name or name in word):
            return category
    return read(word).category if read(word) else None


def scope(estate_id: int | None, category: str, place: str | None) -> str:
    """The key one outage is known by: estate, category and place (a building, or * for the estate)."""
    return f"{estate_id or 0}:{category}:{place or ESTATE_WIDE}"


def place_name(place: str | None) -> str:
    """3栋, or 全小区."""
    return "全小区" if not place or place == ESTATE_WIDE else f"{place}栋"
