"""One clause of a reply being rewritten: which of its characters stay, and what is said instead.

A clause is split into kept runs, our own words said in place of banned ones, and gaps where banned
words were. Kept runs next to a gap lose the words that only made sense with the banned ones
(你自己…, …去吧); a run with nothing left worth saying goes; a clause left with only a time
(周六再说 → 周六) says when we will act.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from nlu.text import is_cjk

from .facts import find_facts
from .things import does_something, names_a_thing, says_of_a_thing
from .skeleton import STRONG
from .wording import Wording

# Words that mean nothing once the banned words next to them are gone (你自己…, …去吧)
LEADING_JUNK = re.compile(r"^(?:你们|您们|(?:你|您)(?!家)|们|自己|有事(?:的话)?|自个儿|那就|那|就|也|都|还|再|又|去|来|这个|那个|"
                           r"这种事|这事|这个事|这边|那边|这里|问问|问一下|问下|看看|所以|反正|但是|可是|而且|然后|跟|和|与|我们|我|咱们|"
                           r"的|了|吧|啊|呀|呢|嘛|哈|呗|\s)+")
TRAILING_JUNK = re.compile(r"(?:你们|您们|你|您|自己|就|也|都|还|再|又|去|问问|问一下|看看|要|得|需要|应该|只能|吧|啊|呀|呢|嘛|哈|呗|"
                            r"请|麻烦|直接|建议|该|应该去|"
                            r"跟|和|与|我们|我|的话|这个|那个|这种事|这事|这边|那边|\s)+$")
_A_NOT_A = re.compile(r"^(.{1,2})不\1$")     # 办不办, 交不交: a question that lost its sentence


@dataclass
class Clause:
    """One clause of the reply: which characters stay, and what is said instead of banned words."""
    start: int
    end: int
    keep: list[bool | None]        # kept, dropped (a gap), or None: said again in our words (no gap)
    said: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)   # offset -> (text, inline)
    spans: list[tuple[int, int, str]] = field(default_factory=list)         # banned words, clause offsets

    def say(self, at: int, text: str, inline: bool = False) -> None:
        self.said.setdefault(at, []).append((text, inline))

    def drop(self, a: int, b: int) -> None:
        for i in range(a, b):
            self.keep[i] = False


def split_clauses(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: the text between clause marks, without surrounding spaces."""
    result, start = [], 0
    for i, ch in enumerate(folded + "。"):
        if ch == "、" or (ch in _IN_NUMBERS and 0 < i < len(folded) - 1 and folded[i - 1].isdigit()
                         and folded[i + 1].isdigit()):
            continue            # 水费、电费 and 8:00, 9:00~17:00 are one list and one time, not clauses
        if ch in STRONG or ch == "。":
            a, b = start, i
            while a < b and folded[a].isspace():
                a += 1
            while b > a and folded[b - 1].isspace():
                b -= 1
            if a < b:
                result.append((a, b))
            start = i + 1
    return result


def kept_pieces(text: str, folded: str, clause: Clause, wording: Wording,
                sounds_rude: Callable[[str], bool]) -> list[str]:
    """The clause as kept runs and said texts. A clause without banned words stays unless it is only
    courtesy (the frame has its own) or, holding no fact, sounds rude to the tone model."""
    if not clause.spans and not clause.said:
        whole = _CURT_START.sub("", _plain(text[clause.start:clause.end]))
        if _COURTESY.match(whole) or not _has_content(whole, wording):
            return []
        if sounds_rude(whole) and not _has_fact(whole, wording):
            # a curt clause goes unless it says something of a thing (别碰那个插座), without the shrug (写着呢)
            whole = _CURT_END.sub("", _BELITTLING.sub("", whole))
            question = folded[clause.end:clause.end + 1] in ("?", "？")
            return [whole] if says_of_a_thing(whole) and not (question or _DENIAL.match(whole)) else []
        return [whole]
    items: list[tuple[str, object]] = []        # ("run", [(text, ours)]), ("said", text), ("gap", None)
    run: list[tuple[str, bool]] = []
    for i in range(len(clause.keep) + 1):
        for said, inline in clause.said.get(i, []):
            if inline:
                run.append((said, True))
            else:
                items.extend([("run", run), ("said", said)])
                run = []
        if i == len(clause.keep):
            break
        if clause.keep[i]:
            run.append((text[clause.start + i], False))
        elif clause.keep[i] is False and (not items or items[-1][0] != "gap" or run):
            items.extend([("run", run), ("gap", None)])
            run = []
    items.append(("run", run))
    topics = any(category != "rude" for _, _, category in clause.spans)
    result = _tidy([item for item in items if item != ("run", [])], wording, sounds_rude, topics)
    if len(result) == 1 and _only_time(result[0], vague=True):
        return _time_left(result[0], folded, clause, wording)
    return result


