"""The secondary intent of the labelling rule (nlu/data/nlu.yml): the second of repair, complaint and
inquiry that a message clearly carries, applied after either backend.

A repair carries a complaint when its writer blames the handling of the fault. Some words are blame on
their own (管不管, 敷衍, 报了三次, 拖了半个月); others only describe what happened (没人来修, 修过又坏,
还没来) and are blame only when the writer also told the desk, protests (到底, 失望, 什么便宜货) or says
how long the fault has been left (坏了一个月没人修): the independent split's writers label a neutral
"维保来修过，这几天又不正常" or "现在一直没人来修，请尽快安排" as a plain repair.
"""
from __future__ import annotations

import re

from . import rules

_N = r"(\d+|[一二两三四五六七八九十几半]+|好几|多)"
# Telling the desk, counted: twice is a repeated report, once (报修了一次) is only a report.
_TOLD = r"(报修|报了|报过|反映了?|反映过|说了|说过|催了|催过|协调了|来看过|找过|找了|问过|问了|@过|@了|联系过|联系了)"
_COUNT = r".{0,3}?(?<![一1])(?!一次|一遍|一回|1次)(" + _N + r"|多少)\s*(次|遍|回)"
# Blame on its own: the desk ignored, dragged, fobbed off, or was told again and again.
_BLAME = re.compile(r"没人理|没人管|没人处理|不管了|管不管|什么服务|不作为|石沉大海|踢皮球|结单|摆设|等于没修|白修|白跑|修得什么|"
                    r"认真点|排到什么时候|一拖再拖|治标不治本|推给|推脱|推卸|推来推去|拖了|拖着|拖到|敷衍|应付(?!款|费|金额|的钱)|"
                    r"一直不(来|派|修|处理|管|回|解决|理)|再也没有?(人|来|回|消息|动静)|"
                    r"一直没(派|处理|回(复|应|音|话|电)|解决|管|答复|反馈)|(回音|下文|回应).{0,3}没有?|没有?(任何)?(进展|回音|下文|回应)|"
                    r"(报过|反映过).{0,10}又|刚(找.{0,4})?修(过|完|好)?.{0,20}又|又.{0,8}刚(修|报|通|换|弄)|(多次|屡次|反复|好几次|几次)(要求|反映|报修|催|投诉|找)|"
                    rf"{_TOLD}{_COUNT}")
# Words that tell what happened without blaming anyone: blame only beside a report, a protest or a duration.
# 还没来电/来水 is the fault; 没人来清/扫 is upkeep; 修好…不然又 is a worry about the future.
_HAPPENED = re.compile(r"没人来(?!清|扫|收|打扫)|没人修(?!剪)|没人换|还没(来(?!得及|电|水|气|暖)|修|人|有人)|一直没(人|来|修)|"
                       r"(?<![维装保大])修(?![好完]?[^又]{0,10}(不然|否则|以免|免得))[^又]{0,10}又(?!要)|又这样|修不好|没修好|"
                       r"(一直|总是?|每次都|天天|老是?)说|"
                       rf"(进展|动静).{{0,3}}没有?|没有?(任何)?动静|(打了|打过)\s*{_N}.{{0,3}}电话|(打了|打过){_COUNT}")
# The desk was told before (报修, 反映, 物业说…); 紧急报修 and 报修的人 are no earlier report.
_REPORTED = re.compile(r"(?<!紧急)(?<!我要)报修(?![!！:：的])|报了|报过|反映|投诉|打了?电话|打过|说了|说过|催|找过|找了|联系过|联系了|"
                       r"来看过|来过|登记|提交|留言|工单|单号|上次|上回|物业说|你们说|说是|说在等|说好|约好|答应|都说|等配件|"
                       r"(你们|你哋|物业)到底|找.{0,6}(次|遍|回)|@过|找(你们|物业)|(物业|客服|管家|值班|你们|前台|工程部)\S{0,4}电话.{0,2}(打了|打过)")
# A report to someone else (the gas company, a landlord, a neighbour) is no report to the desk.
_OTHER_PARTY = re.compile(r"(?<!\d)\d{3,4}(?![\d元块天次年米平])|上楼|下楼|燃气公司|热力公司|热线|供电|电力公司|自来水公司|水务|运营商|电信|移动|联通|房东|租户|楼上|楼下|邻居|"
                          r"开发商|消防|派出所")
