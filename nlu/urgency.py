"""Is this a present emergency in the writer's own place (急修)? Flooding, burst pipes, power cuts, people
trapped in a lift, gas smell, smoke or sparks, things about to fall, sewage flooding, an open manhole.

An emergency word only counts where the writer speaks of now. A sentence about history (去年停电,
上个月被困过), frequency (经常停水, 今年困人四次), a hypothetical (万一起火怎么办) or another building or
estate (隔壁小区着火了) does not count unless it also says now (现在, 正在, 还在, 今天...). Within a
sentence, clauses are split at punctuation and contrast words (但是, 不过, 就是), and a trigger that is
negated (没有燃气味), resolved (水已经不漏了) or minor (不是很急) does not count. Only a repair can be
urgent: the service asks this module only about messages it reads as repairs.
"""
from __future__ import annotations

import re

from .text import fold

# Each trigger names a present danger; phrased loosely so typos around it do not matter.
_N = r"[^没不未别]"  # a gap that must not hide a negation (电梯没关人)
_TRIGGERS = [
    # water: burst, pouring, flooding
    rf"爆[了开裂掉]|爆管|崩[开了裂]|(水管|管子|管道|水龙头|阀门|水表|接口|分水器|总水管).{{0,3}}(爆|裂|断|崩|喷|脱)",
    rf"(喷|涌|灌|漫|淹|泡|淌)水|水.{{0,2}}(漫|淹|喷|涌|灌|冲出来|哗哗|止不住|关不住|停不下来|往外冒|往外喷|往下灌)",
    r"淹[了掉到没]|水漫金山|发大水|(一|满)地(都是)?水|到处都是水|全是水|成河|小河|水帘|跟下雨一样|像下雨|接不过来|接不住",
    r"(哗哗|不停|止不住|越来越大|越.{0,2}越(大|多|快))(往下|往外)?.{0,2}(流|漏|滴|喷|冒|淌)|往(下|外)(流|灌|淌|喷|冒)水?|大量(漏|积|进)水",
    # sewage
    r"(污水|粪水|脏水|臭水|下水道?).{0,10}(漫|溢|冒|倒灌|返上来|涌|往外)|倒灌",
    # power
    r"(全屋|整栋|整个楼|整层|全楼|整个单元|家里|屋里|全家|整个小区|全部|楼道).{0,4}(停电|没电|断电|黑了)|停电|断电|全黑|莫得电",
    # lift
    rf"(困|关|卡|锁)(在|住)?{_N}{{0,3}}(电梯|里面|里头)|被(困|关|卡|锁)|电梯{_N}{{0,8}}(困|关|卡)(住|了|着)?{_N}{{0,3}}(人|孩子|老人|我|小孩)|电梯{_N}{{0,6}}出不来",
    rf"电梯{_N}{{0,6}}(下坠|坠|掉下|往下掉|冲顶|蹲底|乱跑|失控|溜)|(开着门|开门){_N}{{0,3}}(就)?(走|跑|运行|往上|往下)",
    # open manholes and holes people fall into
    rf"井盖{_N}{{0,4}}(不见|丢|没了|被偷|掉下去|塌)|露着{_N}{{0,3}}(大)?(洞|坑)|(差点|会)掉(进|下)去",
    # gas
    rf"(煤气|燃气|天然气|液化气){_N}{{0,6}}(味|泄漏|漏气|漏了|泄露|呲|嘶嘶|破|断|裂)|漏气|冒气|呲呲|嘶嘶|(闻到|有){_N}{{0,4}}(煤气|燃气|天然气)|报警器{_N}{{0,4}}(响|叫)",
    # fire, smoke, sparks, live current
    r"冒烟|有烟|浓烟|烟雾|(着|起|失)火|火花|火星|火苗|电火|烧焦|焦糊|焦味|糊味|烧起来|冒火|短路.{0,3}(冒|烧|响)|漏电|触电|电到人|麻手|噼里啪啦",
    r"(电表箱|电箱|配电箱|插座|电线|线路|电闸|电器|空调).{0,3}(着了|烧了|烧起来|冒火)",
    # falling
    r"(要|快|随时|马上|会|怕)(要)?(掉|塌|倒|砸|脱落|掉下来)|摇摇欲坠|砸(到|伤)|往外倾|悬在|坠落|倒塌|塌了",
    r"救命|十万火急|急急急|快来人",
]
_TRIGGER_RE = re.compile("|".join(f"(?:{t})" for t in _TRIGGERS))