def _time_left(time: str, folded: str, clause: Clause, wording: Wording) -> list[str]:
    """A clause left with only its time: put off to it (周六再说), or full then (今天没空); a vague
    time (过几天) or one from a rude phrase says nothing."""
    if _VAGUE.search(time) or any(category != "delaying" for _, _, category in clause.spans):
        return []
    return [(wording.time if _deferred(folded, clause) else wording.busy).format(time=time)]


def _tidy(items: list[tuple[str, object]], wording: Wording, sounds_rude, topics: bool) -> list[str]:
    """Kept runs next to a gap lose the words that only made sense with the banned ones; what is
    left of a clause with banned words stays only when it holds a fact or goes with our words, or
    (topics: the banned words were not abuse) as the topic of what follows when it names a thing
    (宽带|找电信 → 宽带的事，我们马上帮您联系电信)."""
    result = []
    for n, (kind, value) in enumerate(items):
        if kind == "said":
            result.append(value)
        if kind != "run":
            continue
        next_to_ours = _beside(items, n, -1) == "said" or _beside(items, n, 1) == "said"
        if n >= 2 and items[n - 1][0] == "gap" and items[n - 2][0] == "said":
            rest, _ = _strip(value, leading=True, trailing=True)
            if len(rest) >= 2 and does_something(rest):     # 联系楼下2302|一起看: what follows our words is theirs
                result[-1] += rest
                continue
        piece, ours = _strip(value, leading=n > 0, trailing=n + 1 < len(items))
        piece = _plain(END_JUNK.sub("", piece if n else _CURT_START.sub("", piece)))
        # 开锁|找锁匠 → 开锁的事，我们马上帮您联系…: what comes before our taking over is its topic
        before_ours = topics and _taking_over(items, n, wording)
        if not (_has_content(piece, wording) or (before_ours and _cjk(piece) == 2)) or \
                (_only_time(piece, vague=True) and _VAGUE.search(piece)):
            continue
        if _has_fact(piece, wording) or ((ours or (next_to_ours and _cjk(piece) >= 4)) and not sounds_rude(piece)):
            result.append(_topic(piece, wording) if before_ours else piece)
        elif before_ours and (names_a_thing(piece) or (does_something(piece) and not sounds_rude(piece))):
            result.append(_topic(piece, wording))
        elif topics and (_TOPIC_SAID.search(piece) or (names_a_thing(piece) and n == 0)):
            result.append(Topic(as_topic(piece)))   # 外墙渗水要|等…: said before the banned words, not 我又不是|电工
    return result


def _taking_over(items: list[tuple[str, object]], n: int, wording: Wording) -> bool:
    """Item n is followed by our words taking the matter over (我们马上帮您联系…)."""
    n += 1
    while n < len(items) and items[n][0] == "gap":
        n += 1
    said = items[n][1] if n < len(items) and items[n][0] == "said" else ""
    return said == wording.colleague or said.startswith(wording.takeover.split("{party}", 1)[0])


def _topic(piece: str, wording: Wording) -> str:
    """A piece before our taking over: 宽带 → 宽带的事, 有问题 → 如有问题; one with a fact or a verb
    phrase of its own (空调外机漏水, 燃气公司电话96577) stays as it is."""
    if _CONDITION.match(piece):
        return "如" + piece
    if _has_fact(piece, wording) or (_cjk(piece) > 3 and does_something(piece)):
        return piece
    return as_topic(piece)


class Topic(str):
    """What is left of a clause naming only a thing (电梯改造的事): kept when something follows it."""


def as_topic(piece: str) -> str:
    """A thing said as the topic of what follows: 宽带 → 宽带的事, 私人装修的 → 私人装修的事."""
    piece = piece.rstrip("的")
    return piece if _SAID_AS_TOPIC.search(piece) or "的" in piece[1:] else piece + "的事"


_CONDITION = re.compile("有(?:问题|意见|事|需要|疑问|困难|情况)")     # 有意见|找业委会 → 如有意见，我们马上帮您联系…
_TOPIC_SAID = re.compile("..(?:的事|的问题|的事情)$")        # 停气的事: said as a topic already
_SAID_AS_TOPIC = re.compile("(?:事|事情|问题|情况|多少|什么|几|哪|[了过着吗呢吧])$")


def _beside(items: list[tuple[str, object]], n: int, step: int) -> str | None:
    """The kind of the nearest item before (step -1) or after (step 1) item n, gaps skipped."""
    n += step
    while 0 <= n < len(items) and items[n][0] == "gap":
        n += step
    return items[n][0] if 0 <= n < len(items) else None


