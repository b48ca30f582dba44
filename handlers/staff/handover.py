"""Handing a ticket on: 转派 to a colleague of the group, or a supervisor's 我来接手 from an alert."""
from __future__ import annotations

from storage import queries
from storage.models import OPEN_STATUSES, Staff, Ticket

from .. import outbox
from ..desk import Work
from ..messages import StaffAction
from ..notices import GIVE, Button
from ..tickets import deadlines
from ..tickets.cards import show_card
from ..tickets.routing import staff_chat_for
from .access import actor, manages, may_act, may_hand_over


def offer(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    """转派 pressed: offer the group's other colleagues as buttons."""
    if not may_hand_over(member, ticket):
        outbox.answer(work, action, "只有接单人或主管可以转派。", alert=True)
        return
    group = staff_chat_for(work.desk, ticket)
    colleagues = [s for s in queries.active_staff(work.session)
                  if s.id != member.id and may_act(work.desk, s, ticket, group, private=True)]
    if not colleagues:
        outbox.answer(work, action, "本群没有其他可转派的同事。", alert=True)
        return
    buttons = tuple(tuple(Button(s.name, GIVE, ticket.id, s.id) for s in colleagues[i:i + 3])
                    for i in range(0, len(colleagues), 3))
    outbox.answer(work, action, "请选择转派给谁。")
    outbox.to_staff(work, action.chat_id, f"{member.name} 要转派工单 {ticket.code}，请选择同事：", ticket_id=ticket.id,
                    reply_to=action.message, buttons=buttons)


def give(work: Work, action: StaffAction, member: Staff, ticket: Ticket, staff_id: int) -> None:
    """A colleague chosen: the ticket is theirs."""
    target = queries.staff_member(work.session, staff_id)
    if not may_hand_over(member, ticket):
        outbox.answer(work, action, "只有接单人或主管可以转派。", alert=True)
        return
    group = staff_chat_for(work.desk, ticket)
    if target is None or not target.active or ticket.status not in OPEN_STATUSES or \
            not may_act(work.desk, target, ticket, group, private=True):  # only to someone who may work on it
        outbox.answer(work, action, "无法转派（同事或工单状态已变化）。", alert=True)
        return
    previous = ticket.assignee.name if ticket.assignee else None
    _assign(work, ticket, member, target, "transferred", {"from": previous, "to": target.name})
    outbox.answer(work, action, f"已转派给{target.name}。")
    outbox.to_staff(work, action.chat_id, f"工单 {ticket.code} 已由{member.name}转派给{target.name}。",
                    ticket_id=ticket.id)


def take_over(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    """A supervisor or manager takes an escalated ticket over."""
    if not manages(member):
        outbox.answer(work, action, "只有主管或经理可以接手。", alert=True)
        return
    if ticket.status not in OPEN_STATUSES:
        outbox.answer(work, action, "这个工单已经处理完，无需接手。", alert=True)
        return
    previous = ticket.assignee.name if ticket.assignee else None
    _assign(work, ticket, member, member, "taken_over", {"from": previous})
    outbox.answer(work, action, f"已由您接手工单 {ticket.code}。")


def _assign(work: Work, ticket: Ticket, member: Staff, to: Staff, event: str, detail: dict) -> None:
    """Give the ticket to `to` (accepting it if nobody had), recorded as `event` by `member`."""
    ticket.assignee_id, ticket.updated_at = to.id, work.now
    if ticket.status in ("new", "reopened"):
        ticket.status, ticket.accepted_at = "accepted", work.now
    queries.add_event(work.session, ticket, actor(member), event, work.now, detail)
    show_card(work, ticket)
    deadlines.plan(work, ticket)