# Words that, before a trigger in the same clause, deny it or move it into the past.
_NEGATION_BEFORE = re.compile(
    r"(不是|没有|没|不|未|无|并未|别|已经不|不再|防止|以防|避免|会不会|是否|有没有|预防|检查一下)[^，,。!！?？]{0,4}$"
)
_PAST_BEFORE = re.compile(r"(之前|以前|上次|上回|上周|上个月|前几天|前天|昨天|昨晚|去年|刚才已经|曾经)[^，,。!！?？]{0,8}$")
# After a trigger in the same clause: it has stopped, been fixed, or is only a question/notice.
_RESOLVED_AFTER = re.compile(
    r"^(过|[^，,。!！?？]{0,6}(已经?(修好|好|恢复|停|不漏|止住|关掉|处理|扑灭|灭)|好了|修好了|恢复了|止住了|没事了|停了|过了|通知|计划|安排|预计|几点来电|什么时候来|是隔壁|是邻居))"
)
_RESOLVED_BEFORE = re.compile(r"(已经|已)(修好|恢复|不)[^，,。!！?？]{0,3}$")
_NOT_URGENT = re.compile(r"不(是很|太|用太|怎么|算)?急|不着急|不紧急|不急|有空(再|的时候)|方便的时候|抽空")
# Only part of the home affected: a dead socket or a broken lamp is an ordinary repair.
_LOCAL_POWER = re.compile(r"(插座|插头|开关|灯|灯泡|灯管|路灯|楼道灯|一个房间|卧室|厨房的|卫生间的|充电桩|电表箱门).{0,4}(没电|不通电|断电)")
_SENTENCE_SPLIT = re.compile(r"[。！!？?；;\n]+")
# Sentences that speak of another time, of frequency or of what might happen: a clause of theirs counts
# only when it says now itself (前几天就有点冒了，今天污水往外冒).
_NOT_NOW = re.compile(
    r"去年|前年|那年|\d{2,4}年|上个?月|上周|上礼拜|上星期|上次|上回|之前|以前|曾经|那次|那回|当时|前几天|前天|昨天|昨晚|有一次|"
    r"经常|老是|总是|每次|每回|频繁|频发|三天两头|动不动|隔三差五|几乎每|屡次|多次|好几次|好几回|"
    r"[\d一二两三四五六七八九十几]+(次|回)|"
    r"万一|如果|要是|假如|假设|一旦|怎么办|会不会|的话|出了事|出事|难道要等|等到"
)
# Sentences about another building or estate never count: it is not the writer's place.
_ELSEWHERE = re.compile(r"隔壁(的)?小区|别的小区|其他小区|对面(的)?小区|隔壁楼|对面楼|隔壁的.{1,8}小区|新闻|电视上|网上|视频里")
_NOW = re.compile(r"现在|正在|还在|一直在|刚才|刚刚|此刻|目前|今天|今晚|今早|马上|快来|赶紧|立即|立刻|救命|越来越|不停|"
                  r"快点|求求|急急|!{2,}|！{2,}")
_CLAUSE_SPLIT = re.compile(r"[，,。.!！?？;；~\n]+|但是|不过|可是|就是|只是|然后|而且")


def _clauses(text: str) -> list[str]:
    """Clauses of the sentences that speak of now (see the module docstring)."""
    clauses = []
    for sentence in _SENTENCE_SPLIT.split(text):
        if _ELSEWHERE.search(sentence):
            continue
        parts = [c for c in _CLAUSE_SPLIT.split(sentence) if c.strip()]
        if _NOT_NOW.search(sentence):
            parts = [c for c in parts if _NOW.search(c)]
        clauses += parts
    return clauses


# How far around a trigger its negation, time or resolution is looked for: bounded, so a clause
# full of triggers costs time linear in its length.
_WINDOW = 16


def _trigger_counts(clause: str) -> bool:
    local_power = _LOCAL_POWER.search(clause) is not None
    for m in _TRIGGER_RE.finditer(clause):
        before, after = clause[max(0, m.start() - _WINDOW): m.start()], clause[m.end(): m.end() + _WINDOW]
        if _NEGATION_BEFORE.search(before) or _PAST_BEFORE.search(before):
            continue
        if _RESOLVED_AFTER.search(after) or _RESOLVED_BEFORE.search(before):
            continue
        if local_power and re.search(r"没电|断电|停电|不通电", m.group()):
            continue
        return True
    return False


def is_urgent(text: str) -> bool:
    """True when the message describes an emergency happening now."""
    folded = fold(text)
    if _NOT_URGENT.search(folded):
        return False
    return any(_trigger_counts(clause) for clause in _clauses(folded))
