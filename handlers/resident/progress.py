"""'我的报修怎么样了': the resident's open tickets and where they stand."""
from __future__ import annotations

from storage import queries

from ..desk import Turn
from ..tickets import tickets
from . import replies
from .parsed import Parsed


def show(turn: Turn) -> str:
    """List the resident's unfinished tickets with their status and promised time."""
    lines = [replies.progress_line(t.code, t.kind, t.category, t.status,
                                   turn.local_text(t.due_at) if t.due_at else None)
             for t in queries.open_tickets(turn.session, turn.resident.id)]
    return replies.progress(lines)


def show_or_join(turn: Turn, parsed: Parsed) -> str:
    """A status question that names an open problem again (水管还在漏 什么时候来) is a second report:
    it joins and escalates that ticket; a plain status question just gets the list."""
    category = parsed.first("category")
    if category:
        draft = tickets.Draft(kind="repair", words=[parsed.text], category=category, urgent=parsed.urgent)
        repeat = tickets.find_repeat(turn, draft)
        if repeat is not None:
            tickets.join_repeat(turn, repeat, draft)
            return replies.repeat_report(repeat.code, repeat.kind)
    return show(turn)
