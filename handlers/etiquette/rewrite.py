"""A polite rewrite of a blocked reply that keeps what the staff member actually said.

The reply is read clause by clause. A clause without banned words is kept as written (你 → 您).
In a clause with banned words only the banned words go; the rest of the clause stays, and so does
every fact inside the banned words (a phone number, a time, a ticket code). Where the reply sent
the resident to another party (找燃气公司去, 你自己打96577), the rewrite says that we contact that
party (首问责任制), keeping the party and its number. A clause left with only a time (周六再说)
says when we will do it. The rules file's `rewrites.replace` turns pushing-away phrasings into
ours (灯泡自己换 → 灯泡我们帮您换). The frame around the kept words is chosen by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from nlu.text import fold, is_cjk

from .facts import find_facts
from .skeleton import STRONG
from .verdict import Violation
from .wording import Wording

# Words that mean nothing once the banned words next to them are gone (你自己…, …去吧)
_LEADING_JUNK = re.compile(r"^(?:你们|您们|(?:你|您)(?!家)|自己|自个儿|那就|那|就|也|都|还|再|又|去|来|这个|那个|"
                           r"所以|反正|但是|可是|而且|然后|跟|和|与|我们|我|咱们|的|了|吧|啊|呀|呢|嘛|哈|呗|\s)+")
_TRAILING_JUNK = re.compile(r"(?:你们|您们|你|您|自己|就|也|都|还|再|又|去|吧|啊|呀|呢|嘛|哈|呗|跟|和|与|"
                            r"我们|我|的话|这个|那个|\s)+$")
_PUSH = re.compile("(?:找|问|打|拨|联系|咨询)(?!错)")     # banned words that send the resident somewhere
_PRONOUN_PARTIES = frozenset(("别人", "其他人", "别的人", "人家", "对方"))
_THEM = frozenset(("他们", "她们"))
_NOT_A_PARTY_START = frozenset("找问打联系去给你您自己们让叫请跟和与向到的是在归管")
_A_NOT_A = re.compile(r"^(.{1,2})不\1$")     # 办不办, 交不交: a question that lost its sentence
_YOU = re.compile("你们|你")

Find = Callable[[str], list[Violation]]


@dataclass
class _Clause:
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


def rewrite_content(text: str, violations: list[Violation], wording: Wording, find_words: Find) -> str:
    """What the reply says without its banned words, in polite form ("" when nothing is left);
    `find_words` gives the banned words the rules find in a text (for words read across clauses)."""
    folded = fold(text)
    clauses = [_clause(text, a, b, violations, find_words) for a, b in split_clauses(folded)]
    parties = [_parties_in(folded, c, wording) for c in clauses]
    pieces: list[str] = []
    for n, clause in enumerate(clauses):
        _replace(text, folded, clause, wording)
        if clause.spans:
            _rework(text, folded, clause, wording, _nearest_party(parties, n, text))
        pieces.extend(p for p in _pieces(text, clause, wording) if p and not _said_before(p, pieces, wording))
    content = "，".join(pieces)
    return _YOU.sub("您", content) + "。" if content else ""


def split_clauses(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: the text between clause marks, without surrounding spaces."""
    result, start = [], 0
    for i, ch in enumerate(folded + "。"):
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


def _clause(text: str, start: int, end: int, violations: list[Violation], find_words: Find) -> _Clause:
    clause = _Clause(start, end, [True] * (end - start))
    for v in violations:
        a, b = max(v.start, start), min(v.end, end)
        if a >= b:
            continue
        if (a, b) == (v.start, v.end):
            clause.spans.append((a - start, b - start, v.category))
        else:       # words read across clauses (装的，找): the clause alone says which of its words are banned
            clause.spans.extend((x.start, x.end, x.category) for x in find_words(text[start:end]))
    if clause.spans:
        facts = find_facts(text[start:end])
        clause.spans = [_widened(facts, span) for span in sorted(set(clause.spans))]
    for a, b, _ in clause.spans:
        clause.drop(a, b)
    return clause


