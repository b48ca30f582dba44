"""The binding conversation (绑定房屋 / 认证房屋): which house, the phone, and either a roster match the
resident confirms (bound at once) or a request to the estate's desk with the resident's role.

Everything a message gives is taken at once ("绑定房屋 锦绣花园3栋2单元1201 13812345678" needs no
question); only what is missing is asked. A phone alone finds the houses it owns in the roster.
The state lives in the conversation row (state "binding"), like a repair's.
"""
from __future__ import annotations

import re
from datetime import date

from nlu.entities import EntityExtractor
from nlu.text import fold
from storage import bindings, houses, queries

from ..bindings import context, service, words
from ..desk import Turn
from .parsed import Parsed

STATE = "binding"
MAX_TRIES = 2
_ADDRESS_ONLY = EntityExtractor({})  # phones and address parts only: categories are not needed here
_YES = re.compile(r"^\W*(是|是的|对|对的|确认|确定|好|好的|可以|嗯|没错|没问题|ok|yes)\W*$", re.I)
_NO = re.compile(r"^\W*(不是|不对|否|不|错了|不用|不要|no)\W*")
_NUMBER = re.compile(r"^\W*(\d{1,2})\W*$")
_ROLES = (("tenant", re.compile(r"3|租客|租户|租房|租的")), ("family", re.compile(r"2|家属|家人|亲属|子女|父母|爱人")),
          ("owner", re.compile(r"1|业主|房东|户主|本人")))
