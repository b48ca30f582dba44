"""The facts of a staff reply that a rewrite must keep: codes, phones, amounts, times, names, places, parties.

Patterns run on the folded text (traditional → simplified, full-width → half-width: same offsets),
so a fact is always a slice of the original reply and is kept exactly as the staff member wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.text import fold

_NUM = "[0-9０-９一二两三四五六七八九十百千万半几]"
_DIGITS = r"\d+(?:\.\d+)?"
_DAY = ("(?:大后天|今天|明天|后天|今晚|明晚|今早|明早|明儿|今儿|昨天|前天|当天|本周[一二三四五六日天末]?|"
        "(?:上|下|这|本)?(?:个)?(?:周|星期|礼拜)[一二三四五六日天末]|周末|月底|月初|月中|年底|年后|节后|"
        f"(?:下|这|本)(?:个)?月(?:{_NUM}{{1,3}}[号日])?|{_NUM}{{1,2}}月(?:{_NUM}{{1,3}}[号日])?|{_NUM}{{1,3}}[号日](?=\\D|$))")
_PART = "(?:上午|下午|中午|晚上|早上|傍晚|凌晨|夜里|白天|一早)"
_CLOCK = rf"(?:{_NUM}{{1,3}}(?:点|:\d\d)(?:半|{_NUM}{{1,2}}分|钟)?|\d{{1,2}}:\d\d)"
_SPAN = rf"(?:{_NUM}+(?:个)?(?:分钟|小时|钟头|天|周|星期|工作日|个月|月)(?:左右)?|半(?:个)?小时)"
_EDGE = "(?:之前|以前|以后|之后|以内|之内|左右|前|后|内|起|开始)?"
_TIME = re.compile(rf"(?:{_DAY}{_PART}?{_CLOCK}?|{_PART}{_CLOCK}?|{_CLOCK}|{_SPAN})"
                   rf"(?:(?:到|至|-|~){_PART}?{_CLOCK})?{_EDGE}")
_CODE = re.compile(r"[A-Za-z]{2,4}-\d{6,8}-\d{2,6}")
_PHONE = re.compile(r"(?<![\d-])\d{3,4}-\d{3,4}-\d{3,4}(?![\d-])|(?<![\d-])\d{3,4}-\d{7,8}(?![\d-])"
                    r"|(?<!\d)\d{5,12}(?!\d)")
_AMOUNT = re.compile(rf"(?:每[\u4e00-\u9fff]{{1,2}})?{_DIGITS}(?:元|块钱|块|万|角|毛|%|平方|平米|吨|度|个|台|辆|张|份|次|户|人|名|位)?"
                     rf"|{_NUM}+(?:元|块钱|块|万块?)")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
NAME = re.compile(rf"[{SURNAMES}](?:师傅|经理|主管|阿姨|管家|工|总|姐|哥|叔|大爷|大姐|队长|班长|组长|主任|助理)"
                   rf"|[小老][{SURNAMES}]|(?<=叫)[\u4e00-\u9fff]{{2,3}}?(?=[，,。！!？?\s]|$)")
_PLACE = re.compile(r"(?:[A-Za-z]?\d+|[一二三四五六七八九十]{1,3})(?:号楼|栋|幢|座|单元|层|楼|室|号门|号柜|号|区|门)"
                    r"(?:[A-Za-z]?\d+(?:单元|室|层|号)?)*|[东南西北](?:门|区|侧|大门)|地下车库(?:[A-Za-z]\d+)?|[A-Za-z]\d+")
_ORG = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:公司|局|所|厂家|厂商|驿站|居委会|街道办|售后|热线|中心|物业|维保)")


@dataclass(frozen=True)
class Fact:
    """A fact of a reply: its kind and offsets into the reply."""
    kind: str       # code, phone, time, amount, name, place, party
    start: int
    end: int


_KINDS = (("code", _CODE), ("phone", _PHONE), ("time", _TIME), ("name", NAME), ("place", _PLACE),
          ("party", _ORG), ("amount", _AMOUNT))


def find_facts(text: str, parties: re.Pattern | None = None) -> list[Fact]:
    """The facts of a reply, longest first where they overlap, in reading order; `parties` adds the
    other parties the rules file knows (words 别的单位 and 别的部门)."""
    folded = fold(text)
    found: list[Fact] = []
    kinds = _KINDS if parties is None else (*_KINDS, ("party", parties))
    for kind, pattern in kinds:
        for m in pattern.finditer(folded):
            if m.end() > m.start() and _meaningful(kind, m.group()):
                found.append(Fact(kind, m.start(), m.end()))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Fact] = []
    for fact in found:
        if kept and fact.start < kept[-1].end:
            if fact.end > kept[-1].end and fact.kind == kept[-1].kind:
                kept[-1] = Fact(fact.kind, kept[-1].start, fact.end)
            continue
        kept.append(fact)
    return kept


def _meaningful(kind: str, value: str) -> bool:
    if kind == "amount":
        return any(c.isdigit() for c in value)
    if kind == "time":
        return value not in ("一会儿",)
    return True
