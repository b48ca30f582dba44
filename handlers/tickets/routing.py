"""Which staff group a ticket belongs to: the one showing its card, else the group its category or kind
is routed to by its estate's settings (group_routes), else the estate's staff group. Without settings of
their own, estates take the company's, then TELEGRAM_GROUP_ROUTES and TELEGRAM_STAFF_CHAT_ID.

Chat ids from the configuration are followed through the moves Telegram announced (a group upgraded to
a supergroup gets a new id; the environment cannot be rewritten): `follow_moves(work)` reads them from
the database into the process's config under MOVES, and every chat id resolved here goes through them.
"""
from __future__ import annotations

from storage import queries
from storage.models import Ticket

MOVES = "TELEGRAM_CHAT_MOVES"  # not a setting: old chat id -> new chat id, learnt at run time


def follow_moves(work) -> dict[int, int]:
    """Refresh this process's copy of the recorded chat moves (one small query) and return it."""
    moves = queries.chat_moves(work.session)
    work.desk.config[MOVES] = moves
    return moves


def current_chat(config: dict, chat_id: int | None) -> int | None:
    """A chat id as it is now: followed through recorded moves (old -> new, also when moved twice)."""
    moves, seen = config.get(MOVES) or {}, set()
    while chat_id in moves and chat_id not in seen:
        seen.add(chat_id)
        chat_id = moves[chat_id]
    return chat_id


def _groups(estate) -> set[int]:
    return {estate["staff_group"], *estate["group_routes"].values()}


def staff_chats(desk) -> set[int]:
    """Every staff group of every estate (and the company's), as they are now."""
    chats = _groups(desk.estate_settings(None)) | _groups(desk.settings.for_estate(None))
    for estate in desk.estates.estates():
        chats |= _groups(desk.estate_settings(estate.id))
    return {current_chat(desk.config, c) for c in chats if c}


def manager_chats(desk) -> list[int]:
    """The managers' chats of the company and of every estate, as they are now."""
    chats = [*desk.config["TELEGRAM_MANAGER_CHAT_IDS"], *desk.settings.for_estate(None)["manager_chats"]]
    for estate in desk.estates.estates():
        chats += desk.estate_settings(estate.id)["manager_chats"]
    return list(dict.fromkeys(current_chat(desk.config, c) for c in chats))


def routed_group(desk, ticket: Ticket) -> int | None:
    """The staff group a ticket is routed to: by category, then kind, else the estate's staff group."""
    estate = desk.estate_settings(ticket.estate_id)
    routes = estate["group_routes"]
    chat = routes.get(ticket.category or "") or routes.get(ticket.kind) or estate["staff_group"] or None
    return current_chat(desk.config, chat)


def staff_chat_for(desk, ticket: Ticket) -> int | None:
    """The staff group that hears about a ticket: where its card is, else where it is routed."""
    return current_chat(desk.config, ticket.staff_chat_id) or routed_group(desk, ticket)
