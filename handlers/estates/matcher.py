"""Finding estate names and public areas in a resident's message.

All names, codes and aliases of all estates go into one Aho-Corasick automaton (pyahocorasick), so
one pass over the message finds every mention whatever the number of estates (1,000 estates with
three names each is 3,000 patterns). The longest mention wins where two overlap ("锦绣花园" over
"锦绣"); a Latin alias ("JX") counts only as a whole word ("JX3栋" is fine; "JXY" or "ajx" do not mention it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import ahocorasick

from nlu.text import fold

# Places every estate has: a repair there needs no house (seed 001: 公共区域维修).
COMMON_AREAS = {
    "楼道": "楼道", "楼道灯": "楼道", "楼梯": "楼道", "楼梯间": "楼道", "走廊": "楼道", "过道": "楼道", "声控灯": "楼道",
    "电梯": "电梯", "电梯厅": "电梯厅", "电梯间": "电梯厅", "轿厢": "电梯",
    "大门": "大门", "小区大门": "大门", "东门": "大门", "南门": "大门", "西门": "大门", "北门": "大门", "道闸": "大门",
    "单元门": "单元门", "门禁": "单元门", "楼下大门": "单元门",
    "车库": "车库", "地下车库": "车库", "停车场": "车库", "地库": "车库",
    "会所": "会所", "大堂": "大堂", "路灯": "道路", "小区道路": "道路", "绿化带": "绿化", "草坪": "绿化",
    "垃圾房": "垃圾房", "垃圾站": "垃圾房", "消防通道": "消防通道", "天台": "屋面", "楼顶": "屋面", "外墙": "外墙",
    "围墙": "围墙", "健身器材": "健身区", "儿童乐园": "健身区", "游泳池": "会所",
}
# Words that put the fault inside a home: "我家大门锁坏了" is not the estate's gate.
_HOME = re.compile(r"我家|家里|家中|屋里|室内|房间|卧室|客厅|厨房|卫生间|洗手间|阳台|入户门|防盗门|户内")


@dataclass(frozen=True)
class Mention:
    """A name found in a message: what it stands for, the words, and where (offsets into the message)."""
    target: object
    words: str
    start: int
    end: int


def _latin(term: str) -> bool:
    return term.isascii()


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    # "JX3栋" is estate JX, building 3: a digit may follow, a letter may not ("JXY" is another word)
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalpha())


class TermMatcher:
    """Many words to their targets, found in one pass (keys are folded and lower case)."""

    def __init__(self, terms: Iterable[tuple[str, object]]):
        self._automaton = ahocorasick.Automaton()
        for key, target in terms:
            if key:
                self._automaton.add_word(key, (key, target))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, message: str) -> list[Mention]:
        """Every mention, longest first where they overlap, in the order they appear."""
        if self._empty:
            return []
        text = fold(message).lower()
        found = []
        for end, (key, target) in self._automaton.iter(text):
            start = end - len(key) + 1
            if _latin(key) and not _whole_word(text, start, end + 1):
                continue
            found.append(Mention(target, message[start:end + 1], start, end + 1))
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: list[Mention] = []
        for mention in found:
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)


_COMMON = TermMatcher((word, kind) for word, kind in COMMON_AREAS.items())


def common_area(message: str) -> Mention | None:
    """The first public place of any estate a message names (电梯, 楼道灯, 大门), unless the message
    puts the fault inside a home."""
    if _HOME.search(fold(message)):
        return None
    found = _COMMON.find(message)
    return found[0] if found else None
