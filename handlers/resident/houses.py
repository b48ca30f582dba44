"""A resident's houses in the conversation: the words that start binding, listing and unbinding
(解绑房屋, 我搬家了), and the house a repair is for (one house: never asked; several: asked once),
or a complaint or an inquiry ticket (the only bound house's address).
"""
from __future__ import annotations

import re

from nlu.text import fold
from storage import bindings, queries

from ..bindings import service, words
from ..desk import Turn
from ..tickets import tickets
from . import binding
from .parsed import Parsed

UNBIND_STATE = "unbind"
STATES = (binding.STATE, UNBIND_STATE)
ONE, SEVERAL, NONE = "one", "several", "none"
# Keys of the Official Account's custom menu (configure these in the WeChat console).
MENU_BIND_HOUSE, MENU_MY_HOUSES = "MENU_BIND_HOUSE", "MENU_MY_HOUSES"
_UNBIND = re.compile(r"解绑|解除(房屋)?(的)?(绑定|认证)|取消(房屋)?(的)?绑定")
_MOVED = re.compile(r"我?(已经)?搬家了|我?(已经)?搬走了|(已经|我)不住(在)?(这|那)(里|儿|边)了|房子(已经)?卖(掉)?了|"
                    r"我?(已经)?退租了")
_LIST = re.compile(r"我的房屋|我的房子|我绑定的|(绑定|认证)了(哪些|什么|几)|查(看|询)?(一下)?(房屋)?绑定")
_BIND = re.compile(r"绑定(房屋|房子|住房|住址|地址|我家|业主)|^\W*(我要|申请)?绑定\W*$|我要绑定|申请绑定|"
                   r"房屋认证|业主认证|住户认证|认证(房屋|房子|业主|住户)")


def on_words(turn: Turn, parsed: Parsed) -> str | None:
    """The reply when the message asks to bind, list or unbind houses (or says 我搬家了 while bound);
    None otherwise. Checked before anything else, so "取消绑定" unbinds rather than cancels."""
    text = fold(parsed.text)
    if _UNBIND.search(text):
        return _start_unbind(turn, moved=False)
    if _MOVED.search(text):
        return _start_unbind(turn, moved=True)
    if _LIST.search(text):
        return _list(turn)
    if _BIND.search(text) and not parsed.urgent:
        return binding.start(turn, parsed)
    return None


def from_menu(turn: Turn, key: str) -> str:
    """The menu's 绑定房屋 (MENU_BIND_HOUSE) and 我的房屋 (MENU_MY_HOUSES)."""
    if key == MENU_MY_HOUSES:
        return _list(turn)
    return binding.start(turn, Parsed("", "other", 0.0, False, {}))


def cancelled(state) -> str:
    """"取消" in the middle of a binding (nothing bound) or an unbinding (nothing ended)."""
    return words.CANCELLED if state.state == binding.STATE else words.UNBIND_KEPT


def resume(turn: Turn, state, parsed: Parsed) -> str | None:
    """The next message of a binding or unbinding conversation; None: not an answer, routed afresh."""
    if state.state == binding.STATE:
        return binding.resume(turn, state.slots, parsed)
    slots = state.slots
    if slots["step"] == "pick":
        chosen = binding.number(parsed, len(slots["ids"]))
        if chosen is None and not re.search(r"全部|都", fold(parsed.text)):
            queries.clear_conversation(turn.session, turn.resident.id)
            return None
        ids = slots["ids"] if chosen is None else [slots["ids"][chosen]]
        return _confirm(turn, ids, slots["moved"])
    queries.clear_conversation(turn.session, turn.resident.id)
    if binding.yes(parsed):
        return _unbind(turn, slots["ids"], slots["moved"])
    if binding.no(parsed):
        return words.UNBIND_KEPT
    return None


def _live(turn: Turn) -> list:
    """Current bindings and requests still waiting, as rows with their address."""
    return service.current(turn, turn.resident) + bindings.pending_of(turn.session, turn.resident.id)


def _start_unbind(turn: Turn, moved: bool) -> str | None:
    live = _live(turn)
    if not live:
        return None if moved else words.UNBIND_NOTHING  # 我搬家了 with nothing bound: an address change
    ids = [row.ResidentHouse.id for row in live]
    if len(live) == 1 or moved:
        return _confirm(turn, ids, moved)
    lines = words.numbered([service.address(row) for row in live])
    return _save(turn, {"step": "pick", "ids": ids, "moved": moved}, words.pick_unbind(lines))


