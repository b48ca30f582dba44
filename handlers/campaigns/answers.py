"""A resident's answer to a campaign survey: a score, what should improve (业主意见, kept for the managers),
and any problem raised, which becomes a ticket at the surveyed house (never left in a survey)."""
from __future__ import annotations

import re

from nlu.text import fold
from storage import bindings, campaigns, queries

from ..bindings import service
from ..desk import Turn
from ..tickets import followup, tickets
from . import words

# A score and its usual words ("5分，很满意，谢谢") say nothing more: what is left after them is the opinion.
_SCORE_WORDS = re.compile(r"(给|打)?\s*[1-5一二两三四五]\s*(分|星)?|(非常|很|比较|还算|挺|基本|都)?不?满意|还行|一般|不错|"
                          r"挺好|很好|谢谢|感谢|辛苦了?|[\W_]")


# What a reply about the service says, when it gives no score: the survey's own words (满意, 建议, 改进…),
# the service and the people who give it, and the way opinions are put (停车位太少, 应该多…, 能不能…).
_ABOUT_THE_SURVEY = re.compile(r"满意|评价|打分|评分|建议|希望|意见|改进|改善|提高|加强|服务|管理|态度|工作人员|保安|保洁|"
                               r"客服|管家|回访|应该|最好|太少|太多|不够|多一些|多一点|少一些|能不能|可不可以|是否可以")


def answered(turn: Turn, slots: dict, parsed) -> str | None:
    """Record the answer; None when the message is not one (it is then handled as usual, the survey
    stays open until the campaign's answer time is over). Only a reply to the survey counts: a score, or
    words about the service; a fault, a complaint about something else, a question or an emergency told
    while a survey waits goes through the ordinary intake (its dialogue, incidents, repeats, urgency)."""
    text = parsed.text.strip()
    answer = followup.understand(text)
    if not answers_survey(parsed, answer):
        return None
    problem = raises_problem(parsed)
    opinion = text if len(_SCORE_WORDS.sub("", fold(text))) >= 2 else None
    queries.clear_conversation(turn.session, turn.resident.id)
    contact = campaigns.contact(turn.session, slots["contact_id"], lock=True)
    if contact is None or contact.state not in ("sent", "to_call"):
        return "谢谢您的反馈！请问还有其他需要帮助的吗？"
    contact.state, contact.answered_by, contact.answered_at = "answered", turn.actor, turn.now
    contact.rating = answer.rating if answer else None
    contact.opinion = opinion
    code = None
    if problem:
        ticket = open_problem(turn, contact.house_id, parsed)
        contact.ticket_id, code = ticket.id, ticket.code
    return words.thanks(contact.rating, code)


def score_for_waiting(turn: Turn, parsed) -> str | None:
    """A score given while no conversation is open, from a resident whose house's survey still waits (a
    repair told meanwhile took the survey's place in the conversation): that survey's answer; else None."""
    answer = followup.understand(parsed.text.strip())
    if answer is None or answer.fixed is False:  # "还是没电" reads as "not fixed", no score: an outage's words
        return None
    house_ids = [row.ResidentHouse.house_id for row in service.current(turn, turn.resident)]
    contact = campaigns.waiting_survey(turn.session, house_ids, turn.now)
    return answered(turn, {"contact_id": contact.id}, parsed) if contact is not None else None


def answers_survey(parsed, answer) -> bool:
    """Whether a message is the survey's answer: never an emergency (the urgent path handles it) nor a
    plain question; a score or a judgement of the service; else words about the service or the survey."""
    if parsed.urgent or parsed.intent == "inquiry" and parsed.confidence >= 0.6 and answer is None:
        return False
    return answer is not None or bool(_ABOUT_THE_SURVEY.search(fold(parsed.text)))


def raises_problem(parsed) -> bool:
    """An answer that reports a fault or a complaint (or an emergency) becomes a ticket."""
    return parsed.urgent or (parsed.intent in ("repair", "complaint") and parsed.confidence >= 0.6)


def open_problem(turn: Turn, house_id: int, parsed) -> tickets.Ticket:
    """The ticket of a problem raised in a campaign, at the surveyed house of its estate (a survey answer
    or a phone call alike; the one way a ticket is opened)."""
    house = bindings.house(turn.session, house_id)
    kind = "complaint" if parsed.intent == "complaint" else "repair"
    draft = tickets.Draft(kind=kind, description=parsed.text, words=[parsed.text], category=parsed.first("category"),
                          urgent=parsed.urgent, building=house.building, unit=house.unit or None, room=house.room,
                          phone=turn.resident.phone or house.owner_phone, estate_id=house.estate_id,
                          house_id=house_id)
    return tickets.open_ticket(turn, draft)