def _widened(facts, span: tuple[int, int, str]) -> tuple[int, int, str]:
    """Banned words that cut a fact in two (你打客服热线4008|-123-456) take the whole fact."""
    a, b, category = span
    for fact in facts:
        if fact.kind == "party":        # found by its shape only: no reason to widen banned words
            continue
        if fact.start < b < fact.end or fact.start < a < fact.end:
            a, b = min(a, fact.start), max(b, fact.end)
    return a, b, category


def _parties_in(folded: str, clause: _Clause, wording: Wording) -> list[tuple[int, int]]:
    """Other parties the clause names outside its banned words (absolute offsets)."""
    if wording.parties is None:
        return []
    found = wording.parties.finditer(folded, clause.start, clause.end)
    return [m.span() for m in found if all(clause.keep[m.start() - clause.start:m.end() - clause.start])
            and m.group() not in _PRONOUN_PARTIES and m.group() not in _THEM]


def _nearest_party(parties: list[list[tuple[int, int]]], n: int, text: str) -> str | None:
    for k in (n, *range(n - 1, -1, -1), *range(n + 1, len(parties))):
        if parties[k]:
            a, b = parties[k][0]
            return text[a:b]
    return None


def _replace(text: str, folded: str, clause: _Clause, wording: Wording) -> None:
    """rewrites.replace: our own words for a pushing-away phrasing, and its banned words are resolved."""
    replaced: list[tuple[int, int]] = []
    for pattern, to in wording.replace:
        for m in pattern.finditer(folded, clause.start, clause.end):
            a, b = m.start() - clause.start, m.end() - clause.start
            touched = [s for s in clause.spans if s[0] < b and a < s[1]]
            if any(x < b and a < y for x, y in replaced) or any(_barely(s, a, b) for s in touched):
                continue
            for s in touched:       # resolved: what the match leaves of them stays
                clause.spans.remove(s)
                for i in range(s[0], s[1]):
                    clause.keep[i] = True
            for i in range(a, b):
                clause.keep[i] = None
            replaced.append((a, b))
            clause.say(a, _expand(to, m, text), inline=True)


def _barely(span: tuple[int, int, str], a: int, b: int) -> bool:
    """The match only grazes the banned words (谁让你|你自己装的): it is not their rewrite."""
    return min(b, span[1]) - max(a, span[0]) < min(2, span[1] - span[0])


def _expand(template: str, match: re.Match, text: str) -> str:
    """The replacement with its group references filled from the original (not the folded) text."""
    def group(ref: re.Match) -> str:
        name = ref.group(1) or ref.group(2)
        a, b = match.span(int(name) if name.isdigit() else name)
        return text[a:b] if a >= 0 else ""

    return re.sub(r"\\(\d+)|\\g<(\w+)>", group, template)


def _rework(text: str, folded: str, clause: _Clause, wording: Wording, nearby: str | None) -> None:
    """What is said instead of each banned phrase of a clause: its facts, and our taking over."""
    for a, b, category in clause.spans:
        party = _party(folded, clause, a, b, wording)
        _rescue_facts(text, clause, a, b, wording, skip=party)
        if party is not None:
            clause.say(a, wording.takeover.format(party=text[party[0]:party[1]]))
        elif category == "deflecting" and nearby and _PUSH.search(folded, clause.start + a, clause.start + b):
            clause.say(b, wording.takeover.format(party=nearby))


def _party(folded: str, clause: _Clause, a: int, b: int, wording: Wording) -> tuple[int, int] | None:
    """The party named inside banned words (找燃气公司去), widened to the words around it that
    belong to it (电梯厂家, 社区居委会, 楼上1502); None when the banned words name no party."""
    if wording.parties is None:
        return None
    base = clause.start
    hits = [m for m in wording.parties.finditer(folded, base + a, base + b) if m.group() not in _PRONOUN_PARTIES]
    if not hits:
        return None
    start, end = hits[-1].span()
    while start > base + a and is_cjk(folded[start - 1]) and folded[start - 1] not in _NOT_A_PARTY_START:
        start -= 1
    if end == base + b:
        tail = _TRAILING_JUNK.sub("", folded[end:clause.end])
        if len(tail) <= 8 and all(clause.keep[end - base:end - base + len(tail)]):
            clause.drop(end - base, end - base + len(tail))
            end += len(tail)
    return start, end


