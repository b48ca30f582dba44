"""Entities residents give in free text, with normalised values.

building / unit / room from every way an address is written (3栋2单元1201, 3号楼二单元1201室,
十七栋一单元901, 7-3-1803, B座1502, 12幢), phone numbers as digits only, and the category of the
fault from the vocabulary in nlu.yml (the `synonym:` blocks). Offsets point into the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .addresses import address_value, find_addresses
from .phones import find_phones
from .spans import EXTRACTOR, MAX_PER_KIND, Entity, Spans
from .text import READ_CHARS, fold

__all__ = ["EXTRACTOR", "Entity", "EntityExtractor", "Analysis", "address_value", "FAULT_CATEGORIES",
           "COMPLAINT_TOPICS", "MAX_PER_KIND"]

@dataclass(frozen=True)
class Analysis:
    folded: str
    entities: list[Entity]
    taken: Spans


class EntityExtractor:
    """Rule-based extractor; the category vocabulary comes from nlu.yml synonyms."""

    def __init__(self, category_terms: dict[str, str]):
        # Longest terms first so that 马桶堵 wins over 马桶 and 水管爆 over 水管.
        terms = sorted(category_terms, key=len, reverse=True)
        self._category_of = {fold(t).lower(): v for t, v in category_terms.items()}
        terms += [b for b in _BLOCKERS if b not in category_terms]
        terms.sort(key=len, reverse=True)
        self._category_re = re.compile("|".join(re.escape(fold(t).lower()) for t in terms)) if terms else None

    def extract(self, text: str, intent: str | None = None) -> list[Entity]:
        """All entities of one message, sorted by position; `intent` guides the choice of category."""
        return self.finish(self.analyse(text), intent)

    def analyse(self, text: str) -> "Analysis":
        """Phones and address parts, and every category word: the part that needs no intent."""
        folded = fold(text)
        taken = Spans(len(folded))
        found = []
        for phone in find_phones(folded):
            taken.take(phone.start, phone.end)
            found.append(Entity("phone", phone.digits, phone.start, phone.end))
        found += find_addresses(folded, taken)
        return Analysis(folded, found, taken)

    def finish(self, analysis: "Analysis", intent: str | None) -> list[Entity]:
        """The entities, with the category chosen for the intent."""
        found = analysis.entities + self._categories(analysis.folded, analysis.taken.copy(), intent)
        kept: dict[str, int] = {}
        out = []
        for entity in sorted(found, key=lambda e: e.start):
            kept[entity.entity] = kept.get(entity.entity, 0) + 1
            if kept[entity.entity] <= MAX_PER_KIND:
                out.append(entity)
        return out

    def mentioned_categories(self, analysis: "Analysis") -> set[str]:
        """Every category the message's words belong to."""
        if self._category_re is None:
            return set()
        return {self._category_of[m.group()] for m in self._category_re.finditer(analysis.folded[:READ_CHARS].lower())
                if m.group() in self._category_of}

    def signals(self, analysis: "Analysis") -> list[str]:
        """Features for the intent model: which categories and entities the message mentions.

        The vocabulary generalises beyond training sentences: 电梯 says "a fault of the lift" even in
        a sentence the model has never seen, and a message that is mostly a phone number is an answer.
        """
        out = [f"e:{kind}" for kind in sorted({e.entity for e in analysis.entities})]
        if self._category_re is not None:
            for m in self._category_re.finditer(analysis.folded[:READ_CHARS].lower()):
                value = self._category_of.get(m.group())
                if value:
                    out += [f"e:cat:{value}", "e:grp:fault" if value in FAULT_CATEGORIES else "e:grp:topic"]
        covered = sum(e.end - e.start for e in analysis.entities)
        letters = sum(1 for ch in analysis.folded if not ch.isspace())
        if letters and covered / letters > 0.6:
            out.append("e:mostly_entities")
        return out

    def _categories(self, text: str, taken: Spans, intent: str | None) -> list[Entity]:
        """The one category the message is about.

        Residents name places and people around the fault (楼道里电线露出来了, 楼上往下漏水), so every
        vocabulary word is a candidate and the choice prefers, in order: the group that fits the
        intent (fault categories for repairs, complaint topics for complaints), specific words over
        place-like or one-character words, and the earliest mention.
        """
        if self._category_re is None:
            return []
        candidates = []
        for m in self._category_re.finditer(text[:READ_CHARS].lower()):
            word = m.group()
            if word in _BLOCKERS or not taken.free(m.start(), m.end()):
                continue
            candidates.append(Entity("category", self._category_of[word], m.start(), m.end()))
        if not candidates:
            return []
        if intent == "complaint":  # what they are unhappy about, and the broken thing if one is named
            chosen = [_pick(candidates, COMPLAINT_TOPICS, text), _pick(candidates, FAULT_CATEGORIES, text)]
        elif intent == "inquiry" and not _FAULT_CUE.search(text):
            chosen = []  # 物业费怎么交 asks about fees; no fault to categorise
        else:
            chosen = [_pick(candidates, FAULT_CATEGORIES, text) or _pick(candidates, COMPLAINT_TOPICS, text)]
        chosen = [c for c in chosen if c is not None]
        for c in chosen:
            taken.take(c.start, c.end)
        return chosen


def _pick(candidates: list[Entity], group: frozenset[str], text: str) -> Entity | None:
    pool = [c for c in candidates if c.value in group]
    strong = [c for c in pool if not _weak(text[c.start:c.end].lower())]
    return (strong or pool or [None])[0]


FAULT_CATEGORIES = frozenset({"water", "drain", "electricity", "lift", "door_access", "gas", "heating",
                              "doors_windows", "public_facility", "network", "structure", "appliance"})
COMPLAINT_TOPICS = frozenset({"noise", "sanitation", "parking", "security", "fees", "service", "pets",
                              "neighbour", "greening"})
# Words that say where or who rather than what is wrong; they decide only when nothing else does.
_PLACE_LIKE = frozenset({"楼道", "过道", "车库", "地下车库", "停车场", "楼上", "楼下", "隔壁", "对门", "邻居", "公共区域",
                         "屋顶", "楼顶", "天台", "信号", "师傅", "服务", "工作人员", "物业人员", "大门", "费用",
                         "堵了", "不通", "堵住", "脏", "臭", "臭味", "开关", "卫生", "垃圾", "渗水", "滴水", "漏水"})
# Longer words that contain a vocabulary word but mean something else (卫生间 is a room, not 卫生).
_FAULT_CUE = re.compile(r"坏|漏|堵|不亮|不通|不出|裂|掉|松|异响|故障|修|滴|渗|跳闸|没电|没水|打不|不能用|失灵|不灵|不好使|不热|不转|不响应|卡住|关不上|打不开")
_BLOCKERS = frozenset({"卫生间", "洗手间"})


def _weak(word: str) -> bool:
    return len(word) == 1 or word in _PLACE_LIKE