_DESK = re.compile(r"物业|你们|客服|管家|前台|工程部|值班|维修部")
_CLAUSE = re.compile(r"[，,。！!？?；;、\s]+")
# How long a fault has lasted, or how often something was tried.
_WAITING = re.compile(rf"到现在(还|也|都)|{_N}(次|遍|回)(了|都|还)|{_N}(天|周|个星期|个礼拜|个月)了?还|等到什么时候|都{_N}(天|周|个星期|个礼拜|个月)了|"
                      rf"整整{_N}?(天|周|个星期|个礼拜|个月)|还要等多久|到底(什么时候|几时|哪天)")
_LEFT_FOR = re.compile(rf"{_N}多?(天|周|个多?星期|个多?礼拜|个多?月|年)多?(了|都|也|还|没|一直)")
# Protest at the desk: the point of blame the independent writers label.
_PROTEST = re.compile(r"到底|失望|太差|差劲|不满|怎么回事|说法|交代|什么(玩意|便宜货|服务|态度|效率|水平)|便宜货|随便|凭什么|"
                      r"还有没有|良心|人性|效率|把我忘|像话|过分|离谱|气愤|生气|无语|市长热线|12345|曝光|谁负责|你们负责|"
                      r"质量|不敢恭维|太慢|不靠谱|😡")
# "还是坏的" is blame only after something was done about it (修过, 报过).
_STILL = re.compile(r"还是(坏|不|没|漏|堵|黑|刷)")
_DONE_BEFORE = re.compile(r"(?<![维装保])修(过|了|完)|修好了|报修|报过|报了|反映|说了|说过|来过|看过|换过|修过")


def _told(folded: str) -> bool:
    """True when some clause tells of an earlier report to the desk, not to another party."""
    return any(_REPORTED.search(c) and (_DESK.search(c) or not _OTHER_PARTY.search(c)) for c in _CLAUSE.split(folded))


def _blames(folded: str) -> bool:
    """True when a repair's writer blames the handling of the fault, not just describes the fault."""
    if _BLAME.search(folded):
        return True
    told = _told(folded)
    if _HAPPENED.search(folded) and (told or _PROTEST.search(folded) or _LEFT_FOR.search(folded)):
        return True
    return bool((told and _WAITING.search(folded)) or (_STILL.search(folded) and _DONE_BEFORE.search(folded)))


# A fix asked for now, as a complaint's second request: 报修 and 修完 in the history of a complaint about a
# charge or a worker ask for nothing, nor do 派人 or 修一下 told of the past (直接派人把阀门关了) or an
# overhaul (大修) planned for years.
_ASK_FIX = re.compile(r"(请(?!问)|麻烦|尽快|赶紧|马上|立即|立刻|希望|要求|务必|抓紧|快点?)\S{0,8}?"
                      r"((?<![维装保报大])修|处理|来看|看看|换|疏通|弄好|派|上门)|来修|给修")
# A fault left as it is: named in a complaint, it still waits to be fixed (楼道灯坏了半个月都没人换).
_NEGLECTED = re.compile(r"没人(来(?!清|扫|收|打扫)|修(?!剪)|换|处理)|无人(修(?!剪)|处理)|到现在还|至今还|还(横|歪|堵|坏|漏)在|"
                        r"也(坏了|堵了|堵死|不亮|失灵|关不上|打不开|脱落|松动|漏水)")
# A report of the fault that nobody answered (反映多次都没有回应, 说了知道了就挂).
_IGNORED = re.compile(r"没有?(任何)?(回应|回音|下文|答复|反馈)|(回应|回音|下文).{0,3}没有?|没人理|就挂|不了了之|石沉大海")
# How long a named fault has been left (坏了一个多月): neglect once the desk was told about it.
_LEFT_BROKEN = re.compile(rf"(坏|堵|漏|不亮|失灵|关不上|打不开|脱落|松动)(了|死了)?(好几|{_N})多?(天|周|个多?星期|个多?礼拜|个多?月|年)")


def _pattern_only(folded: str) -> bool:
    """True when every clause naming a fault speaks of a pattern (频发, 经常) and not of now: clauses, not
    sentences, since a complaint lists its grievances in one sentence (保安经常脱岗，单元门锁坏了好几周)."""
    faulty = [c for c in _CLAUSE.split(folded) if rules._FAULT_NOW.search(c)]
    return bool(faulty) and all(rules._PATTERN.search(c) and not rules._NOW.search(c) for c in faulty)