def _strip(run: list[tuple[str, bool]], leading: bool, trailing: bool) -> tuple[str, bool]:
    """The run's text without junk words at the edges that touch banned words (never our own
    words), and whether it holds words of ours."""
    head = next((i for i, (_, ours) in enumerate(run) if ours), len(run))
    tail = next((i for i in range(len(run) - 1, -1, -1) if run[i][1]), -1) + 1
    before, middle, after = ("".join(c for c, _ in run[:head]), "".join(c for c, _ in run[head:tail]),
                             "".join(c for c, _ in run[max(head, tail):]))
    if not middle:                     # no words of ours: one plain run
        plain = LEADING_JUNK.sub("", before) if leading else before
        return (TRAILING_JUNK.sub("", plain) if trailing else plain), False
    before = LEADING_JUNK.sub("", before) if leading else before
    return before + middle + (TRAILING_JUNK.sub("", after) if trailing else after), True


_IN_NUMBERS = frozenset(":：~～")
# 反正水箱清洗是每年3月, 我下班了明天…: the fact without the shrug
_CURT_START = re.compile(r"^(?:反正|都说了|早说了|(?:我|我们)?(?:已经|都)?下班了)")
END_JUNK = re.compile(r"(?:去|吧|啊|呀|呢|嘛|哈|呗|\s)+$")       # said at the end of a clause only to sound curt
_CURT_END = re.compile(r"(?:呢|啊|呀|嘛|哈|呗|\s)+$")
_BELITTLING = re.compile(r"^(?:就|才|不就|不就是)?(?:这么|那么|这|那)(?:一)?点(?:点|儿)?")
_DENIAL = re.compile("(?:我们|我|物业)?(?:又|也|并|可)?不是")       # 不是维修公司: no fact, only a shrug
# a clause that is only courtesy: the frame around the rewrite says it already
_COURTESY = re.compile(r"^(?:您好|你好|亲|亲爱的|尊敬的业主(?:您好)?|业主您好|谢谢|谢谢您|多谢|谢谢配合|谢谢理解|"
                       r"感谢理解|感谢您的理解|感谢支持|感谢您的支持|还请您谅解|请谅解|请知悉|祝您生活愉快|好的|"
                       r"嗯|哦|噢|哈)[的啦呀哦哈～~]*$")
_VAGUE = re.compile("几|改天|有空|过段|回头|一天|^以后$|^之后$|^两三?天$")       # not a time anyone can rely on
_DEFER = re.compile("^(?:再|吧|就|以后再|之后再|回头再)")  # 周六|再说, 明天|吧: the banned words put it off to that time


def _plain(piece: str) -> str:
    """Without emoji and other pictures (the rewrite is a staff member's sentence)."""
    return "".join(c for c in piece if ord(c) <= 0xFFFF and unicodedata.category(c) != "So").strip()


def _cjk(piece: str) -> int:
    return sum(is_cjk(c) for c in piece)


def _has_content(piece: str, wording: Wording) -> bool:
    if not piece or _A_NOT_A.match(piece):
        return False
    return any(c.isdigit() for c in piece) or _cjk(piece) >= 3 or \
        (_cjk(piece) == 2 and (_has_fact(piece, wording) or names_a_thing(piece)))


def _has_fact(piece: str, wording: Wording) -> bool:
    """A time, number, name, place or code; or a party with something said about it (not 您楼上, 房东的事)."""
    facts = find_facts(piece)
    if any(f.kind != "party" for f in facts):
        return True
    rest = piece
    for fact in reversed(facts):        # parties by their shape: 园林所, 电梯厂家 (物业 is us)
        if not piece[:fact.end].endswith("物业"):
            rest = rest[:fact.start] + rest[fact.end:]
    rest = wording.parties.sub("", rest) if wording.parties is not None else rest
    return rest != piece and _cjk(LEADING_JUNK.sub("", _PARTY_ONLY.sub("", rest))) >= 2


_PARTY_ONLY = re.compile("的事|的问题|的|事|管")


def _only_time(piece: str, vague: bool = False) -> bool:
    facts = find_facts(piece)
    return (len(facts) == 1 and facts[0].kind == "time" and facts[0].end - facts[0].start == len(piece)
            and (vague or not _VAGUE.search(piece)))


def _deferred(folded: str, clause: Clause) -> bool:
    """Every banned word of the clause puts the matter off to its time (周六再说), none refuses it (今天没空)."""
    for a, b, category in clause.spans:
        words = folded[clause.start + a:clause.start + b]
        for fact in reversed(find_facts(words)):
            words = words[:fact.start] + words[fact.end:]
        if category != "delaying" or not _DEFER.match(words):
            return False
    return True


# a request to the resident said bare (先把总阀关了, 拿身份证来): a careful 客服 says 请
_IMPERATIVE = re.compile(r"^(?:(你|您)(?:们)?)?(?:先(?!这样|那样)|别(?!人)|不要|千万别|千万不要|把|拿|带上|带|去(?!年)|记得)")


def please(piece: str) -> str:
    """A bare request to the resident with 请 before it: 先把总阀关了 → 请先把总阀关了, 你先… → 请您先…."""
    found = _IMPERATIVE.match(piece)
    if found is None:
        return piece
    return "请您" + piece[found.end(1):] if found.group(1) else "请" + piece
