"""Roster values normalised the way the NLU normalises what residents write.

A roster says "三幢", "3号楼", "A座", "二单元", "1201室"; the NLU turns a resident's "3栋2单元1201" into
building "3", unit "2", room "1201" (nlu.entities.address_value). Keys are stored in that form so
that an address in a message is looked up as parsed. Each function returns None for a value it
cannot read; the importer refuses the row and says why.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nlu.entities import address_value
from nlu.text import fold

_BUILDING = re.compile(r"(?P<num>[A-Za-z]\d{0,2}|\d{1,3}|[零〇一二两三四五六七八九十百]{1,4})\s*"
                       r"(?:号楼|号栋|号幢|栋楼|栋|幢|座|#楼|#|号|楼)?")
_UNIT = re.compile(r"(?P<num>\d{1,2}|[零〇一二两三四五六七八九十]{1,3})\s*(?:单元|门|号)?")
_ROOM = re.compile(r"(?P<num>[A-Za-z]?\d{2,5}|[零〇一二三四五六七八九十幺]{3,5})\s*(?:室|号房|房间|房|号)?")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}|\d{7,8}")
OCCUPIED = "occupied"
VACANT = "vacant"
_OCCUPANCY = {
    OCCUPIED: {"入住", "已入住", "自住", "居住", "常住", "出租", "已出租", "在住", "occupied", "yes", "y", "是", "1", "true"},
    VACANT: {"空置", "未入住", "空房", "闲置", "待入住", "未交付", "vacant", "empty", "no", "n", "否", "0", "false"},
}


def cell_text(value) -> str:
    """A spreadsheet cell as text: 1201.0 -> '1201', None -> ''; full-width and traditional folded."""
    if value is None:
        return ""
    if isinstance(value, str):
        return fold(value).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return fold(str(value)).strip()


def _key(pattern: re.Pattern, raw: str) -> str | None:
    match = pattern.fullmatch(cell_text(raw).replace(" ", ""))
    return address_value(match.group("num")) if match else None


@lru_cache(maxsize=65536)  # a roster repeats the same few values on millions of rows
def building_key(raw) -> str | None:
    """'三幢' / '3号楼' / 'A座' / 'b2' -> '3' / '3' / 'A' / 'B2'."""
    return _key(_BUILDING, raw)


@lru_cache(maxsize=65536)
def unit_key(raw) -> str | None:
    """'二单元' / '2' / '2门' -> '2'."""
    return _key(_UNIT, raw)


@lru_cache(maxsize=65536)
def room_key(raw) -> str | None:
    """'1201' / '1201室' / '一二零一' -> '1201'; a letter before digits is kept ('A101')."""
    match = _ROOM.fullmatch(cell_text(raw).replace(" ", ""))
    if not match:
        return None
    number = match.group("num")
    if number[0].isascii() and number[0].isalpha():
        return number.upper()
    return number if number.isascii() else address_value(number)


def phone(raw) -> str | None:
    """Digits of a mobile or landline ('138 1234 5678', '+86-13812345678', '0571-88886666')."""
    digits = re.sub(r"\D", "", cell_text(raw))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) else None


@lru_cache(maxsize=65536)
def occupancy(raw) -> str | None:
    """'已入住' / '出租' -> 'occupied'; '空置' -> 'vacant'; None when not one of the known words."""
    text = cell_text(raw).lower()
    return next((state for state, words in _OCCUPANCY.items() if text in words), None)


def alias_key(alias: str) -> str:
    """How an estate's name or alias is matched in messages: folded, lower case, no spaces."""
    return re.sub(r"\s+", "", fold(alias)).lower()
