"""Text messages: continue the resident's conversation if one is open, else route by intent."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from nlu.text import fold
from storage import queries

from ..desk import Turn
from ..incidents import followups as incident_followups, intake as incidents
from ..tickets import deadlines, followup
from ..campaigns import answers as campaign_answers
from ..campaigns.start import STATE as CAMPAIGN_STATE
from ..tickets.cards import show_card
from . import complaint, houses, inquiry, places, progress, repair, replies, residents, visits, whose
from .parsed import Parsed

_CANCEL = re.compile(r"^\W*(取消|算了|不用了|不修了|不用修了|不用来了|撤销|撤回|先不修了)")
# The answer to "which building?" of an outage report: not in the buildings the outage is in.
_NOT_THERE = re.compile(r"不在|不是|没在|都不|别的楼|其他楼|其它楼")
_MY_REQUESTS = re.compile(r"我的(报修|工单|投诉|单子)|查(一下)?(进度|工单)|进度")
# How long after opening a ticket the resident may still call it off in chat.
CANCEL_GRACE = timedelta(minutes=30)


def on_text(turn: Turn, text: str, attachment_ids: list[int] | None = None) -> str:
    """The reply to a typed (or spoken) message."""
    parsed = understand(turn, text)
    turn.intent = parsed.intent
    state = queries.conversation(turn.session, turn.resident.id, turn.now)
    about_houses = houses.on_words(turn, parsed)  # 绑定房屋 / 解绑 / 我搬家了, before "取消" means cancel
    if about_houses is not None:
        return about_houses
    if _is_cancel(parsed):
        return _cancel(turn, state, parsed)
    if state is not None:
        reply = _continue(turn, state, parsed, attachment_ids)
        if reply is not None:
            return reply
    else:
        reply = campaign_answers.score_for_waiting(turn, parsed)  # a survey another conversation displaced
        if reply is not None:
            return reply
    return _route(turn, parsed, attachment_ids)


def understand(turn: Turn, text: str) -> Parsed:
    """The NLU's reading, with the estate the message names: its name is blanked for the NLU, whose
    building pattern would not take "JX三号楼" (a Latin letter touching the number)."""
    named = turn.desk.estates.estates_in(text)
    if not named:
        return Parsed.from_nlu(turn.desk.nlu.parse(text))
    return Parsed.from_nlu(turn.desk.nlu.parse(turn.desk.estates.without_estates(text)), text, named[0][0].id)


def _is_cancel(parsed: Parsed) -> bool:
    return parsed.is_("cancel", 0.5) or bool(_CANCEL.search(fold(parsed.text)))


def _cancel(turn: Turn, state, parsed: Parsed) -> str:
    if state is not None:
        queries.clear_conversation(turn.session, turn.resident.id)
        if state.state in houses.STATES:
            return houses.cancelled(state)
        if not state.slots.get("ticket_id"):  # with an urgent ticket already open, that ticket is called off
            return replies.CANCELLED if state.state == repair.STATE else replies.NOTHING_TO_CANCEL
    recent = [t for t in queries.open_tickets(turn.session, turn.resident.id, statuses=("new",))
              if t.kind == "repair" and t.created_at >= turn.now - CANCEL_GRACE]
    if recent:
        ticket = recent[0]
        ticket.status, ticket.closed_at, ticket.updated_at = "cancelled", turn.now, turn.now
        queries.add_event(turn.session, ticket, turn.actor, "cancelled", turn.now, {"words": parsed.text})
        show_card(turn, ticket)
        deadlines.plan(turn, ticket)
        return f"好的，已为您取消报修工单 {ticket.code}。如果之后还需要帮助，随时给我们留言。"
    return replies.NOTHING_TO_CANCEL


def _continue(turn: Turn, state, parsed: Parsed, attachment_ids) -> str | None:
    """Handle the message inside the open conversation; None lets it be routed afresh."""
    slots = state.slots
    if state.state == repair.STATE:
        if parsed.is_("progress", 0.6) and not parsed.has_address:
            return progress.show(turn) + "\n\n" + repair.reask(turn, slots)
        if parsed.is_("inquiry", 0.7) and slots.get("awaiting") != "description" and not _fills_slot(parsed):
            # Never asks which 小区 here: that question would replace the repair's conversation.
            aside = replace(parsed, estate_id=places.estate_of(turn, parsed.estate_id, slots.get("estate_id")))
            return inquiry.answer(turn, aside, settled=True) + "\n\n" + repair.reask(turn, slots)
        if attachment_ids:
            slots = {**slots, "attachment_ids": [*slots.get("attachment_ids", []), *attachment_ids]}
        return repair.resume(turn, slots, parsed)
    if state.state in houses.STATES:
        return houses.resume(turn, state, parsed)
    if state.state == CAMPAIGN_STATE:
        return campaign_answers.answered(turn, slots, parsed)  # None: not an answer, the survey stays open
    if state.state == whose.STATE:
        return _settled(turn, slots, parsed)
    if state.state == followup.STATE:
        return followup.answered(turn, slots, parsed.text)  # None: not an answer, the survey stays open
    if state.state == incident_followups.STATE:
        return incident_followups.answered(turn, slots, parsed.text)  # None: the survey stays open
    if state.state == incidents.WHERE_STATE:
        return _outage_where(turn, slots, parsed)
    queries.clear_conversation(turn.session, turn.resident.id)
    if state.state == "complaint":
        return complaint.start(turn, parsed)
    if state.state == "inquiry":
        return inquiry.answer(turn, parsed)
    if state.state == inquiry.FOLLOWUP_STATE and inquiry.wants_person(parsed):
        return inquiry.record(turn, slots["question"], [parsed.text], slots.get("estate_id"))
    if state.state == "profile_address" and parsed.has_address and parsed.intent in ("inform", "affirm", "other"):
        return _inform(turn, parsed)
    return None


def _settled(turn: Turn, slots: dict, parsed: Parsed) -> str:
    """The answer to "which 小区?": the waiting complaint or inquiry goes on (or the question again)."""
    outcome = whose.resume(turn, slots, parsed)
    if isinstance(outcome, str):
        return outcome
    kind, waiting = outcome
    return complaint.start(turn, waiting, True) if kind == "complaint" else inquiry.answer(turn, waiting, True)


def _outage_where(turn: Turn, slots: dict, parsed: Parsed) -> str | None:
    """The building asked of an outage report that named none: the report is read again with it (joining
    the outage there, or opening its own ticket); not in those buildings, the report goes on as a repair
    (the question promised a technician; its address is asked then); anything else is routed afresh."""
    queries.clear_conversation(turn.session, turn.resident.id)
    if not parsed.has_address:
        if _NOT_THERE.search(fold(parsed.text)):
            incidents.where_answered(turn, slots)
            return repair.start(turn, understand(turn, slots["words"]))
        return None  # still waiting: unanswered, it becomes a ticket of its own (handlers/incidents/unanswered.py)
    incidents.where_answered(turn, slots)
    return _route(turn, understand(turn, f"{slots['words']}，{parsed.text}"), None)


def _fills_slot(parsed: Parsed) -> bool:
    return parsed.has_address or bool(parsed.first("phone"))


def _route(turn: Turn, parsed: Parsed, attachment_ids) -> str:
    moved = visits.reschedule(turn, parsed)
    if moved is not None:
        return moved
    intent = parsed.intent
    if _MY_REQUESTS.search(fold(parsed.text)) and intent in ("progress", "other", "inquiry", "inform"):
        intent = "progress"
    if parsed.urgent and intent not in ("complaint", "inquiry", "repair"):
        intent = "repair"  # an emergency is handled as one, whatever else the words resemble
    if intent == "inform" and parsed.first("category") and (parsed.has_address or parsed.first("phone")):
        intent = "repair"  # a fault with the details around it (我叫王小明 3栋1201 灯不亮 电话…) is a report, not a profile
    address = (parsed.first("building"), parsed.first("unit"), parsed.first("room"))
    outage = incidents.on_message(turn, parsed.text, intent, parsed.urgent, address,
                                  places.estate_of(turn, parsed.estate_id))
    if outage is not None:  # an outage the desk knows: answered at once, no ticket of its own
        # its address and phone kept as a repair keeps them: later words (还是没电) find the place without
        # asking, and the phone reaches the household if the restore message cannot
        residents.learn(turn, parsed)
        return outage
    if intent == "repair":
        return repair.start(turn, parsed, attachment_ids)
    if intent == "complaint":
        return complaint.start(turn, parsed)
    if intent == "inquiry":
        return inquiry.answer(turn, parsed)
    if intent == "progress":
        return progress.show_or_join(turn, parsed)
    if intent == "thanks":
        return replies.THANKS
    if intent == "greet":
        return replies.GREET
    if intent == "inform" or (parsed.has_address or parsed.first("phone")):
        return _inform(turn, parsed)
    return replies.HELP


def _inform(turn: Turn, parsed: Parsed) -> str:
    changed = residents.learn(turn, parsed)
    resident = turn.resident
    if "address" in changed or (parsed.has_address and parsed.first("building") == resident.building):
        resident.address_confirmed = True
        return replies.address_saved(replies.address_text(resident.building, resident.unit, resident.room))
    if "phone" in changed:
        return replies.phone_saved()
    return replies.HELP
