"""The labelling rule of nlu.yml applied after either backend: the primary intent of mixed messages
(the secondary intent is in secondary.py).

Statistical models learn the anger and miss the rule: "三天了还没人来修，你们物业到底管不管" sounds like a
complaint, but a fault still waits to be fixed, so the rule makes it a repair whose secondary intent
is a complaint. A complaint about a pattern (电梯故障频发, 多次反映无果) with no one fault to fix now
stays a complaint; when it also names a fault to fix, its secondary intent is a repair.
"""
from __future__ import annotations

import re

from .entities import FAULT_CATEGORIES

_FAULT_NOW = re.compile(r"坏|漏|堵|不亮|断了|断网|不通|不出水|没水|没电|跳闸|裂|掉|不转|不热|失灵|卡住|打不开|关不上|刷不开|"
                        r"冒|返臭|返味|反臭|返水|反水|渗|滴|不制冷|不能用|用不了|停了|黑着|不响|脱落|松动|锈")
# 修 of 维修, 装修 and 保修 names no repair asked for (隔壁装修, 保修期).
_FIX = re.compile(r"(?<![维装保])修(?!剪|建|改)|来看|看看|看一下|派人|派个|处理一下|尽快处理|弄好|弄一下|换一?个|换掉|换新|疏通|赶紧来|堵上|补上|"
                  r"快来|上门|来人")

# A pattern of failures, as opposed to one fault waiting now.
_PATTERN = re.compile(r"频发|频繁|经常|老是|总是|三天两头|隔三差五|动不动|几乎每|每个月都|年年|屡次|一年.{0,6}(\d+|[一二三四五六七八九十几]+)次")
_NOW = re.compile(r"现在|还是|至今|到现在|到今天|今天|还没|一直没|仍然|依然|还在")


def _fault_now(folded: str, categories: set[str]) -> bool:
    return bool(categories & FAULT_CATEGORIES) and bool(_FAULT_NOW.search(folded))


_SENTENCE = re.compile(r"[。！!？?；;\n]+")


def _pattern_only(folded: str) -> bool:
    """True when every sentence naming a fault speaks of a pattern (频发, 经常) and not of now."""
    faulty = [s for s in _SENTENCE.split(folded) if _FAULT_NOW.search(s)]
    return bool(faulty) and all(_PATTERN.search(s) and not _NOW.search(s) for s in faulty)


# The model must itself lean towards a repair before the rule turns a complaint into one (repair at least
# this share of complaint): otherwise the fault is a side remark of a complaint about people or fees
# (经理不作为: 地库漏水、单元门坏…一个都没动), and it becomes the secondary intent instead.
_REPAIR_LEANING = 0.6


def primary(intent: str, folded: str, categories: set[str], ranked: dict[str, float]) -> str:
    """The intent the rule gives a message the model read as `intent` (only complaints can change)."""
    if intent != "complaint" or ranked.get("repair", 0.0) < _REPAIR_LEANING * ranked.get("complaint", 1.0) \
            or not _fault_now(folded, categories) \
            or _pattern_only(folded):
        return intent
    return "repair" if _FIX.search(folded) else intent


# A call for help now: with a present emergency it is a repair whatever the model read (救命 电梯困人了 快来).
_HELP = re.compile(r"救命|快来|快点来|赶紧来|马上来|立刻来|快派|赶紧派|马上派|立即派|立刻派|快叫|求求|急急|十万火急")


def emergency_intent(intent: str, folded: str) -> str:
    """The intent of a message describing a present emergency: a repair, unless it is a complaint or an
    inquiry that does not call for help (消防通道被堵 着火了怎么办 stays what it is)."""
    if intent in ("complaint", "inquiry") and not _HELP.search(folded):
        return intent
    return "repair"
