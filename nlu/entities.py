"""Entities residents give in free text, with normalised values.

building / unit / room from every way an address is written (3栋2单元1201, 3号楼二单元1201室,
十七栋一单元901, 7-3-1803, B座1502, 12幢), phone numbers as digits only, and the category of the
fault from the vocabulary in nlu.yml (the `synonym:` blocks). Offsets point into the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import NUMERAL_CHARS, to_int_string
from .text import fold

EXTRACTOR = "wuye"


@dataclass(frozen=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int
    extractor: str = EXTRACTOR

    def as_dict(self) -> dict:
        """The entity in the shape of Rasa's /model/parse answer."""
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end,
                "extractor": self.extractor}


_CN = f"[{NUMERAL_CHARS}]"
_NUM = rf"(?:\d{{1,3}}|{_CN}{{1,4}})"
_LETTER_BUILDING = r"(?:[A-Za-z]\d{0,2})"
_ROOM = r"(?:\d{3,4}|[二三四五六七八九]?十[一二三四五六七八九]?零[零〇一二三四五六七八九]{1,2}|[零〇一二三四五六七八九幺]{3,4})"
_SEP = r"[\s,，、的\-－—_/]{0,3}"

# 3号楼 / 3栋 / 3幢 / 3座 / 3# / A座 / B2栋 / 十七栋; 3楼 only when a unit follows (else it is a floor).
_BUILDING = re.compile(
    rf"(?<![\dA-Za-z])(?P<num>{_LETTER_BUILDING}|{_NUM})\s*(?P<mark>号楼|号栋|号幢|栋楼|栋|幢|座|#楼|#|号(?=\s*{_NUM}\s*单元)|楼(?=\s*{_NUM}\s*单元))"
)
_UNIT = re.compile(rf"(?<![\d])(?P<num>\d{{1,2}}|{_CN}{{1,3}})\s*(?:单元|门(?=\s*{_ROOM}))")
_COMPACT = re.compile(r"(?<![\dA-Za-z\-])(?P<b>\d{1,2})\s*[-－—]\s*(?P<u>\d{1,2})\s*[-－—]\s*(?P<r>\d{3,4})(?![\d\-])")
_BUILDING_ROOM = re.compile(r"(?<![\dA-Za-z\-])(?P<b>\d{1,2})\s*[-－—]\s*(?P<r>\d{3,4})(?![\d\-])")
_UNIT_ROOM = re.compile(rf"^{_SEP}(?P<u>\d{{1,2}})\s*[-－—]\s*(?P<r>\d{{3,4}})(?![\d\-])")
_ROOM_AFTER = re.compile(rf"^{_SEP}(?P<r>{_ROOM})(?P<suffix>\s*(?:室|号房|房间|房|号(?![楼栋幢线]))?)(?![\d年月日点元块号米个次天周])")
_ROOM_SUFFIXED = re.compile(r"(?<![\d\-.])(?P<r>\d{3,4})\s*(?:室|号房|房间)")
_ROOM_CUED = re.compile(r"(?:房号|门牌号?|房间号?|我家|我住|住在|住|家是|家在|我是|^\s*是|不对\W*是)\s*(?:是|在)?\s*(?P<r>\d{3,4})(?!\s*[\d年月日点元块米个次天周%])")
_ROOM_ALONE = re.compile(r"^\W*(?P<r>\d{3,4})\s*(?:室|号|房)?\W*$")

# +86 138 1234 5678, 138-1234-5678, 0571-88886666; bare 7-8 digit numbers only after a phone cue.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?(?P<num>1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d\-])(?P<num>0\d{2,3}[\s\-]?(?:\d{7,8}|\d{3,4}[\s\-]\d{4}))(?![\d\-])")
_LOCAL = re.compile(r"(?:电话|手机|座机|联系|号码|打|tel|Tel|TEL)[^\d]{0,4}(?P<num>\d{7,8})(?!\d)")


def _span_free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def address_value(number: str) -> str | None:
    """A building, unit or room number as stored: '十七' -> '17', 'a' -> 'A'."""
    if re.fullmatch(r"[A-Za-z]\d{0,2}", number):
        return number.upper()
    return to_int_string(number)


