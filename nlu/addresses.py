"""Addresses as residents write them: 3栋2单元1201, 3号楼二单元1201室, 十七栋一单元901, 7-3-1803, 7栋3-1803,
B座1502, 8幢2门401, 十二零一; values normalised (十七 -> "17", a -> "A").

Every pattern is matched at a position of the whole text (never on a slice of it) and gaps are
bounded, so finding the addresses of a message costs time linear in its length.
"""
from __future__ import annotations

import re

from .numerals import NUMERAL_CHARS, to_int_string
from .spans import MAX_PER_KIND, Entity, Spans

_CN = f"[{NUMERAL_CHARS}]"
_NUM = rf"(?:\d{{1,3}}|{_CN}{{1,4}})"
_LETTER_BUILDING = r"(?:[A-Za-z]\d{0,2})"
_ROOM = r"(?:\d{3,4}|[二三四五六七八九]?十[一二三四五六七八九]?零[零〇一二三四五六七八九]{1,2}|[零〇一二三四五六七八九幺]{3,4})"
_SEP = r"[\s,，、的\-－—_/]{0,3}"

# 3号楼 / 3栋 / 3幢 / 3座 / 3# / A座 / B2栋 / 十七栋; 3楼 only when a unit follows (else it is a floor).
_BUILDING = re.compile(
    rf"(?<![\dA-Za-z])(?P<num>{_LETTER_BUILDING}|{_NUM})\s{{0,3}}(?P<mark>号楼|号栋|号幢|栋楼|栋|幢|座|#楼|#|号(?=\s{{0,3}}{_NUM}\s{{0,3}}单元)|楼(?=\s{{0,3}}{_NUM}\s{{0,3}}单元))"
)
_UNIT = re.compile(rf"(?<![\d])(?P<num>\d{{1,2}}|{_CN}{{1,3}})\s{{0,3}}(?:单元|门(?=\s{{0,3}}{_ROOM}))")
_COMPACT = re.compile(r"(?<![\dA-Za-z\-])(?P<b>\d{1,2})\s{0,3}[-－—]\s{0,3}(?P<u>\d{1,2})\s{0,3}[-－—]\s{0,3}(?P<r>\d{3,4})(?![\d\-])")
_BUILDING_ROOM = re.compile(r"(?<![\dA-Za-z\-])(?P<b>\d{1,2})\s{0,3}[-－—]\s{0,3}(?P<r>\d{3,4})(?![\d\-])")
_UNIT_ROOM = re.compile(rf"{_SEP}(?P<u>\d{{1,2}})\s{{0,3}}[-－—]\s{{0,3}}(?P<r>\d{{3,4}})(?![\d\-])")
_ROOM_AFTER = re.compile(rf"{_SEP}(?P<r>{_ROOM})(?P<suffix>\s{{0,3}}(?:室|号房|房间|房|号(?![楼栋幢线]))?)(?![\d年月日点元块号米个次天周])")
_ROOM_SUFFIXED = re.compile(r"(?<![\d\-.])(?P<r>\d{3,4})\s{0,3}(?:室|号房|房间)")
_ROOM_CUED = re.compile(r"(?:房号|门牌号?|房间号?|我家|我住|住在|住|家是|家在|我是|^\s{0,3}是|不对\W{0,3}是)\s{0,3}(?:是|在)?\s{0,3}(?P<r>\d{3,4})(?!\s{0,3}[\d年月日点元块米个次天周%])")
_ROOM_ALONE = re.compile(r"\W*(?P<r>\d{3,4})\s{0,3}(?:室|号|房)?\W*")  # the whole message (fullmatch)
_UNIT_AHEAD = re.compile(rf"\s{{0,3}}{_UNIT.pattern}")
_UNIT_AHEAD_LOOSE = re.compile(rf"[\s的,，]{{0,6}}{_UNIT.pattern}")


def address_value(number: str) -> str | None:
    """A building, unit or room number as stored: '十七' -> '17', 'a' -> 'A'."""
    if re.fullmatch(r"[A-Za-z]\d{0,2}", number):
        return number.upper()
    return to_int_string(number)


class _Finder:
    """One pass over one text: each found part takes its characters, so no two parts overlap."""

    def __init__(self, text: str, spans: Spans):
        self.text, self.spans, self.found = text, spans, []
        self.counts: dict[str, int] = {}

    def add(self, kind: str, raw: str, start: int, end: int) -> bool:
        if self.counts.get(kind, 0) >= MAX_PER_KIND:
            return False
        value = address_value(raw)
        if value is None or not self.spans.free(start, end):
            return False
        self.spans.take(start, end)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.found.append(Entity(kind, value, start, end))
        return True

    def run(self) -> list[Entity]:
        text = self.text
        for m in _COMPACT.finditer(text):
            if self.spans.free(m.start(), m.end()):
                for part, kind in (("b", "building"), ("u", "unit"), ("r", "room")):
                    self.add(kind, m.group(part), *m.span(part))
        for m in _BUILDING.finditer(text):
            if self.add("building", m.group("num"), m.start(), m.end()):
                self.room_or_unit_after(m.end())
        for m in _UNIT.finditer(text):
            if self.add("unit", m.group("num"), m.start(), m.end()):
                self.room_after(m.end())
        for m in _BUILDING_ROOM.finditer(text):
            if self.spans.free(m.start(), m.end()):
                self.add("building", m.group("b"), *m.span("b"))
                self.add("room", m.group("r"), *m.span("r"))
        for pattern in (_ROOM_SUFFIXED, _ROOM_CUED):
            for m in pattern.finditer(text):
                self.add("room", m.group("r"), m.start("r"), m.end() if pattern is _ROOM_SUFFIXED else m.end("r"))
        alone = _ROOM_ALONE.fullmatch(text)
        if alone:
            self.add("room", alone.group("r"), *alone.span("r"))
        return self.found

    def room_or_unit_after(self, pos: int) -> None:
        """After a building: 7栋3-1803 (unit-room) or 3栋1201 (room)."""
        m = _UNIT_ROOM.match(self.text, pos)
        if m and _UNIT_AHEAD.match(self.text, pos) is None:
            self.add("unit", m.group("u"), *m.span("u"))
            self.add("room", m.group("r"), *m.span("r"))
            return
        if _UNIT_AHEAD_LOOSE.match(self.text, pos) is None:
            self.room_after(pos)

    def room_after(self, pos: int) -> None:
        m = _ROOM_AFTER.match(self.text, pos)
        if m:
            end = m.end("suffix") if m.group("suffix").strip() else m.end("r")
            self.add("room", m.group("r"), m.start("r"), end)


def find_addresses(folded: str, spans: Spans) -> list[Entity]:
    """Building, unit and room parts of a folded text, taking their characters in `spans`."""
    return _Finder(folded, spans).run()
