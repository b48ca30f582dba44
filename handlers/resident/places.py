"""Where a request is (issue 14 item 3): which estate, a public area, or a house the roster knows.

The NLU returns the normalised building, unit and room; the roster decides whether they are real
(handlers/estates/addresses.py, one indexed query in the turn's own transaction). An estate named in
the message picks the estate; otherwise the conversation's, the resident's, or the only one there is.
An estate without a roster takes the address as given.
"""
from __future__ import annotations

from storage.models import DEFAULT_ESTATE_ID

from ..desk import Turn

# Public places that belong to a building (the building is asked, never a room); the others (大门,
# 车库, 会所, an estate's own named areas) need no address at all.
BUILDING_BOUND = frozenset({"楼道", "电梯", "电梯厅", "单元门", "屋面", "外墙"})
# What the roster's answer clears from the draft: the parts that do not exist (never a ticket there).
_CLEARS = {"no_building": ("building", "unit", "room"), "no_unit": ("unit",), "no_room": ("room",),
           "unit_needed": ("unit",)}


def ask_estate(turn: Turn) -> str:
    """Which estate, with a few names as examples when there are any."""
    names = "、".join(estate.name for estate in turn.desk.estates.estates()[:3])
    example = f"（例如：{names}）" if names else ""
    return f"请问您是哪个小区的？麻烦告诉我们小区名称{example}。"


def estate_of(turn: Turn, *known: int | None) -> int | None:
    """The first estate known (named in the message, then the conversation's), else the resident's,
    else the only estate of the company; None when the resident must be asked."""
    for estate_id in (*known, turn.resident.estate_id):
        if estate_id:
            return estate_id
    estates = turn.desk.estates.estates()
    return estates[0].id if len(estates) == 1 else None


def public_area(turn: Turn, estate_id: int | None, text: str) -> str | None:
    """The public place a message names (the estate's own area, or 电梯 / 大门 / 车库 ...), None when
    the fault is inside a home."""
    mention = turn.desk.estates.public_area(estate_id or DEFAULT_ESTATE_ID, text)
    return str(mention.target) if mention is not None else None


def needs_building(area: str | None) -> bool:
    """A public area that is in some building (a corridor, a lift): the building is asked."""
    return area in BUILDING_BOUND


def check(turn: Turn, draft, needs_room: bool) -> str | None:
    """None when the address can stand: a house of the roster (the draft takes the roster's keys and
    the house), an estate without a roster, or the building of a public fault. Else the polite
    question, with what does not exist taken off the draft."""
    if not draft.building:
        return None
    result = turn.desk.estates.resolve(draft.estate_id or DEFAULT_ESTATE_ID, draft.building, draft.unit,
                                       draft.room if needs_room else None, session=turn.session)
    if result.found:
        draft.building, draft.unit, draft.room, draft.house_id = result.building, result.unit, result.room, \
            result.house_id
        return None
    if result.status == "unchecked" or (not needs_room and result.status in ("room_needed", "unit_needed")):
        if result.building:
            draft.building = result.building  # a building alias (紫荆阁) becomes the roster's key
        return None
    for name in _CLEARS.get(result.status, ()):
        setattr(draft, name, None)
    draft.house_id = None
    return result.question
