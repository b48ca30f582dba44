"""The other parties a reply sends the resident to (燃气公司, 楼上1502, 财务小王, 滨江置业).

A party is a word of the rules file's lists (别的单位, 别的部门), widened to the words that belong
to it (电梯厂家, 社区居委会, 楼上1502, 前台的刘姐), or, when the lists do not know it, whatever the
pushing-away words name after their verb (找滨江置业去, 问问张明).
"""
from __future__ import annotations

import re

from nlu.text import is_cjk

from .clause import Clause
from .facts import NAME, SURNAMES
from .things import things, words
from .wording import Wording

# what may follow a party inside the same words: 楼上|1502, 社区|居委会, 前台|的刘姐
_PARTY_TAIL = re.compile(rf"(?:[A-Za-z#]?\d{{1,4}}(?:-\d{{1,4}})?(?:室|号|栋|楼)?(?![\d\-])|居委会|委员会|办事处|服务中心|公司|"
                         rf"售后|客服|热线|的?[\u4e00-\u9fff]{{0,3}}?(?:{NAME.pattern}))")
PRONOUN_PARTIES = frozenset(("别人", "其他人", "别的人", "人家", "对方"))
THEM = frozenset(("他们", "她们"))
_NOT_A_PARTY_START = frozenset("找问打联系去给你您自己们让叫请跟和与向到的是在归管一下怪赖怨说被把将由往属于")
# pushing-away words that start with their verb (你自己去找|滨江置业, 得问|财务小王), the verb's object next
_VERB = re.compile("(?:你们|您们|你|您)?(?:自己|自个儿)?(?:去|再|得|要|需要|应该|只能|直接)?"
                   "(?:问问|问一下|问下|找找|找一下|打给|拨打|联系一下|咨询一下|联系|咨询|找|问|打|拨)"
                   "(?:一下)?(?:你们|您们|你|您)?(?:家的|家|的|自己的)?")
# a name of a party: a listed one, a company or office, a person (小王, 刘姐, 王总, 老陈) or a trade
_PARTY_SHAPE = re.compile(rf"(?:公司|局|所|站|中心|部|处|室|队|厂|厂家|厂商|售后|客服|热线|物业|商|店|驿站|网点|委会|办|"
                          rf"社区|师傅|工|员|匠|人|主|东|户|家|方|置业|装饰|集团)$|{NAME.pattern}|^[{SURNAMES}][\u4e00-\u9fff]{{1,2}}$")
_NOT_A_NAME = re.compile("我|你|您|谁|错|干嘛|什么|啥|没用|都|也|遍|哪|怎么|这|那|了|题|直接|一下|自己|大家|别人")
# words that make another party responsible: 是自来水公司的事, 属于开发商的责任, 维保公司负责的
RESPONSIBLE = re.compile("(?<![只就不又也还])(?:是|属于)(?:由)?(?P<party>[^，]{1,10}?)(?:的|负责|来管|管)"
                         "|(?P<doer>[^，]{2,10}?)(?:负责|管)的")
# what may end pushing-away words after the party: 找开发商去, 问保安吧, 找楼上说, 打他们电话
_AFTER = re.compile("(?:去|吧|啊|呀|呗|哦|呢|嘛|问问|问一下|问|说|谈|讲|商量|协商|沟通|理论|要|处理|解决|报修|反映|的?电话|"
                    "热线|看看|看)+$")
_PROPER = frozenset(("nr", "nrfg", "nrt", "ns", "nz", "nt"))
_NOBODY = re.compile("^(?:我们|我|咱们|物业|他|她|它|他们|她们|谁|别人|其他人|人家|对方|人)$")


