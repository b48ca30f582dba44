"""Finding the violations of the rules in a skeleton: hits, their placement, and polite contexts.

A hit that runs into a harmless word (滚筒, 喂食, 病人) is dropped; a hit whose group lists
``allowed_when`` contexts is dropped when one of them holds: the same characters asking politely
(不知道您…是否方便), conceding (不管多晚都…), supposing (如果…不行的话), describing the resident
(您要是没空) or followed by a concrete promise (半小时内回复您). Banned words are blanked out while
contexts are looked for, except words that their own context excused (我们已经联系楼上): those may
serve as the promise for another hit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .matcher import Indexed, part_spans
from .rules import Context, Rule, Rules
from .skeleton import MASK, SEP
from .verdict import Violation

_NEGATIVE_PROMISE = re.compile("不会|不能|不给|不帮|不可能|没法|没办法|无法|不想|不愿|不打算|不准备|别想|拒绝|不用")
_NEGATION = re.compile("[不没别无]")
_NOT_A_VERB = frozenset("这那我你您他她它")


@dataclass(frozen=True)
class Hit:
    start: int   # skeleton offsets
    end: int
    rule: Rule


def rule_violations(rules: Rules, text: str, skel: str, offsets: list[int]) -> list[Violation]:
    """The violations the rule groups find in a reply (skel and offsets from skeleton(text))."""
    indexed = Indexed(skel)
    hits = [Hit(a, b, rule) for rule, part in _parts_for(rules, indexed) for a, b in part_spans(part, skel, indexed)]
    if not hits:
        return []
    harmless = list(rules.harmless.spans(indexed)) if rules.harmless else []
    hits = [h for h in hits if _placed(rules.fillers, skel, h) and not any(
        a < h.end and h.start < b and (a < h.start or h.end < b) for a, b in harmless)]
    masked = _mask(skel, hits) if any(h.rule.contexts for h in hits) else skel
    bare = {id(h) for h in hits if h.rule.contexts and _bare(rules.fillers, skel, h)}
    kept = [h for h in hits if not _excused(h, skel, masked, id(h) in bare)]
    if len(kept) < len(hits) and any(h.rule.contexts for h in kept):
        # words excused by their own context (我们已经联系楼上) are polite: they may excuse the rest
        masked = _mask(skel, kept)
        kept = [h for h in kept if not _excused(h, skel, masked, id(h) in bare)]
    kept = [h for h in kept if not any(o is not h and o.start <= h.start and h.end <= o.end
                                       and (o.end - o.start) > (h.end - h.start) for o in kept)]
    seen, violations = set(), []
    for hit in sorted(kept, key=lambda h: (h.start, -h.end, h.rule.number)):
        if (hit.start, hit.end) in seen:
            continue
        seen.add((hit.start, hit.end))
        start, end = offsets[hit.start], offsets[hit.end - 1] + 1
        violations.append(Violation(text[start:end], hit.rule.category, start, end))
    return violations


def _parts_for(rules: Rules, indexed: Indexed) -> list[tuple]:
    """The (rule, part) pairs that can match somewhere in the text, each once."""
    by_char, anywhere = rules.by_first_char
    found = {id(part): (rule, part) for c in indexed.chars for rule, part in by_char.get(c, ())}
    found.update((id(part), (rule, part)) for rule, part in anywhere)
    return list(found.values())


def _placed(fillers: frozenset[str], skel: str, hit: Hit) -> bool:
    if hit.rule.where == "anywhere":
        return True
    begin, finish = clause_of(skel, hit.start, hit.end)
    after_ok = all(c in fillers for c in skel[hit.end:finish])
    if hit.rule.where == "clause_end":
        return after_ok
    if hit.rule.where == "whole":   # the whole reply is these words: 嗯？ / 哦。 (not 嗯嗯，好的)
        begin, finish = 0, len(skel)
    # alone: nothing else in the clause but fillers, or the same words said again (下班了下班了)
    rest = (skel[begin:hit.start] + SEP + skel[hit.end:finish]).replace(skel[hit.start:hit.end], "")
    return all(c in fillers or c == SEP for c in rest)


def _excused(hit: Hit, skel: str, masked: str, bare: bool) -> bool:
    return any(_holds(c, skel, masked, hit, bare) for c in hit.rule.contexts)


# A banned phrase with nothing else in its clause but these (and fillers) is a bare answer: 没办法，… / 我不知道，…
_SUBJECTS = re.compile("我们|咱们|我|俺|咱|这个|那个|这|那|也|都|真的|真|实在|确实")


def _bare(fillers: frozenset[str], skel: str, hit: Hit) -> bool:
    """The hit is its clause: 没办法，电梯配件要等到周五 (a promise elsewhere does not excuse that opening)."""
    begin, finish = clause_of(skel, hit.start, hit.end)
    rest = _SUBJECTS.sub("", skel[begin:hit.start] + skel[hit.end:finish])
    return all(c in fillers for c in rest)


def clause_of(skel: str, start: int, end: int) -> tuple[int, int]:
    """(begin, end) of the clause of the skeleton holding start..end."""
    begin = skel.rfind(SEP, 0, start) + 1
    finish = skel.find(SEP, end)
    return begin, (len(skel) if finish < 0 else finish)


def _mask(skel: str, hits: list[Hit]) -> str:
    chars = list(skel)
    for hit in hits:
        for i in range(hit.start, hit.end):
            if chars[i] != SEP:
                chars[i] = MASK
    return "".join(chars)


def _holds(context: Context, skel: str, masked: str, hit: Hit, bare: bool) -> bool:
    begin, finish = clause_of(skel, hit.start, hit.end)
    if context.a_not_a and _a_not_a(skel, begin, hit):
        return True
    if context.before is not None:
        prefix = skel[begin:hit.start]
        if any(context.within is None or len(prefix) - b <= context.within for _, b in context.before.spans(prefix)):
            return True
    if context.after is not None:
        if any(context.within is None or a <= context.within for a, _ in context.after.spans(skel[hit.end:finish])):
            return True
    anywhere = context.anywhere
    if bare and context.bare_clause is not True:
        anywhere = context.bare_clause or None
    if anywhere is not None:
        for a, b in anywhere.spans(masked):
            window = skel[max(0, a - 4):a].rsplit(SEP, 1)[-1]
            if not (context.not_after_negation and (_NEGATIVE_PROMISE.search(window)
                                                    or _NEGATION.search(masked, a, b))):
                return True
    return False


def _a_not_a(skel: str, begin: int, hit: Hit) -> bool:
    """行不行, 在不在, 有没有空, 方便不方便: the words before 不/没 repeat the words after it."""
    word = skel[hit.start:hit.end]
    if word[:1] not in ("不", "没") or word[1:2] in _NOT_A_VERB:   # 这没这项业务 is no question
        return False
    return any(hit.start - k >= begin and skel[hit.start - k:hit.start] == word[1:1 + k] for k in (1, 2))
