"""Inquiries: answered from the knowledge base, or recorded with a promised reply time."""
from __future__ import annotations

import re

from nlu.text import fold
from storage import queries

from ..desk import Turn
from ..tickets import tickets
from . import houses, places, replies, residents, whose
from .parsed import Parsed

FOLLOWUP_STATE = "inquiry_followup"
_WANTS_PERSON = re.compile(r"人工|转人工|客服|没(有)?解答|没回答|不是这个|不对|答非所问|没用|还是不")


def answer(turn: Turn, parsed: Parsed, settled: bool = False) -> str:
    """Answer from the knowledge base; offer a colleague when unsure; a ticket when there is no answer.
    The estate is asked first when the company has several and nothing tells which (fees, hours and
    phones differ; `settled`: already asked, parsed.estate_id holds it)."""
    residents.learn(turn, parsed)
    estate_id = parsed.estate_id
    if not settled:
        estate_id, question = whose.settle(turn, parsed, "inquiry")
        if question is not None:
            return question
    knowledge = turn.desk.knowledge_for(estate_id)
    match = knowledge.answer(parsed.text)
    if match is None:
        return record(turn, parsed.text, estate_id=estate_id)
    if knowledge.is_confident(match):
        return match.entry.answer
    queries.save_conversation(turn.session, turn.resident.id, FOLLOWUP_STATE,
                              {"question": parsed.text, "entry": match.entry.id, "estate_id": estate_id},
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return replies.inquiry_suggestion(match.entry.answer)


def wants_person(parsed: Parsed) -> bool:
    """True when the resident asks for a colleague after a suggested answer."""
    return bool(_WANTS_PERSON.search(fold(parsed.text))) or parsed.is_("deny")


def record(turn: Turn, question: str, extra_words: list[str] | None = None, estate_id: int | None = None) -> str:
    """An inquiry ticket with a promised reply time (首问负责: never 不知道)."""
    queries.clear_conversation(turn.session, turn.resident.id)
    draft = tickets.Draft(kind="inquiry", description=question, words=[question, *(extra_words or [])],
                          estate_id=places.estate_of(turn, estate_id))
    if not houses.fill_from_house(turn, draft):  # the only bound house, else the address told before
        draft.building, draft.unit, draft.room = residents.address_of(turn)
    ticket = tickets.open_ticket(turn, draft)
    return replies.inquiry_ticket_created(ticket.code, turn.local_text(ticket.due_at))