@dataclass(frozen=True)
class Analysis:
    folded: str
    entities: list[Entity]
    taken: list[tuple[int, int]]


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
        taken: list[tuple[int, int]] = []
        found = self._phones(folded, taken)
        found += self._addresses(folded, taken)
        return Analysis(folded, found, taken)

    def finish(self, analysis: "Analysis", intent: str | None) -> list[Entity]:
        """The entities, with the category chosen for the intent."""
        taken = list(analysis.taken)
        found = analysis.entities + self._categories(analysis.folded, taken, intent)
        return sorted(found, key=lambda e: e.start)

    def mentioned_categories(self, analysis: "Analysis") -> set[str]:
        """Every category the message's words belong to."""
        if self._category_re is None:
            return set()
        return {self._category_of[m.group()] for m in self._category_re.finditer(analysis.folded.lower())
                if m.group() in self._category_of}

    def signals(self, analysis: "Analysis") -> list[str]:
        """Features for the intent model: which categories and entities the message mentions.

        The vocabulary generalises beyond training sentences: 电梯 says "a fault of the lift" even in
        a sentence the model has never seen, and a message that is mostly a phone number is an answer.
        """
        out = [f"e:{kind}" for kind in sorted({e.entity for e in analysis.entities})]
        if self._category_re is not None:
            for m in self._category_re.finditer(analysis.folded.lower()):
                value = self._category_of.get(m.group())
                if value:
                    out += [f"e:cat:{value}", "e:grp:fault" if value in FAULT_CATEGORIES else "e:grp:topic"]
        covered = sum(e.end - e.start for e in analysis.entities)
        letters = sum(1 for ch in analysis.folded if not ch.isspace())
        if letters and covered / letters > 0.6:
            out.append("e:mostly_entities")
        return out

    def _phones(self, text: str, taken: list[tuple[int, int]]) -> list[Entity]:
        found = []
        for pattern in (_MOBILE, _LANDLINE, _LOCAL):
            for m in pattern.finditer(text):
                start, end = m.span("num")
                if pattern is _MOBILE:
                    start = m.start()  # keep +86 inside the span, drop it from the value
                if _span_free(taken, start, end):
                    taken.append((start, end))
                    found.append(Entity("phone", re.sub(r"\D", "", m.group("num")), start, end))
        return found

    def _addresses(self, text: str, taken: list[tuple[int, int]]) -> list[Entity]:
        found: list[Entity] = []

        def add(kind: str, raw: str, start: int, end: int) -> bool:
            value = address_value(raw)
            if value is None or not _span_free(taken, start, end):
                return False
            taken.append((start, end))
            found.append(Entity(kind, value, start, end))
            return True

        for m in _COMPACT.finditer(text):
            if _span_free(taken, m.start(), m.end()):
                for part, kind in (("b", "building"), ("u", "unit"), ("r", "room")):
                    add(kind, m.group(part), *m.span(part))
        for m in _BUILDING.finditer(text):
            if not add("building", m.group("num"), m.start(), m.end()):
                continue
            self._room_or_unit_after(text, m.end(), add)
        for m in _UNIT.finditer(text):
            if add("unit", m.group("num"), m.start(), m.end()):
                self._room_after(text, m.end(), add)
        for m in _BUILDING_ROOM.finditer(text):
            if _span_free(taken, m.start(), m.end()):
                add("building", m.group("b"), *m.span("b"))
                add("room", m.group("r"), *m.span("r"))
        for pattern in (_ROOM_SUFFIXED, _ROOM_CUED, _ROOM_ALONE):
            for m in pattern.finditer(text):
                add("room", m.group("r"), m.start("r"), m.end() if pattern is _ROOM_SUFFIXED else m.end("r"))
        return found

    def _room_or_unit_after(self, text: str, pos: int, add) -> None:
        """After a building: 7栋3-1803 (unit-room) or 3栋1201 (room)."""
        m = _UNIT_ROOM.match(text[pos:])
        if m and _UNIT.match(text[pos:].lstrip()) is None:
            add("unit", m.group("u"), pos + m.start("u"), pos + m.end("u"))
            add("room", m.group("r"), pos + m.start("r"), pos + m.end("r"))
            return
        if _UNIT.match(text[pos:].lstrip(" 的,，")) is None:
            self._room_after(text, pos, add)

    @staticmethod
    def _room_after(text: str, pos: int, add) -> None:
        m = _ROOM_AFTER.match(text[pos:])
        if m:
            end = pos + m.end("suffix") if m.group("suffix").strip() else pos + m.end("r")
            add("room", m.group("r"), pos + m.start("r"), end)

    def _categories(self, text: str, taken: list[tuple[int, int]], intent: str | None) -> list[Entity]:
        """The one category the message is about.

        Residents name places and people around the fault (楼道里电线露出来了, 楼上往下漏水), so every
        vocabulary word is a candidate and the choice prefers, in order: the group that fits the
        intent (fault categories for repairs, complaint topics for complaints), specific words over
        place-like or one-character words, and the earliest mention.
        """
        if self._category_re is None:
            return []
        candidates = []
        for m in self._category_re.finditer(text.lower()):
            word = m.group()
            if word in _BLOCKERS or not _span_free(taken, m.start(), m.end()):
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
        taken.extend((c.start, c.end) for c in chosen)
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
