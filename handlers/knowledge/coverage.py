"""Does an entry's answer cover what a question asks? The near-miss gate of the knowledge base.

The classifier finds the entry whose topic a question is about; a near-miss shares that topic but
asks a detail the entry does not give ("停车月卡剩下的钱能退吗" against an answer that never speaks
of refunds, "游泳池有没有救生员" against one that never names a lifeguard). Three checks, all on the
entry's own text (topic, questions, keywords, answer), so that an editor who adds the detail to an
answer makes the question answerable:
- aspects (data/aspects.yml): details asked about any topic (a refund, a fine, a price, a limit...),
  each with the words a question asks it by and the words an entry gives it by;
- things asked after: "有没有X" / "有X吗" asks for X, which the entry must name;
- named fees and prices (手续费, 占位费, 电价), which the entry must name too.
A question that names a thing no entry of the file ever mentions (口罩, 摩托车, 水温: nouns of
jieba's dictionary) is weaker evidence: its answer is offered with a colleague, not given outright. So is
one whose asking clause names a thing the entry itself never mentions and few other entries do (电池
against the e-bike charging entry): the topic matches, the thing asked about is not the entry's.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlu.text import fold, segment

from ..yamlfile import read_list
from .entries import Entry
from .features import SEPARATOR, STOP_WORDS, tokens

ASPECTS_FILE = Path(__file__).parent / "data" / "aspects.yml"
# A clause that asks something; "算不算" and "收没收" (the same verb either side of 不 / 没) ask too.
_ASKING = re.compile(r"吗|么|怎么|怎样|如何|哪|多少|几|什么|啥|能不能|可不可以|是否|行不行|不$|(.)[不没]\1")
_THING = re.compile(r"有没有(.+)|(?<![没还])有(?!人|没|点|些|什么)(.{1,12}?)吗")
_THING_ENDS = frozenset("吗 呢 啊 吧 呀 可以 能 能不能 可不可以 让 供 给我 是 在".split())
# Words of "有没有X" that name no particular thing: the head of X is then the word before them.
_VAGUE = frozenset("地方 位置 地 东西 人 什么 哪些 要求 规定 影响 办法 问题 情况 的 个 些 一些 点 啊 呢 可以 能 空 "
                   "通知 计划 消息 好 好一点 靠谱".split())
# Nouns that say who asks or what for, not a detail an answer must give (孩子, 名字, 号码).
_CONTEXT = frozenset("孩子 小孩 小孩子 老人 家人 朋友 同学 亲戚 爸妈 小哥 师傅 阿姨 保姆 邻居 房东 租客 名字 颜色 号码 "
                     "单子 架子 东西 事情 地方 楼层 几楼 时间 日子".split())
# Times say when, not what: an entry need not name them (its answer gives or lacks the time by aspects).
_WHEN = frozenset("今天 明天 昨天 前天 后天 去年 今年 明年 上次 这次 晚上 早上 中午 周末 上周 下周 平时 最近 时候 以后 "
                  "之前 当时".split())
# A named fee or price (手续费, 占位费, 电价) is answered only by an entry that names it, or names what
# it is the fee of and speaks of money (超时费 for 超时保管费; 场地费 for a hall used free of charge).
_FEE_SUFFIXES = ("费", "价")
_MONEY = re.compile(r"费|元")
_PAYING = re.compile(r"[交收缴付完了要免消花浪自话]|^用$")
# A noun named by this many entries or more is the file's common vocabulary (单元, 证件, 电话), not a
# thing that marks one topic: its absence from the best entry says nothing. Chosen on the tuning splits.
_COMMON_IN = 3


@dataclass(frozen=True)
class Aspect:
    name: str
    asks: re.Pattern
    covered_by: re.Pattern


def load_aspects(path: Path = ASPECTS_FILE) -> list[Aspect]:
    """The aspects of data/aspects.yml, compiled; ValueError naming the file and aspect when malformed."""
    aspects = []
    for number, item in enumerate(read_list(path, "aspects", "aspects"), 1):
        try:
            aspects.append(Aspect(str(item["name"]), re.compile(item["asks"]), re.compile(item["covered_by"])))
        except (TypeError, KeyError, re.error) as exc:
            raise ValueError(f"{path}: aspect {number} needs name, asks and covered_by as patterns ({exc})") from None
    return aspects


@lru_cache(maxsize=1)
def _nouns() -> frozenset[str]:
    """The words jieba's dictionary tags as nouns (n, nz, vn): read once, about a quarter of a second."""
    import jieba

    nouns = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as words:
        for line in words:
            word, _, tag = line.rstrip("\n").rpartition(" ")
            if tag in ("n", "nz", "vn"):
                nouns.add(word.partition(" ")[0])
    return frozenset(nouns)


def _folded(text: str) -> str:
    return fold(text).lower()


