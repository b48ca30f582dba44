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
from typing import Callable

from nlu.text import fold

from .clause import Clause, Topic, kept_pieces, please, split_clauses
from .facts import find_facts
from .parties import (PRONOUN_PARTIES, RESPONSIBLE, THEM, made_responsible, named_after_verb, nearest_party,
                      parties_in, party)
from .verdict import Violation
from .wording import Wording

# banned words that send the resident somewhere: 找燃气公司, 去电力局, 跟楼上说
_PUSH = re.compile("(?:找|问|打|拨|联系|咨询|协商|沟通|商量|协调|解决|去)(?!错)|(?:跟|和|向|同)[^，]{1,8}?(?:说|谈|讲|反映|理论|扯)")
_PRONOUN_PARTY = re.compile("|".join(PRONOUN_PARTIES))

_YOU = re.compile("你们|你")
_LIST_MARKS = frozenset(("、", ":", "：", "~", "～", "/"))
_DIALLED = re.compile("(?:打|拨|电话|热线)$")
_QUESTION = re.compile(r"(?:吗|么)$|(?:什么|哪|谁|怎么|几|多少|是否)[^，]*呢$|是[^，]{1,8}还是[^，]{1,8}$|是不是[^，]*$")

Find = Callable[[str], list[Violation]]


def rewrite_content(text: str, violations: list[Violation], wording: Wording, find_words: Find,
                    sounds_rude: Callable[[str], bool] = lambda text: False) -> str:
    """What the reply says without its banned words, in polite form ("" when nothing is left);
    `find_words` gives the banned words the rules find in a text (for words read across clauses),
    `sounds_rude` the tone model's opinion of a clause without banned words."""
    folded = fold(text)
    clauses = [_clause(text, folded, (a, b), violations, (find_words, wording)) for a, b in split_clauses(folded)]
    parties = [parties_in(folded, c, wording) for c in clauses]
    pieces: list[str] = []
    marks: list[str] = []       # what follows each piece: its own clause mark (、：～) or a comma
    for n, clause in enumerate(clauses):
        _replace(text, folded, clause, wording)
        if clause.spans:        # a party nearby is contacted only when no party was taken over yet
            taken = any(p.startswith(wording.takeover.split("{party}", 1)[0]) for p in pieces)
            _rework(text, folded, clause, wording, None if taken else nearest_party(parties, n, text))
        new: list[str] = []
        for piece in kept_pieces(text, folded, clause, wording, sounds_rude):
            if piece and not _said_before(piece, pieces + new, wording):
                new.append(piece)
        if new and not isinstance(new[-1], Topic) and (folded[clause.end:clause.end + 1] in ("?", "？")
                                                        or _QUESTION.search(new[-1])):
            new[-1] += "？"            # a question stays a question
        pieces.extend(new)
        marks.extend(["，"] * len(new))
        if new and not clause.spans and n + 1 < len(clauses) and not clauses[n + 1].spans:
            between = text[clause.end:clauses[n + 1].start].strip()
            marks[-1] = between if between in _LIST_MARKS else marks[-1]   # 周二、周五 stays a list
    last = max((n for n, p in enumerate(pieces) if not isinstance(p, Topic)), default=-1)
    kept = [(p, m) for n, (p, m) in enumerate(zip(pieces, marks))
            if not _time_said_elsewhere(p, pieces, wording) and (n < last or not isinstance(p, Topic))]
    if not kept:
        return ""
    kept = [(p if isinstance(p, Topic) else please(p), m) for p, m in kept]
    content = "".join(p if p.endswith("？") else p + m for p, m in kept[:-1]) + kept[-1][0]
    return _YOU.sub("您", content) + ("" if content.endswith("？") else "。")


