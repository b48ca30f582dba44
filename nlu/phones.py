"""Phone numbers in every way residents write them, found in one linear pass.

Mobiles (139 1234 5678, 138.1234.5678, 138 - 1234 - 5678, +86 / 0086 prefixes, full-width digits,
Chinese numerals 一三九一二三四五六七八 and 幺三八…), landlines with an area code (0571-88886666,
(0571) 8888 6666, 010 1234 5678) and bare 7-8 digit local numbers after a phone cue (电话88886666).
Patterns run on `nlu.text.fold`ed text, whose offsets are those of the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A digit as residents type or say it; 幺 is the spoken 1 of phone numbers.
_DIGIT_CHARS = "0123456789零〇○一二三四五六七八九幺"
_DIGIT_VALUE = {**{str(d): str(d) for d in range(10)}, "零": "0", "〇": "0", "○": "0", "一": "1", "幺": "1", "二": "2",
                "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
D = f"[{_DIGIT_CHARS}]"
_ONE = "[1一幺]"
_ZERO = "[0零〇○]"
_MOBILE_SECOND = "[3-9三四五六七八九]"
# Between digit groups: a dash, dot or middle dot with spaces around it, or up to three spaces.
_SEP = r"(?:[ \t]{0,3}[-.·—－_~][ \t]{0,3}|[ \t]{1,3})"
_PREFIX = rf"(?:(?:\+|00)?86{_SEP}?|\(\+?86\){_SEP}?)"

_MOBILE = re.compile(
    rf"(?<!{D})(?P<prefix>{_PREFIX})?(?P<num>{_ONE}{_MOBILE_SECOND}{D}{_SEP}?{D}{{4}}{_SEP}?{D}{{4}})(?!{D})"
)
_LANDLINE = re.compile(
    rf"(?<![{_DIGIT_CHARS}\-])(?P<num>[(（]?{_ZERO}{D}{{2,3}}[)）]?{_SEP}?(?:{D}{{7,8}}|{D}{{3,4}}{_SEP}{D}{{4}}))(?!{D}|-{D})"
)
_CUE = r"(?:电话|手机|座机|联系|号码|手机号|打|拨|tel|TEL|Tel|致电)"
_LOCAL = re.compile(rf"{_CUE}[^{_DIGIT_CHARS}]{{0,4}}?(?P<num>[2-9二三四五六七八九]{D}{{2,3}}{_SEP}?{D}{{4}})(?!{D})")


@dataclass(frozen=True)
class PhoneMatch:
    kind: str      # mobile, landline or local
    digits: str    # the number as digits only, without +86
    start: int     # span in the text, +86 included
    end: int


def digits_of(surface: str) -> str:
    """Only the digits of a surface form, Chinese numerals read as digits."""
    return "".join(_DIGIT_VALUE[ch] for ch in surface if ch in _DIGIT_VALUE)


def find_phones(folded: str) -> list[PhoneMatch]:
    """Every phone number in a folded text, earliest first, never overlapping; linear in the text."""
    found: list[PhoneMatch] = []
    taken = bytearray(len(folded))
    for kind, pattern in (("mobile", _MOBILE), ("landline", _LANDLINE), ("local", _LOCAL)):
        for m in pattern.finditer(folded):
            start, end = m.span("num")
            if kind == "mobile" and m.group("prefix"):
                start = m.start()  # +86 stays in the span, not in the value
            if taken.find(1, start, end) != -1:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(PhoneMatch(kind, digits_of(m.group("num")), start, end))
    return sorted(found, key=lambda p: p.start)


def masked(phone: PhoneMatch) -> str:
    """How a phone is shown to people who must not see it: 139****5678, 0571-****6666, ****6666."""
    digits = phone.digits
    if phone.kind == "mobile":
        return f"{digits[:3]}****{digits[-4:]}"
    if phone.kind == "landline":
        area = 3 if digits[:2] in ("01", "02") else 4
        return f"{digits[:area]}-****{digits[-4:]}"
    return f"****{digits[-4:]}"
