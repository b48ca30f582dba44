"""Which staff group a ticket belongs to: the one showing its card, else the group its category or kind
is routed to (TELEGRAM_GROUP_ROUTES), else the default staff group."""
from __future__ import annotations

from storage.models import Ticket


def staff_chats(config: dict) -> set[int]:
    """Every configured staff group."""
    chats = {config["TELEGRAM_STAFF_CHAT_ID"]} | {chat for _key, chat in config["TELEGRAM_GROUP_ROUTES"]}
    return {c for c in chats if c}


def routed_group(config: dict, ticket: Ticket) -> int | None:
    """The staff group a ticket is routed to: by category, then kind, else the default group."""
    routes = dict(config["TELEGRAM_GROUP_ROUTES"])
    return routes.get(ticket.category or "") or routes.get(ticket.kind) or config["TELEGRAM_STAFF_CHAT_ID"] or None


def staff_chat_for(config: dict, ticket: Ticket) -> int | None:
    """The staff group that hears about a ticket: where its card is, else where it is routed."""
    return ticket.staff_chat_id or routed_group(config, ticket)
