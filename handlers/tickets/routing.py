"""Which staff group a ticket belongs to: the one showing its card, else the group its category or kind
is routed to (TELEGRAM_GROUP_ROUTES), else the default staff group.

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


def staff_chats(config: dict) -> set[int]:
    """Every configured staff group."""
    chats = {config["TELEGRAM_STAFF_CHAT_ID"]} | {chat for _key, chat in config["TELEGRAM_GROUP_ROUTES"]}
    return {current_chat(config, c) for c in chats if c}


def manager_chats(config: dict) -> list[int]:
    """The managers' chats (TELEGRAM_MANAGER_CHAT_IDS), as they are now."""
    return [current_chat(config, c) for c in config["TELEGRAM_MANAGER_CHAT_IDS"]]


def routed_group(config: dict, ticket: Ticket) -> int | None:
    """The staff group a ticket is routed to: by category, then kind, else the default group."""
    routes = dict(config["TELEGRAM_GROUP_ROUTES"])
    chat = routes.get(ticket.category or "") or routes.get(ticket.kind) or config["TELEGRAM_STAFF_CHAT_ID"] or None
    return current_chat(config, chat)


def staff_chat_for(config: dict, ticket: Ticket) -> int | None:
    """The staff group that hears about a ticket: where its card is, else where it is routed."""
    return current_chat(config, ticket.staff_chat_id) or routed_group(config, ticket)