def _head(thing: str) -> str:
    """The word of "有没有X" that names the thing: the last word of X that is not vague."""
    words = []
    for word in segment(thing):
        if word in _THING_ENDS:
            break
        if word not in _VAGUE:
            words.append(word)
    if not words:
        return ""
    head = words[-1]
    return words[-2] + head if len(head) == 1 and len(words) > 1 else head


def _fees(words: list[str]) -> list[str]:
    """The fees and prices a question names: words ending in 费 or 价 (not 收费, 交费...), or such a
    character after a word of its own (燃气 费, 占位 费)."""
    named = []
    for i, word in enumerate(words):
        if word in _FEE_SUFFIXES and i > 0 and len(words[i - 1]) > 1 and not _PAYING.search(words[i - 1]):
            named.append(words[i - 1] + word)
        elif len(word) > 1 and word.endswith(_FEE_SUFFIXES) and not _PAYING.search(word[:-1]):
            named.append(word)
    return named


def _fee_covered(fee: str, covered: str) -> bool:
    if fee in covered:
        return True
    return len(fee) > 2 and fee[:-1] in covered and bool(_MONEY.search(covered))


@dataclass(frozen=True)
class Reading:
    """A question cut into clauses, each with its words: read once, looked for in several entries."""
    clauses: tuple[tuple[str, tuple[str, ...]], ...]


def read(question: str) -> Reading:
    """The clauses of a question (cut at symbols and spaces) and their words, from the classifier's
    segmentation of the same question (features.tokens, kept for the last questions)."""
    clauses, words = [], []
    for token in (*tokens(question), SEPARATOR):
        if token == SEPARATOR:
            if words:
                clauses.append(("".join(words), tuple(words)))
            words = []
        else:
            words.append(token)
    return Reading(tuple(clauses))


@dataclass(frozen=True)
class Gaps:
    """What a question asks that an entry's text does not give (missing), whether another part of the
    question (a clause that asks something) is fully covered (partial: the entry answers part of it),
    and the things it names that no entry of the file mentions (unknown)."""
    missing: tuple[str, ...] = ()
    partial: bool = False
    unknown: tuple[str, ...] = ()


class Coverage:
    """For each entry, the text that says what it answers; for a question, what that text leaves out."""

    def __init__(self, entries: list[Entry], aspects: list[Aspect]):
        self.aspects = aspects
        self._texts = {entry.id: _folded(" ".join((entry.topic, *entry.questions, *entry.keywords, entry.answer)))
                       for entry in entries}
        self._file = " ".join(self._texts.values())

    def gaps(self, question: str | Reading, entry: Entry) -> Gaps:
        """What the question asks that the entry's text does not give: aspect names, "thing:X", "fee:X"."""
        reading = question if isinstance(question, Reading) else read(question)
        covered, missing, unknown, answered = self._texts[entry.id], [], [], False
        for clause, words in reading.clauses:
            found = self._clause_gaps(clause, words, covered)
            missing += found
            asking = bool(_ASKING.search(clause))
            answered = answered or (not found and asking)
            if asking:
                unknown += [word for word in words if self._unknown(word) or self._foreign(word, covered)]
        return Gaps(tuple(missing), answered and bool(missing), tuple(unknown))

    def _clause_gaps(self, clause: str, words: list[str], covered: str) -> list[str]:
        missing = [a.name for a in self.aspects if a.asks.search(clause) and not a.covered_by.search(covered)]
        for match in _THING.finditer(clause):
            head = _head(match.group(1) or match.group(2))
            if head and head not in covered:
                missing.append(f"thing:{head}")
        return missing + [f"fee:{fee}" for fee in _fees(words) if not _fee_covered(fee, covered)]

    def _unknown(self, word: str) -> bool:
        """A noun (or a Latin word such as NFC) that no entry of the file mentions."""
        if len(word) < 2 or word in STOP_WORDS or word in _CONTEXT or word in self._file:
            return False
        return word in _nouns() or (word.isascii() and word.isalpha())

    def _foreign(self, word: str, covered: str) -> bool:
        """A noun the entry's text does not mention, not even in part, and fewer than _COMMON_IN entries do."""
        if len(word) < 2 or word in STOP_WORDS or word in _CONTEXT or word in _WHEN or _mentioned(word, covered):
            return False
        if word not in _nouns() and not (word.isascii() and word.isalpha()):
            return False
        return sum(word in text for text in self._texts.values()) < _COMMON_IN


def _mentioned(word: str, covered: str) -> bool:
    """The word, or for a long word one of its two-character parts, or both characters of a two-character
    word, appear in the text (地库 is mentioned by 地下车库, 电瓶 by 电动自行车's neighbours is not)."""
    if word in covered:
        return True
    if len(word) == 2:
        return word[0] in covered and word[1] in covered
    return any(word[i:i + 2] in covered for i in range(len(word) - 1))
