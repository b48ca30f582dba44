"""Due timers: the rq job that acts on a deadline or follow-up step when it comes due.

fire() re-reads the timer row and the ticket, so a timer that is late, duplicated or obsolete does
nothing: a reminder on the card at SLA_REMINDER_FRACTION, at the deadline a breach and an escalation,
the second escalation level, or the next follow-up step (handlers.tickets.followup).
"""
from __future__ import annotations

import logging

from storage import queries
from storage.models import Ticket, Timer

from .. import jobs, outbox
from ..desk import Desk, Work
from . import deadlines, escalation, followup
from .cards import show_card
from .routing import staff_chat_for

log = logging.getLogger(__name__)


@jobs.job(jobs.FIRE_TIMER)
def fire(desk: Desk, timer_id: int) -> str:
    """The rq job: act on a due timer if it is still pending and still applies."""
    with desk.work() as work:
        timer = queries.timer(work.session, timer_id)
        if timer is None or timer.status != "pending":
            return f"nothing to do ({timer.status if timer else 'no such timer'})"
        timer.status, timer.fired_at = "fired", work.now
        ticket = queries.ticket(work.session, timer.ticket_id, lock=True)
        if deadlines.wanted(desk, ticket).get(timer.kind, (None,))[0] != timer.fire_at:
            timer.status = "cancelled"  # the ticket moved on; the timer is obsolete
            outcome = "obsolete"
        elif timer.kind.endswith("_remind") and not timer.kind.startswith("followup"):
            outcome = _remind(work, ticket, timer)
        elif timer.kind.endswith("_due"):
            outcome = _missed(work, ticket, timer)
        elif timer.kind == "escalate_level2":
            escalation.raise_alert(work, ticket, "unresolved", level=2)
            outcome = "escalated to level 2"
        else:
            outcome = followup.step(work, ticket, timer.kind)
        deadlines.plan(work, ticket)
    log.info("timer %s (%s of ticket %s): %s", timer_id, timer.kind, timer.ticket_id, outcome)
    return outcome


STEP_NAMES = {"accept": "接单", "arrive": "到场", "respond": "答复住户", "resolve": "办结"}


def _remind(work: Work, ticket: Ticket, timer: Timer) -> str:
    step = timer.kind.removesuffix("_remind")
    left = max(0, int((timer.due_at - work.now).total_seconds() // 60)) if timer.due_at else 0
    chat = staff_chat_for(work.desk, ticket)
    if chat:
        holder = f"（{ticket.assignee.name}）" if ticket.assignee else ""
        outbox.to_staff(work, chat, f"⏰ 工单 {ticket.code}{holder} 距{STEP_NAMES[step]}时限还有约{left}分钟"
                                    f"（{work.desk.local(timer.due_at):%H:%M}），请抓紧处理。",
                        ticket_id=ticket.id, reply_to=ticket.card_message_id)
    queries.add_event(work.session, ticket, "system", "reminded", work.now, {"step": step, "minutes_left": left})
    return "reminded"


def _missed(work: Work, ticket: Ticket, timer: Timer) -> str:
    step = timer.kind.removesuffix("_due")
    ticket.breached = True
    queries.add_event(work.session, ticket, "system", "deadline_missed", work.now,
                      {"step": step, "due": timer.due_at.isoformat(timespec="minutes") if timer.due_at else None})
    escalation.raise_alert(work, ticket, f"missed_{step}", level=1, detail={"due": timer.due_at})
    show_card(work, ticket)
    return "breached and escalated"
