"""The things a staff reply talks about (维修基金, 插座, 宽带, 出门条): nouns, as jieba's tagger reads them.

A rewrite keeps the rest of a clause when it names a thing, even when it holds no time, number
or name: "别碰那个插座" and "宽带找电信" must not lose 插座 and 宽带. People (师傅, 业主, 大哥) and
words that name nothing in particular (问题, 时间, 办法) are not things. jieba (already the
project's segmenter) is loaded on the first blocked reply that needs it, not at start-up, so
`wuye etiquette check` starts as fast as before.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from nlu.text import fold

# nouns of every kind but people's names: common, places, organisations, other proper nouns, verbal nouns
_NOUN_TAGS = frozenset(("n", "ns", "nt", "nz", "vn", "s", "ng"))
# a one-character noun completes the word before it when that is a verb or noun (停车|卡, 出门|条)
_COMPOUND_HEADS = frozenset(("v", "n", "vn"))
# nouns that name nothing a resident would miss (这个问题, 有时间, 没办法), and people
_NOT_THINGS = frozenset((
    "问题", "事情", "东西", "时间", "时候", "办法", "情况", "地方", "样子", "意思", "人家", "别人", "大家", "道理",
    "小事", "破事", "毛病", "脑子", "素质", "本事", "心思", "意见", "工夫", "功夫", "有事", "事儿", "好事", "回事",
    "这事", "那事", "部分", "方面", "结果", "原因", "人手", "麻烦", "关系", "责任", "义务", "范围", "职责", "能力",
    "条件", "权限", "服务", "业务", "规定", "规矩", "先例", "说法", "态度", "水平", "智商", "脾气", "耐心", "本人",
    "对方", "上面", "下面", "里面", "外面", "这边", "那边", "这里", "那里", "消息", "状况", "真假", "回家", "中文",
    "师傅", "业主", "物业", "大哥", "大姐", "大爷", "大妈", "阿姨", "老太太", "老头", "老公", "老婆", "犊子", "亲亲",
    "有点", "一点", "同事", "领导", "人员", "工作人员", "客户", "住户", "邻居", "家里人", "家人", "孩子", "小孩", "物业公司",
))

_NEGATION = re.compile("[不没无别非]")   # 抽油烟机 and 自来水 are phrases (l) jieba knows; 一问三不知 is not a thing

_lock = threading.Lock()
_tagger = None


def _load():
    """jieba's part-of-speech tagger, loaded once (about a second) on first use."""
    global _tagger
    with _lock:
        if _tagger is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.posseg.dt.initialize()
            _tagger = jieba.posseg.dt
    return _tagger


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech tag) of a text, jieba's dictionary words only (no guessing)."""
    return tuple((w.word, w.flag) for w in _load().cut(fold(text), HMM=False))


def things(text: str) -> list[tuple[int, int]]:
    """(start, end) of every thing a text names: a noun of two characters or more that is neither
    a person nor a word that names nothing, or a one-character noun completing the word before it."""
    found: list[tuple[int, int]] = []
    at, before = 0, ("", "")
    for word, tag in words(text):
        end = at + len(word)
        if (tag in _NOUN_TAGS or (tag == "l" and not _NEGATION.search(word))) and word not in _NOT_THINGS:
            if len(word) >= 2:
                found.append((at, end))
            elif tag == "n" and len(before[0]) >= 2 and before[1] in _COMPOUND_HEADS:
                if found and found[-1][1] == at:
                    found[-1] = (found[-1][0], end)
                else:
                    found.append((at - len(before[0]), end))
        before, at = (word, tag), end
    return found


def names_a_thing(text: str) -> bool:
    """The text names at least one thing."""
    return bool(things(text))


def says_of_a_thing(text: str) -> bool:
    """The text names a thing and says something of it: a verb or a modal besides the thing
    (别碰那个插座, 高空抛物得报警), not a bare noun phrase (这么点水压)."""
    found = things(text)
    if not found:
        return False
    at = 0
    for word, tag in words(text):
        inside = any(a <= at < b for a, b in found)
        if not inside and (tag.startswith("v") and tag != "vn" or word in _MODALS):
            return True
        at += len(word)
    return False


def does_something(text: str) -> bool:
    """The text holds a verb (一起看, 开个证明): words that can follow ours, unlike a bare noun (范围)."""
    return any(tag.startswith("v") and tag != "vn" for _, tag in words(text))


_MODALS = frozenset(("得", "要", "是", "有", "在", "归", "需要", "必须", "只能", "可以"))
