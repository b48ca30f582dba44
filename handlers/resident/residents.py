"""What the desk remembers about a resident, learnt from what they write."""
from __future__ import annotations

import re

from nlu.text import fold

from ..desk import Turn
from .parsed import Parsed

_NAME = re.compile(r"(?:我姓|免贵姓|本人姓)(?P<family>[\u4e00-\u9fff])|(?:我叫)(?P<full>[\u4e00-\u9fff]{2,3})(?=[，,。\s]|$)")
_CHANGE = re.compile(r"搬家|搬到|新地址|地址(改|换|变)|改成|换成|更新|修改")


def address_of(turn: Turn) -> tuple[str | None, str | None, str | None]:
    """The resident's stored address."""
    r = turn.resident
    return r.building, r.unit, r.room


def _only_estate(turn: Turn) -> int | None:
    estates = turn.desk.estates.estates()
    return estates[0].id if len(estates) == 1 else None


def learn(turn: Turn, parsed: Parsed) -> list[str]:
    """Store an address, phone or name the resident gave; returns what changed (for the reply).

    An address is stored unconfirmed the first time and asked about once before it is reused; a
    resident who says the address changed (搬家, 地址改成…) replaces it, confirmed.
    """
    resident, changed = turn.resident, []
    building, unit, room = parsed.first("building"), parsed.first("unit"), parsed.first("room")
    if building and room:
        explicit = bool(_CHANGE.search(fold(parsed.text)))
        if explicit or not (resident.building and resident.room):
            resident.building, resident.unit, resident.room = building, unit, room
            resident.estate_id = parsed.estate_id or resident.estate_id or _only_estate(turn)
            resident.address_confirmed = explicit
            changed.append("address")
    phone = parsed.first("phone")
    if phone and phone != resident.phone and (not resident.phone or _CHANGE.search(fold(parsed.text))):
        resident.phone = phone
        changed.append("phone")
    m = _NAME.search(fold(parsed.text))
    if m and not resident.name:
        resident.name = f"{m.group('family')}先生/女士" if m.group("family") else m.group("full")
        changed.append("name")
    return changed