_DATE = re.compile(r"(20\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_SKIP = re.compile(r"跳过|不清楚|不知道|不方便|不确定|没有|暂无")


def yes(parsed: Parsed) -> bool:
    """An agreement (是 / 好的 / 确认)."""
    return bool(_YES.match(fold(parsed.text))) or (parsed.is_("affirm", 0.8) and len(parsed.text) <= 6)


def no(parsed: Parsed) -> bool:
    """A refusal (不是 / 不对)."""
    return bool(_NO.match(fold(parsed.text))) or parsed.is_("deny", 0.8)


def number(parsed: Parsed, count: int) -> int | None:
    """A choice "2" among `count` listed lines, as an index."""
    m = _NUMBER.match(fold(parsed.text))
    return int(m.group(1)) - 1 if m and 1 <= int(m.group(1)) <= count else None


def start(turn: Turn, parsed: Parsed) -> str:
    """The resident asked to bind a house; the same message may already carry the address and phone."""
    with context.lent(turn) as estates:
        if not estates.directory.estates():
            return words.NO_ESTATES
    slots = {"step": "address", "tries": 0}
    return _take(turn, slots, parsed) or _next(turn, slots)


def resume(turn: Turn, slots: dict, parsed: Parsed) -> str | None:
    """The next message of the conversation; None when it is about something else (routed afresh)."""
    slots = dict(slots)
    step = slots["step"]
    if step == "confirm":
        return _confirmed(turn, slots, parsed)
    if step == "role":
        role = next((name for name, pattern in _ROLES if pattern.search(fold(parsed.text))), None)
        return _next(turn, {**slots, "role": role, "tries": 0}) if role else _again(turn, slots, parsed)
    if step == "tenant_until":
        m = _DATE.search(fold(parsed.text))
        until = _date(m) if m else None
        if until or _SKIP.search(fold(parsed.text)):
            return _next(turn, {**slots, "tenant_until": until.isoformat() if until else None, "tries": 0})
        return _again(turn, slots, parsed)
    before = dict(slots)
    reply = _take(turn, slots, parsed)
    if reply is not None:
        return reply
    if slots == before:
        return _again(turn, slots, parsed)
    return _next(turn, {**slots, "tries": 0})


def _date(m: re.Match) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _take(turn: Turn, slots: dict, parsed: Parsed) -> str | None:
    """Put the estate, address and phone the message gives into slots (changed in place); returns the
    question to ask when the address is not a house of the roster, else None."""
    with context.lent(turn) as estates:
        return _take_with(turn, estates.directory, slots, parsed)


def _take_with(turn: Turn, directory, slots: dict, parsed: Parsed) -> str | None:
    named = directory.estates_in(parsed.text)
    estates = directory.estates()
    if named:
        slots["estate_id"] = named[0][0].id
    elif len(estates) == 1:
        slots["estate_id"] = estates[0].id
    found = {e.entity: e.value for e in reversed(_ADDRESS_ONLY.extract(directory.without_estates(parsed.text)))}
    if found.get("phone"):
        slots["phone"] = found["phone"]
    if found.get("building") or found.get("room"):
        slots["address"] = [found.get("building"), found.get("unit"), found.get("room")]
        slots.pop("house_id", None)
    if slots.get("address") and slots.get("estate_id") and "house_id" not in slots:
        resolution = directory.resolve(slots["estate_id"], *slots["address"], session=turn.session)
        if resolution.found:
            slots["house_id"] = resolution.house_id
        elif resolution.status == "unchecked":
            queries.clear_conversation(turn.session, turn.resident.id)
            return words.NO_ROSTER.format(estate=resolution.estate)
        else:
            slots.pop("address")
            return _save(turn, {**slots, "step": "address"}, resolution.question + "（回复“取消”可结束绑定）")
    return None


def _next(turn: Turn, slots: dict) -> str:
    """Ask for what is missing, or finish: confirm a roster match, or submit the request."""
    if "house_id" not in slots:
        by_phone = _owned(turn, slots)
        if by_phone:
            return _save(turn, {**slots, "step": "confirm", "house_ids": by_phone}, _confirm_text(turn, by_phone))
        if slots.get("address") and not slots.get("estate_id"):
            with context.lent(turn) as estates:
                names = [ref.name for ref in estates.directory.estates()]
            return _save(turn, {**slots, "step": "address"}, words.which_estate(names))
        return _save(turn, {**slots, "step": "address"}, words.ASK_ADDRESS)
    house = bindings.house(turn.session, slots["house_id"])
    phone = slots.get("phone") or (turn.resident.phone if turn.resident.phone == house.owner_phone else None)
    if phone and phone == house.owner_phone:
        return _save(turn, {**slots, "step": "confirm", "house_ids": [house.house_id], "phone": phone},
                     words.confirm_house(service.address(house), service.mask_name(house.owner_name)))
    if not phone:
        return _save(turn, {**slots, "step": "phone"}, words.ASK_PHONE)
    if not slots.get("role"):
        return _save(turn, {**slots, "step": "role"}, words.ASK_ROLE)
    if slots["role"] == "tenant" and "tenant_until" not in slots:
        return _save(turn, {**slots, "step": "tenant_until"}, words.ASK_TENANT_UNTIL)
    return _submit(turn, slots, house, phone)


def _owned(turn: Turn, slots: dict) -> list[int]:
    """The houses the slots' phone owns in the roster (of the estate named, if any), once per conversation."""
    if not slots.get("phone") or slots.get("phone_tried"):
        return []
    slots["phone_tried"] = True
    found = houses.houses_by_phone(turn.session, slots["phone"])
    return [row.id for row in found if slots.get("estate_id") in (None, row.estate_id)]


def _confirm_text(turn: Turn, house_ids: list[int]) -> str:
    found = bindings.houses(turn.session, house_ids)
    if len(found) == 1:
        return words.confirm_house(service.address(found[0]), service.mask_name(found[0].owner_name))
    return words.confirm_houses(words.numbered([service.address(row) for row in found]))


def _confirmed(turn: Turn, slots: dict, parsed: Parsed) -> str | None:
    ids = slots["house_ids"]
    chosen = number(parsed, len(ids)) if len(ids) > 1 else None
    if chosen is not None:
        ids = [ids[chosen]]
    elif no(parsed):
        keep = {k: slots[k] for k in ("estate_id", "phone_tried") if k in slots}
        return _save(turn, {"step": "address", "tries": 0, **keep}, words.NOT_CONFIRMED)
    elif not yes(parsed):
        return _again(turn, slots, parsed)
    queries.clear_conversation(turn.session, turn.resident.id)
    resident, done = turn.resident, []
    for house in bindings.houses(turn.session, ids):
        row = service.bind(turn, resident, house, role="owner", phone=slots.get("phone"), actor=turn.actor)
        if row is not None:
            done.append(service.address(house))
    if slots.get("phone") and not resident.phone:
        resident.phone = slots["phone"]
    if not done:
        return words.already(service.address(bindings.houses(turn.session, ids)[0]))
    return words.bound(done, "owner")


def _submit(turn: Turn, slots: dict, house, phone: str) -> str:
    queries.clear_conversation(turn.session, turn.resident.id)
    until = date.fromisoformat(slots["tenant_until"]) if slots.get("tenant_until") else None
    row = service.request(turn, turn.resident, house, role=slots["role"], phone=phone, tenant_until=until)
    if not turn.resident.phone:
        turn.resident.phone = phone  # a contact number given once is not asked for again
    if row is None:
        return words.already(service.address(house))
    return words.submitted(service.address(house), row.role, turn.local_text(row.deadline_at))


_AGAIN = {"address": words.ASK_ADDRESS_AGAIN, "phone": words.ASK_PHONE_AGAIN, "role": words.ASK_ROLE_AGAIN,
          "tenant_until": words.ASK_TENANT_UNTIL, "confirm": words.CONFIRM_AGAIN}


def _again(turn: Turn, slots: dict, parsed: Parsed) -> str | None:
    """Not an answer: something else (routed afresh), asked once more, or after that handed to the desk."""
    if parsed.urgent or (parsed.intent in ("repair", "complaint", "inquiry", "progress") and parsed.confidence >= 0.7):
        queries.clear_conversation(turn.session, turn.resident.id)
        return None
    tries = slots.get("tries", 0) + 1
    if tries >= MAX_TRIES + 1:
        queries.clear_conversation(turn.session, turn.resident.id)
        return words.GIVE_UP
    return _save(turn, {**slots, "tries": tries}, _AGAIN[slots["step"]])


def _save(turn: Turn, slots: dict, text: str) -> str:
    queries.save_conversation(turn.session, turn.resident.id, STATE, slots,
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return text