def _clause(text: str, folded: str, bounds: tuple[int, int], violations: list[Violation],
            readers: tuple[Find, Wording]) -> Clause:
    """The clause within bounds, its banned words (and words that push the resident away) dropped."""
    (start, end), (find_words, wording) = bounds, readers
    clause = Clause(start, end, [True] * (end - start))
    for v in violations:
        a, b = max(v.start, start), min(v.end, end)
        if a >= b:
            continue
        if (a, b) == (v.start, v.end):
            clause.spans.append((a - start, b - start, v.category))
        else:       # words read across clauses (装的，找): the clause alone says which of its words are banned
            clause.spans.extend((x.start, x.end, x.category) for x in find_words(text[start:end]))
    for pattern in wording.pushing:
        for m in pattern.finditer(folded, start, end):
            a, b = m.start() - start, m.end() - start
            names = any(c.isdigit() for c in m.group()) or named_after_verb(folded, m.start(), m.end(), wording) \
                or made_responsible(folded, m.start(), m.end(), wording) \
                or (wording.parties is not None and wording.parties.search(m.group()))
            if b > a and names and not any(x < b and a < y for x, y, _ in clause.spans):
                clause.spans.append((a, b, "deflecting"))
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


def _replace(text: str, folded: str, clause: Clause, wording: Wording) -> None:
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


def _rework(text: str, folded: str, clause: Clause, wording: Wording, nearby: str | None) -> None:
    """What is said instead of each banned phrase of a clause: its facts, and our taking over."""
    for a, b, category in clause.spans:
        pushed = _PUSH.search(folded, clause.start + a, clause.start + b)
        # 找燃气公司, and also 是自来水公司的事: the party named is ours to contact
        responsible = category == "deflecting" and any(
            m.start() < clause.start + b and clause.start + a < m.end()
            for m in RESPONSIBLE.finditer(folded, clause.start, clause.end))
        named = party(folded, clause, a, b, wording) if pushed or responsible else None
        _rescue_facts(text, folded, clause, (a, b), wording, skip=named)
        if named is not None:
            clause.say(a, wording.takeover.format(party=text[named[0]:named[1]]))
        elif pushed and _PRONOUN_PARTY.search(folded, clause.start + a, clause.start + b):
            clause.say(a, wording.colleague)        # 找别人: nobody named, a colleague of ours follows it up
        elif category == "deflecting" and nearby and pushed:
            clause.say(b, wording.takeover.format(party=nearby))


def _rescue_facts(text: str, folded: str, clause: Clause, span: tuple[int, int], wording: Wording,
                  skip: tuple[int, int] | None) -> None:
    """Facts inside banned words (你打96777) are said again where the banned words were."""
    base, (a, b) = clause.start, span
    for fact in find_facts(text[base + a:base + b]):
        start = base + a + fact.start
        if fact.kind == "party" or (skip and skip[0] <= start < skip[1]):
            continue
        value = text[start:base + a + fact.end]
        dialled = _DIALLED.search(folded, base, start)          # 打110, 拨12345
        phone = fact.kind == "phone" or (value.isdigit() and len(value) >= 3 and dialled is not None)
        clause.say(a + fact.start, wording.phone.format(phone=value) if phone else value)


def _time_said_elsewhere(piece: str, pieces: list[str], wording: Wording) -> bool:
    """周六我们为您安排处理 is not needed when another clause already says what happens on 周六."""
    head, _, tail = wording.time.partition("{time}")
    if not (piece.startswith(head) and piece.endswith(tail)) or len(piece) <= len(head) + len(tail):
        return False
    when = piece[len(head):len(piece) - len(tail)]
    return any(when in other for other in pieces if other is not piece)


def _said_before(piece: str, pieces: list[str], wording: Wording) -> bool:
    """A takeover already said (or one for 他们 after a named party) is not said twice."""
    if piece in pieces:
        return True
    them = {wording.takeover.format(party=p) for p in THEM}
    head = wording.takeover.split("{party}", 1)[0]
    return piece in them and any(p.startswith(head) for p in pieces)
