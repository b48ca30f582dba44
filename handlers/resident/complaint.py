"""Complaints: a ticket at once, a sincere apology, a promised reply; service quality goes to the manager."""
from __future__ import annotations

import re

from nlu.entities import COMPLAINT_TOPICS
from nlu.text import fold

from ..desk import Turn
from ..tickets import tickets
from . import houses, replies, residents, whose
from .parsed import Parsed

# Dissatisfaction with how people serve residents (seed 001: 服务质量投诉 逐级上报至项目经理).
_SERVICE_CUE = re.compile(r"态度|服务|没人来|没人管|没人理|不理|推诿|推脱|踢皮球|敷衍|骂|凶|效率|拖了|拖着|不回复|没人回|"
                          r"不接电话|电话打不通|没人接|保安|保洁|客服|管家|师傅|工作人员|维修工|前台")


def start(turn: Turn, parsed: Parsed, settled: bool = False) -> str:
    """Open a complaint ticket (or join the open one about the same thing); the estate is asked first
    when the company has several and nothing tells which (`settled`: already asked, parsed.estate_id holds it)."""
    estate_id = parsed.estate_id
    if not settled:
        estate_id, question = whose.settle(turn, parsed, "complaint")
        if question is not None:
            return question
    categories = parsed.entities.get("category", [])
    topic = next((c for c in categories if c in COMPLAINT_TOPICS), categories[0] if categories else None)
    draft = tickets.Draft(kind="complaint", words=[parsed.text], description=parsed.text, category=topic,
                          secondary=parsed.secondary)
    draft.estate_id = estate_id
    if parsed.has_address:
        draft.building, draft.unit, draft.room = parsed.first("building"), parsed.first("unit"), parsed.first("room")
    elif not houses.fill_from_house(turn, draft, parsed.binding_id):
        draft.building, draft.unit, draft.room = residents.address_of(turn)
    draft.phone = parsed.first("phone")
    draft.for_manager = topic in tickets.SERVICE_QUALITY or bool(_SERVICE_CUE.search(fold(parsed.text)))
    residents.learn(turn, parsed)
    repeat = tickets.find_repeat(turn, draft)
    if repeat is not None:
        tickets.join_repeat(turn, repeat, draft)
        return replies.repeat_report(repeat.code, repeat.kind)
    ticket = tickets.open_ticket(turn, draft)
    return replies.complaint_created(ticket.code, turn.local_text(ticket.due_at), ticket.for_manager)
