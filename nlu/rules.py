"""The labelling rule of nlu.yml applied after either backend: the primary intent of mixed messages and
the secondary intent.

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
# Blame on the handling of this fault: waiting, repeated reports, repairs that did not hold.
_N = r"(\d+|[一二两三四五六七八九十几半]+|好几|多)"
# Telling the desk, counted: twice is a repeated report, once (报修了一次) is only a report.
_TOLD = r"(报修|报了|报过|反映了?|反映过|说了|说过|打了|打过|催了|催过|协调了|来看过)"
# "一直不/一直没" and "再也没" blame only the people (一直没人来), not the fault itself (暖气一直不太热, 再也没冒);
# a call counts only when it was repeated (打了三次电话), not a call to the gas company.
_BLAME = re.compile(r"没人来|没人管|没人修|没人理|没人处理|没人换|还没(来(?!得及)|修|人|有人)|一直没(人|来|派|修|处理|回(复|应|音|话|电)|动静|解决|管|答复|反馈)|"
                    r"一直不(来|派|修|处理|管|回|解决|理)|再也没有?(人|来|回|消息|动静)|"
                    r"(进展|动静|回音|下文|回应).{0,3}没有?|没有?(任何)?(进展|动静|回音|下文|回应)|拖了|拖着|拖到|"
                    r"一拖再拖|敷衍|应付(?!款|费|金额|的钱)|管不管|不管了|什么服务|不作为|石沉大海|踢皮球|结单|摆设|等于没修|白修|白跑|修得什么|"
                    r"((?<![维装保报])修|报过|反映过).{0,10}又|又.{0,8}(刚修|刚报)|又这样|认真点|排到什么时候|"
                    rf"{_TOLD}.{{0,3}}?(?<![一1])(?!一次|一遍|一回|1次)({_N}|多少)\s*(次|遍|回)|(打了|打过)\s*{_N}.{{0,3}}电话")
# How long a fault has lasted, or how often something was tried, blames the handling only when the desk
# was told about it: "漏水都三天了" or "自己通了好几次都不行" alone describe the fault, not the service.
_WAITING = re.compile(rf"到现在(还|也|都)|{_N}(次|遍|回)(了|都|还)|都{_N}(天|周|个星期|个礼拜|个月)了|"
                      rf"整整{_N}?(天|周|个星期|个礼拜|个月)|还要等多久|到底(什么时候|几时|哪天)")
_REPORTED = re.compile(r"报修|报了|报过|反映|投诉|打了?电话|打过|说了|说过|催|找过|找了|联系过|联系了|来看过|来过|"
                       r"登记|提交|留言|工单|单号|上次|上回|物业说|你们说|说是|说在等|等配件|(你们|你哋|物业)到底|找.{0,6}(次|遍|回)")
# "还是坏的" is blame only after something was done about it (修过, 报过).
_STILL = re.compile(r"还是(坏|不|没|漏|堵|黑|刷)")
# Something was done or said about the fault before: 维修/装修 and 报警/报告 are no such thing.
_DONE_BEFORE = re.compile(r"(?<![维装保])修(过|了|好|完)|报修|报过|报了|反映|说了|说过|来过|看过|换过|修过")
# A pattern of failures, as opposed to one fault waiting now.
_PATTERN = re.compile(r"频发|频繁|经常|老是|总是|三天两头|隔三差五|动不动|几乎每|每个月都|年年|屡次|一年.{0,6}(\d+|[一二三四五六七八九十几]+)次")
_NOW = re.compile(r"现在|还是|至今|到现在|到今天|今天|还没|一直没|仍然|依然|还在")
# Dissatisfaction that is the point of a message rather than its colour.
_DISSATISFIED = re.compile(r"投诉|凭什么|太差|差劲|失望|不作为|乱收|不合理|违法|违规|合规|管不管|到底|摆设|敷衍|石沉大海|踢皮球")


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


# A fix asked for now, as a complaint's second request: 报修 and 修完 in the history of a complaint about a
# charge or a worker ask for nothing.
_ASK_FIX = re.compile(r"(请(?!问)|麻烦|尽快|赶紧|马上|立即|立刻|希望|要求|务必|抓紧|快点?)\S{0,8}?"
                      r"((?<![维装保报])修|处理|来看|看看|换|疏通|弄好|派|上门)|派人|派个|修一下|来修|给修")
# A fault left as it is: named in a complaint, it still waits to be fixed (楼道灯坏了半个月都没人换).
_NEGLECTED = re.compile(r"没人(来|修(?!剪)|换|处理)|无人(修(?!剪)|处理)|到现在还|至今还|还(横|歪|堵|坏|漏)在")


def _blames(folded: str) -> bool:
    """True when a repair's writer blames the handling of the fault, not just describes the fault."""
    if _BLAME.search(folded):
        return True
    return bool((_REPORTED.search(folded) and _WAITING.search(folded))
                or (_STILL.search(folded) and _DONE_BEFORE.search(folded)))


def secondary(intent: str, folded: str, categories: set[str], ranked: dict[str, float]) -> str | None:
    """The second intent of the three a message clearly carries, or None."""
    if intent == "repair" and _blames(folded):
        return "complaint"
    if intent == "complaint" and _fault_now(folded, categories) and (_ASK_FIX.search(folded) or _NEGLECTED.search(folded)) \
            and not _pattern_only(folded) and ranked.get("repair", 0) > .05:
        return "repair"
    return None