def _confirm(turn: Turn, ids: list[int], moved: bool) -> str:
    addresses = [service.address(bindings.binding_detail(turn.session, i)) for i in ids]
    return _save(turn, {"step": "confirm", "ids": ids, "moved": moved}, words.confirm_unbind(addresses, moved))


def _unbind(turn: Turn, ids: list[int], moved: bool) -> str:
    ended = []
    for binding_id in ids:
        row = bindings.binding(turn.session, binding_id, lock=True)
        if row is not None and row.resident_id == turn.resident.id and row.state in ("pending", "active"):
            service.end(turn, row, turn.actor, "moved" if moved else "unbound")
            ended.append(service.address(bindings.binding_detail(turn.session, binding_id)))
    if moved:  # the address learnt from earlier messages is the old home too
        resident = turn.resident
        resident.building = resident.unit = resident.room = None
        resident.address_confirmed = False
    return words.unbound(ended, moved) if ended else words.UNBIND_NOTHING


def _list(turn: Turn) -> str:
    bound = [f"· {service.address(r)}（{words.ROLE_NAMES[r.ResidentHouse.role]}）" for r in service.current(turn, turn.resident)]
    waiting = [f"· {service.address(r)}（{words.ROLE_NAMES[r.ResidentHouse.role]}，待审核）"
               for r in bindings.pending_of(turn.session, turn.resident.id)]
    return words.house_list(bound, waiting) if bound or waiting else words.NOTHING_BOUND


def _save(turn: Turn, slots: dict, text: str) -> str:
    queries.save_conversation(turn.session, turn.resident.id, UNBIND_STATE, slots,
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return text


# Repairs: the house comes from the bindings when the resident gave no address.
def fill_repair(turn: Turn, draft: tickets.Draft) -> str:
    """ONE: the only bound house (in the estate the message named, if any) is the repair's address;
    SEVERAL: the resident must say which; NONE."""
    bound = in_estate(turn, draft.estate_id)
    if len(bound) == 1:
        _use(draft, bound[0])
        return ONE
    return SEVERAL if bound else NONE


def fill_from_house(turn: Turn, draft: tickets.Draft, binding_id: int | None = None) -> bool:
    """A complaint or an inquiry ticket without an address: True when the house the resident chose
    (`binding_id`, the answer to "which house?") or the resident's only bound house (in the draft's estate,
    when known) gave it, so the resident is not asked for an address bound already."""
    def fits(row) -> bool:
        if binding_id is not None:
            return row.ResidentHouse.id == binding_id
        return draft.estate_id is None or row.ResidentHouse.estate_id == draft.estate_id

    bound = [row for row in service.current(turn, turn.resident) if fits(row)]
    if len(bound) != 1:
        return False  # several (or none): the address told before, as until now
    _use(draft, bound[0])
    return True


def pick_for_repair(turn: Turn, draft: tickets.Draft, parsed: Parsed) -> bool:
    """The answer to "which house?": its number fills the address (an address typed is taken by the repair)."""
    bound = in_estate(turn, draft.estate_id)
    chosen = binding.number(parsed, len(bound))
    if chosen is None:
        return False
    _use(draft, bound[chosen])
    return True


def which_house(turn: Turn, estate_id: int | None = None, again: bool = False) -> str:
    """The question listing the resident's houses, of the estate named when one was (asked again: how to
    answer)."""
    if again:
        return words.PICK_HOUSE_AGAIN
    return words.pick_house(words.numbered([service.address(row) for row in in_estate(turn, estate_id)]))


def in_estate(turn: Turn, estate_id: int | None) -> list:
    """The resident's bound houses in this estate (all of them when it is not known), in the order the
    "which house?" question numbers them: a house elsewhere is never the address of a request about it."""
    bound = service.current(turn, turn.resident)
    return bound if estate_id is None else [row for row in bound if row.ResidentHouse.estate_id == estate_id]


def _use(draft: tickets.Draft, row) -> None:
    draft.building, draft.unit, draft.room = row.building, row.unit or None, row.room
    draft.estate_id, draft.house_id = row.ResidentHouse.estate_id, row.ResidentHouse.house_id