def parties_in(folded: str, clause: Clause, wording: Wording) -> list[tuple[int, int]]:
    """Other parties the clause names outside its banned words (absolute offsets)."""
    if wording.parties is None:
        return []
    found = [m for m in wording.parties.finditer(folded, clause.start, clause.end)
             if all(clause.keep[m.start() - clause.start:m.end() - clause.start])
             and m.group() not in PRONOUN_PARTIES and m.group() not in THEM]
    inside = things(folded[clause.start:clause.end]) if found else []     # 快递|柜 is a thing, not the courier
    return [m.span() for m in found if not any(x <= m.start() - clause.start and m.end() - clause.start <= y
                                               and y - x > len(m.group()) for x, y in inside)]


def nearest_party(parties: list[list[tuple[int, int]]], n: int, text: str) -> str | None:
    """The party named nearest to clause n: in it, then before it, then after it."""
    for k in (n, *range(n - 1, -1, -1), *range(n + 1, len(parties))):
        if parties[k]:
            a, b = parties[k][0]
            return text[a:b]
    return None


def party(folded: str, clause: Clause, a: int, b: int, wording: Wording) -> tuple[int, int] | None:
    """The party named inside banned words a..b of a clause (找燃气公司去), widened to the words around
    it that belong to it; None when the banned words name no party."""
    base = clause.start
    named = named_after_verb(folded, base + a, base + b, wording) or made_responsible(folded, base + a, base + b, wording)
    hits = [m for m in wording.parties.finditer(folded, base + a, base + b)
            if m.group() not in PRONOUN_PARTIES] if wording.parties is not None else []
    if not hits:
        return named
    start, end = hits[-1].span()
    while start > base + a and is_cjk(folded[start - 1]) and folded[start - 1] not in _NOT_A_PARTY_START \
            and folded[start - 2:start] not in ("你家", "您家"):
        start -= 1
    tail = _PARTY_TAIL.match(folded, end, clause.end)
    if tail and tail.end() <= base + b:         # 找楼下1101去: the room is inside the banned words
        end = tail.end()
    elif tail and end == base + b and all(clause.keep[end - base:tail.end() - base]):
        clause.drop(end - base, tail.end() - base)
        end = tail.end()
    if named and named[0] <= start and end <= named[1]:
        return named                            # 问保安队长老陈: the whole name, not only 保安
    return start, end


def made_responsible(folded: str, a: int, b: int, wording: Wording) -> tuple[int, int] | None:
    """The party that words a..b make responsible (是丰巢的事 → 丰巢), when it is a name."""
    found = RESPONSIBLE.search(folded, a, b)
    if found is None:
        return None
    group = "party" if found.group("party") else "doer"
    return found.span(group) if _a_party(found.group(group), 8, wording) else None


def named_after_verb(folded: str, a: int, b: int, wording: Wording) -> tuple[int, int] | None:
    """The party that pushing-away words a..b name after the verb they start with (找滨江置业去 →
    滨江置业, 问问张明 → 张明), up to a number; None when they name nobody (找错人, 问我干嘛)."""
    verb = _VERB.match(folded, a, b)
    if verb is None:
        return None
    start = end = verb.end()
    while end < b and not folded[end].isdigit() and folded[end] != "-":
        end += 1
    if _NOT_A_NAME.search(folded, start, end):
        return None
    end = start + len(_AFTER.sub("", folded[start:end]))
    return (start, end) if _a_party(folded[start:end], 12, wording, things_too=True) else None


def _a_party(name: str, longest: int, wording: Wording, things_too: bool = False) -> bool:
    """The words name someone we can contact: a listed party, a company or office, a person, a
    proper name (张明, 华数, 丰巢) or (things_too: after a verb of contacting) a thing (管道疏通)."""
    if not 2 <= sum(map(is_cjk, name)) <= longest or _NOBODY.match(name) or _NOT_A_NAME.search(name):
        return False
    listed = wording.parties is not None and wording.parties.search(name)
    proper = any(tag in _PROPER for _, tag in words(name))
    return bool(listed or _PARTY_SHAPE.search(name) or proper or (things_too and things(name)))
