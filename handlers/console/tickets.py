"""Tickets as the console shows them: a page of the filtered list, one ticket, a phone revealed."""
from __future__ import annotations

from dataclasses import dataclass

from storage import console_auth, console_tickets, queries
from storage.db import session_scope

from ..desk import Desk
from . import names, timeline
from .filters import TicketFilter
from .privacy import masked_phone, masked_text
from .viewer import Viewer

PER_PAGE = 30


@dataclass
class Row:
    """One ticket in the list (phone masked)."""
    id: int
    code: str
    kind: str
    status: str
    urgent: bool
    breached: bool
    category: str
    address: str
    assignee: str
    created: str
    due: str
    phone: str
    summary: str


def row(desk: Desk, ticket) -> Row:
    """A ticket as a list row."""
    return Row(ticket.id, ticket.code, names.kind(ticket.kind), names.status(ticket.status), ticket.urgent,
               ticket.breached, names.category(ticket.category), names.address(ticket.building, ticket.unit,
                                                                               ticket.room),
               ticket.assignee.name if ticket.assignee else "—", desk.local(ticket.created_at).strftime("%m-%d %H:%M"),
               desk.local(ticket.due_at).strftime("%m-%d %H:%M") if ticket.due_at else "—",
               masked_phone(ticket.contact_phone), masked_text(ticket.description)[:60])


def page(desk: Desk, viewer: Viewer, wanted: TicketFilter, number: int) -> tuple[list[Row], int]:
    """One page of the list and the number of matching tickets."""
    with session_scope(desk.sessions) as session:
        tickets, total = console_tickets.list_tickets(session, wanted.query(desk, viewer, session),
                                                      (number - 1) * PER_PAGE, PER_PAGE)
        return [row(desk, t) for t in tickets], total


def staff_choices(desk: Desk) -> list[tuple[str, str]]:
    """(id, name) of every member of staff, for the list's filter."""
    with session_scope(desk.sessions) as session:
        return [(str(member.id), member.name) for member in console_auth.staff_list(session)]


@dataclass
class Detail:
    """One ticket's page: its facts, timeline and attachments."""
    row: Row
    facts: list[tuple[str, str]]
    entries: list
    attachments: list[dict]
    violations: int


def _facts(desk: Desk, ticket) -> list[tuple[str, str]]:
    local = lambda moment: desk.local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"  # noqa: E731
    return [("类型", names.kind(ticket.kind) + ("（紧急）" if ticket.urgent else "")),
            ("状态", names.status(ticket.status)), ("类别", names.category(ticket.category)),
            ("地址", names.address(ticket.building, ticket.unit, ticket.room)),
            ("联系人", ticket.contact_name or "—"), ("预约时间", ticket.preferred_time or "—"),
            ("负责人", ticket.assignee.name if ticket.assignee else "尚未接单"), ("创建时间", local(ticket.created_at)),
            ("时限", local(ticket.due_at)), ("完成时间", local(ticket.done_at)),
            ("是否超时", "是" if ticket.breached else "否"),
            ("回访评分", str(ticket.rating) if ticket.rating is not None else "—"),
            ("升级", ticket.escalation_reason or ("是" if ticket.escalated else "否"))]


def detail(desk: Desk, viewer: Viewer, ticket_id: int) -> Detail | None:
    """The ticket's page, or None when it does not exist or is outside the viewer's estates."""
    with session_scope(desk.sessions) as session:
        ticket = console_tickets.ticket_with_history(session, ticket_id)
        if ticket is None or not viewer.sees(ticket):
            return None
        files = [{"kind": a.kind, "url": a.url, "media_id": a.media_id,
                  "label": (a.detail or {}).get("label") if isinstance(a.detail, dict) else None,
                  "at": desk.local(a.created_at).strftime("%m-%d %H:%M")} for a in ticket.attachments]
        return Detail(row(desk, ticket), _facts(desk, ticket), timeline.entries(desk, ticket), files,
                      len(console_tickets.violations_of(session, ticket.id)))


def reveal_phone(desk: Desk, viewer: Viewer, ticket_id: int) -> str | None:
    """The full phone of a ticket, recorded as a ticket event naming the viewer; None when the
    ticket is not theirs to see. '' when the resident left no phone."""
    with session_scope(desk.sessions) as session:
        ticket = console_tickets.ticket_with_history(session, ticket_id)
        if ticket is None or not viewer.sees(ticket):
            return None
        queries.add_event(session, ticket, viewer.actor, "phone_revealed", desk.now(), {"via": "console"})
        return console_tickets.phone_of(session, ticket) or ""
