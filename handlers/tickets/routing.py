"""Which staff group a ticket belongs to: the one showing its card, else the group its category or kind
is routed to by its estate's settings (group_routes), else the estate's staff group. Without settings of
their own, estates take the company's, then TELEGRAM_GROUP_ROUTES and TELEGRAM_STAFF_CHAT_ID."""
from __future__ import annotations

from storage.models import Ticket


def _groups(estate) -> set[int]:
    return {estate["staff_group"], *estate["group_routes"].values()}


def staff_chats(desk) -> set[int]:
    """Every staff group of every estate (and the company's)."""
    chats = _groups(desk.estate_settings(None)) | _groups(desk.settings.for_estate(None))
    for estate in desk.estates.estates():
        chats |= _groups(desk.estate_settings(estate.id))
    return {c for c in chats if c}


def routed_group(desk, ticket: Ticket) -> int | None:
    """The staff group a ticket is routed to: by category, then kind, else the estate's staff group."""
    estate = desk.estate_settings(ticket.estate_id)
    routes = estate["group_routes"]
    return routes.get(ticket.category or "") or routes.get(ticket.kind) or estate["staff_group"] or None


def staff_chat_for(desk, ticket: Ticket) -> int | None:
    """The staff group that hears about a ticket: where its card is, else where it is routed."""
    return ticket.staff_chat_id or routed_group(desk, ticket)