def _carries_repair(folded: str, categories: set[str], ranked: dict[str, float], scored_by: str) -> bool:
    """True when a complaint names a fault still there to fix, asked to be fixed or left as it is."""
    told = _told(folded)
    left = _NEGLECTED.search(folded) or _ASIDE_FAULT.search(folded) or (_IGNORED.search(folded) and told) \
        or (_LEFT_BROKEN.search(folded) and (told or _BLAME.search(folded)))
    return rules._fault_now(folded, categories) and bool(_ASK_FIX.search(folded) or left) \
        and not _pattern_only(folded) and _model_allows_repair(ranked.get("repair", 0.0), scored_by)


# The model's repair score beside a complaint's repair. The embedded model's scores are graded: a complaint
# naming a fault to fix gets 6-40% repair, so it must lean to repair at least 5%. Rasa's DIET is
# all-or-nothing (a complaint is 1 - 1e-9 sure, its repair 1e-9 to 1e-37 with or without a fault waiting),
# so its leaning says nothing; only its hesitation does: a repair of 0.1% or more means DIET half-read a
# repair it kept as a complaint, and the second intent is then the complaint, not a repair (on the tuning
# splits, 5 of 5 such messages; every right repair scored below 0.03%; README, round five).
_LEANS_TO_REPAIR = 0.05
_DIET_HESITATES = 0.001


def _model_allows_repair(repair: float, scored_by: str) -> bool:
    return repair < _DIET_HESITATES if scored_by == "rasa" else repair > _LEANS_TO_REPAIR

# A question asked beside the main request, said to be one (顺便问下, 另外想问一下, 还有两个问题想问): a bare 请问 in
# a complaint is usually rhetorical (请问这合理吗), so only a question announced as an aside counts.
_ASIDE = re.compile(r"(顺便|顺带)(再|也|还)?(想|要)?(问|咨询|请教|打听|了解)|(另外|此外|还有|最后|同时|也|还)(想|要)(问|咨询|请教|打听|了解)|"
                    r"(另外|此外|最后)(问|咨询|请教)(一下|下)|(另外|此外|还有|顺便|同时|最后)[,，]?(想)?(请问|了解一下)|"
                    r"(另外|此外|还有|顺便)(有|还有)?(一|两|几|1|2|3)?个?(小)?问题(想|要)?")
_QUESTION = re.compile(r"[？?]|吗|怎么|如何|多少|哪里|哪儿|能不能|可不可以|是否|是不是|什么时候|几点|需不需要|要不要")
# A complaint or a fault announced as an aside of another request (顺便投诉一下, 另外…灯坏了 麻烦修一下).
_ASIDE_COMPLAINT = re.compile(r"(另外|此外|还有|顺便|同时)[,，]?我?(要|想)?(再)?(投诉|提个意见|提一个意见|反映一下)")
_ASIDE_FAULT = re.compile(r"(另外|此外|还有|顺便说一下|顺便|同时)[^。！？!?]{0,20}(坏了|堵了|堵死|不亮|失灵|关不上|打不开|脱落|松动|漏水)")


# A question asked first, and the request after it announced as the aside (请问…？另外…坏了 麻烦修一下).
_QUESTION_FIRST = re.compile(r"(请问|想问|咨询)[^。！!？?]{2,40}[？?].{0,6}(另外|此外|还有|顺便)")


def _asks_aside(folded: str) -> bool:
    """True when the message announces a question beside its request and asks it."""
    found = _ASIDE.search(folded)
    return bool(found and _QUESTION.search(folded, found.end())) or bool(_QUESTION_FIRST.search(folded))


def secondary(intent: str, folded: str, categories: set[str], ranked: dict[str, float],
              scored_by: str = "embedded") -> str | None:
    """The second intent of the three a message clearly carries, or None; `scored_by` names the backend
    whose intent ranking `ranked` is ("embedded" or "rasa")."""
    if intent == "repair" and (_blames(folded) or _ASIDE_COMPLAINT.search(folded)):
        return "complaint"
    if intent == "complaint" and _carries_repair(folded, categories, ranked, scored_by):
        return "repair"
    if intent in ("repair", "complaint") and _asks_aside(folded):
        return "inquiry"
    if intent == "inquiry":
        return _beside_a_question(folded, categories)
    return None


def _beside_a_question(folded: str, categories: set[str]) -> str | None:
    """A question's second intent: a fault named as an aside and asked to be fixed, or a complaint said to be one."""
    if _ASIDE_FAULT.search(folded) and _ASK_FIX.search(folded) and rules._fault_now(folded, categories):
        return "repair"
    return "complaint" if _ASIDE_COMPLAINT.search(folded) else None
