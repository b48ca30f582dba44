"""Which estate a complaint or an inquiry is about, when the message names none (issue 14).

In order: the estate named in the message; the estate of the resident's bound houses (one estate:
taken silently; houses in several estates: asked once which house, as repairs ask); the estate the
resident told us before; the company's only estate (a single-estate company is never asked); else
the resident is asked once which 小区, as repairs ask. Two answers that name none, or a conversation
still open (a 回访 survey waiting for its answer, which the question would replace): the request goes on
with the default estate and the desk settles it, so nothing is ever dropped (首问负责).
A complaint that gives no address, from a resident with two or more houses in its estate, is asked which
house the same way (once); the chosen house gives the ticket its address, and its estate.
"""
from __future__ import annotations

from dataclasses import asdict, replace

from storage import queries

from ..bindings import service
from ..desk import Turn
from . import houses, places
from .binding import number
from .parsed import Parsed

STATE = "which_estate"
MAX_TRIES = 2
ASK_HOUSE_AGAIN = "麻烦您回复房屋前面的序号，或直接告诉我们小区名称。"
ASK_ESTATE_AGAIN = "抱歉，没能识别出小区名称，麻烦您再说一下是哪个小区，例如“锦绣花园”。"


def ask_house(addresses: list[str]) -> str:
    """The resident holds houses in several estates: which one this is about (asked once)."""
    lines = "\n".join(f"{i}. {address}" for i, address in enumerate(addresses, 1))
    return f"请问您这次反映的是哪一处房屋的情况？\n{lines}\n回复序号即可。"


def settle(turn: Turn, parsed: Parsed, kind: str) -> tuple[int | None, str | None]:
    """(estate id, None) when the estate is known (None: the default estate, the resident gave up),
    or (None, the question) when the resident must be asked; the request waits in the conversation.
    A complaint without an address from a resident with several houses in its estate asks which house
    too (once), so the ticket gets the right address."""
    bound = service.current(turn, turn.resident)
    estate_id, known = _estate(turn, parsed, bound)
    if known and not _which_house(kind, parsed, bound, estate_id):
        return estate_id, None
    if queries.conversation(turn.session, turn.resident.id, turn.now) is not None:
        return estate_id, None  # a survey still waits for its answer: not replaced, the desk settles the rest
    return None, _ask(turn, {"kind": kind, "parsed": asdict(parsed), "tries": 0, "by_house": bool(bound),
                             "estate_id": estate_id})


def _estate(turn: Turn, parsed: Parsed, bound: list) -> tuple[int | None, bool]:
    """The request's estate and whether it is known without asking."""
    if parsed.estate_id:
        return parsed.estate_id, True
    estates = {row.ResidentHouse.estate_id for row in bound}
    if len(estates) == 1:
        return estates.pop(), True
    if not estates:
        known = places.estate_of(turn)  # the resident's estate, or the company's only one
        return known, known is not None
    return None, False


def _which_house(kind: str, parsed: Parsed, bound: list, estate_id: int | None) -> bool:
    """Whether to ask which house: a complaint with no address, several bound houses in its estate."""
    there = [row for row in bound if row.ResidentHouse.estate_id == estate_id]
    return kind == "complaint" and not parsed.has_address and len(there) > 1


def _ask(turn: Turn, slots: dict, again: bool = False) -> str:
    queries.save_conversation(turn.session, turn.resident.id, STATE, slots,
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    if slots["by_house"]:
        return ASK_HOUSE_AGAIN if again else ask_house([service.address(r) for r in _houses(turn, slots)])
    return ASK_ESTATE_AGAIN if again else places.ask_estate(turn)


def _houses(turn: Turn, slots: dict) -> list:
    """The houses the question lists: those of the request's estate when it is known, else all."""
    return houses.in_estate(turn, slots.get("estate_id"))


def resume(turn: Turn, slots: dict, answer: Parsed) -> str | tuple[str, Parsed]:
    """The answer to the question: (kind, the waiting request's Parsed with its estate, and the house
    chosen) when it names one, or when the resident gave up twice (the estate known before the question,
    else None: the default estate); else the question again."""
    estate_id, binding_id = answer.estate_id, None
    if estate_id is None and slots["by_house"]:
        bound = _houses(turn, slots)
        chosen = _chosen(answer, bound)
        if chosen is not None:
            estate_id, binding_id = bound[chosen].ResidentHouse.estate_id, bound[chosen].ResidentHouse.id
    if estate_id is None and slots["tries"] + 1 < MAX_TRIES:
        return _ask(turn, {**slots, "tries": slots["tries"] + 1}, again=True)
    queries.clear_conversation(turn.session, turn.resident.id)
    if estate_id is not None and turn.resident.estate_id is None and not slots["by_house"]:
        turn.resident.estate_id = estate_id  # told once: the next request is not asked again
    return slots["kind"], replace(Parsed(**slots["parsed"]), estate_id=estate_id or slots.get("estate_id"),
                                  binding_id=binding_id)


def _chosen(answer: Parsed, bound: list) -> int | None:
    """The house picked: its number in the list, or its room number when only one house has it."""
    chosen = number(answer, len(bound))
    if chosen is None and answer.first("room"):
        same = [i for i, row in enumerate(bound) if row.room == answer.first("room")]
        chosen = same[0] if len(same) == 1 else None
    return chosen