def _rescue_facts(text: str, clause: _Clause, a: int, b: int, wording: Wording,
                  skip: tuple[int, int] | None) -> None:
    """Facts inside banned words (你打96777) are said again where the banned words were."""
    base = clause.start
    for fact in find_facts(text[base + a:base + b]):
        start = base + a + fact.start
        if fact.kind == "party" or (skip and skip[0] <= start < skip[1]):
            continue
        value = text[start:base + a + fact.end]
        clause.say(a + fact.start, wording.phone.format(phone=value) if fact.kind == "phone" else value)


def _pieces(text: str, clause: _Clause, wording: Wording) -> list[str]:
    """The clause as kept runs and said texts; a clause left with only a time says when we act."""
    if not clause.spans and not clause.said:
        return [text[clause.start:clause.end]]
    items: list[tuple[str, object]] = []        # ("run", [(text, protected)]), ("said", text), ("gap", None)
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
        elif clause.keep[i] is None:
            continue
        elif not items or items[-1][0] != "gap" or run:
            items.extend([("run", run), ("gap", None)])
            run = []
    items.append(("run", run))
    return _tidy([item for item in items if item != ("run", [])], wording)


def _tidy(items: list[tuple[str, object]], wording: Wording) -> list[str]:
    """Kept runs next to a gap lose the words that only made sense with the banned ones."""
    result = []
    for n, (kind, value) in enumerate(items):
        if kind == "said":
            result.append(value)
        if kind != "run":
            continue
        piece = _strip(value, leading=n > 0, trailing=n < len(items) - 1 or len(items) > 1)
        if _has_content(piece):
            result.append(piece)
    if len(result) == 1 and _only_time(result[0]):
        return [wording.time.format(time=result[0])]
    return result


def _strip(run: list[tuple[str, bool]], leading: bool, trailing: bool) -> str:
    """The run's text without junk words at the edges that touch banned words (never our own words)."""
    head = next((i for i, (_, protected) in enumerate(run) if protected), len(run))
    tail = next((i for i in range(len(run) - 1, -1, -1) if run[i][1]), -1) + 1
    before, middle, after = ("".join(c for c, _ in run[:head]), "".join(c for c, _ in run[head:tail]),
                             "".join(c for c, _ in run[max(head, tail):]))
    if not middle:                     # no words of ours: one plain run
        plain = before
        plain = _LEADING_JUNK.sub("", plain) if leading else plain
        return _TRAILING_JUNK.sub("", plain) if trailing else plain
    before = _LEADING_JUNK.sub("", before) if leading else before
    return before + middle + (_TRAILING_JUNK.sub("", after) if trailing else after)


def _has_content(piece: str) -> bool:
    if _A_NOT_A.match(piece):
        return False
    if any(c.isdigit() for c in piece):
        return True
    cjk = sum(is_cjk(c) for c in piece)
    return cjk >= 3 or (cjk == 2 and bool(find_facts(piece)))


def _only_time(piece: str) -> bool:
    facts = find_facts(piece)
    return len(facts) == 1 and facts[0].kind == "time" and facts[0].end - facts[0].start == len(piece)


def _said_before(piece: str, pieces: list[str], wording: Wording) -> bool:
    """A takeover already said (or one for 他们 after a named party) is not said twice."""
    if piece in pieces:
        return True
    them = {wording.takeover.format(party=p) for p in _THEM}
    head = wording.takeover.split("{party}", 1)[0]
    return piece in them and any(p.startswith(head) for p in pieces)
