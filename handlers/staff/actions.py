"""Buttons staff press: 接单 (of two at once exactly one wins), 已到场, 已完成, 查看电话, and the
buttons of other notices (hand over, take over, history, send the suggested rewrite)."""
from __future__ import annotations

from storage import queries
from storage.models import Staff, Ticket

from .. import outbox
from ..desk import Work
from ..messages import StaffAction
from ..incidents import staff as incidents
from ..notices import BINDING_ACTIONS, GIVE, HISTORY, INCIDENT_ACTIONS, TAKE_OVER, USE_SUGGESTION
from ..tickets import deadlines
from ..tickets.cards import show_card
from . import binding_press, commands, handover, relay
from .access import actor, allowed, may_work_on, refused


def press(work: Work, action: StaffAction, member: Staff) -> None:
    """A button pressed; its data is never trusted: the ticket and the member's rights come from the database."""
    button = action.button
    if button is None:
        outbox.answer(work, action, "这个按钮已失效。")
        return
    if button.action == USE_SUGGESTION:
        relay.use_suggestion(work, action, member, button.target)
        return
    if button.action in BINDING_ACTIONS:  # a house binding request, not a ticket
        binding_press.press(work, action, member, button)
        return
    if button.action in INCIDENT_ACTIONS:
        incidents.press(work, action, member)
        return
    ticket = queries.ticket(work.session, button.target, lock=True)
    if ticket is None:
        outbox.answer(work, action, "找不到这个工单。")
        return
    if not allowed(work, action, member, ticket):
        outbox.answer(work, action, refused(work.desk, member, ticket), alert=True)
        return
    if button.action == GIVE:
        handover.give(work, action, member, ticket, int(button.arg))
    elif button.action == HISTORY:
        outbox.answer(work, action, "处理记录见下方。")
        outbox.to_staff(work, action.chat_id, commands.history(work, ticket.code), ticket_id=ticket.id,
                        reply_to=action.message)
    elif button.action == TAKE_OVER:
        handover.take_over(work, action, member, ticket)
    elif button.action in _ON_CARD:
        _ON_CARD[button.action](work, action, member, ticket)
    else:
        outbox.answer(work, action, "这个按钮已失效。")


def _accept(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    won = queries.accept(work.session, ticket.id, member.id, work.now)  # of two at once, exactly one wins
    work.session.refresh(ticket)
    if not won:
        holder = ticket.assignee.name if ticket.assignee else "其他同事"
        state = "已被接单" if ticket.status in ("accepted", "on_site") else "当前无法接单"
        outbox.answer(work, action, f"该工单{state}（{holder}）。", alert=True)
        return
    queries.add_event(work.session, ticket, actor(member), "accepted", work.now)
    outbox.answer(work, action, f"接单成功：{ticket.code}")
    show_card(work, ticket)
    deadlines.plan(work, ticket)
    if ticket.kind == "repair" and ticket.resident:
        due = work.local_text(ticket.due_at) if ticket.due_at else ""
        relay.to_resident(work, ticket, f"您好，您的报修（{ticket.code}）已由维修师傅{member.name}接单，"
                                        f"将在{due}前上门，请保持电话畅通。谢谢您的配合！", actor="system")


# Progress an assignee reports: (statuses it may follow, new status, time column, event, answer).
_PROGRESS = {
    "arrive": (("accepted",), "on_site", "arrived_at", "arrived", "已记录到场时间。"),
    "done": (("accepted", "on_site"), "done", "done_at", "done", "已标记完成，系统会安排回访。"),
}


def _progress(step: str):
    after, status, column, event, answer = _PROGRESS[step]

    def report(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
        if ticket.status not in after or not may_work_on(member, ticket):
            outbox.answer(work, action, "只有接单人可以操作（请先接单）。", alert=True)
            return
        ticket.status, ticket.updated_at = status, work.now
        setattr(ticket, column, work.now)
        queries.add_event(work.session, ticket, actor(member), event, work.now)
        outbox.answer(work, action, answer)
        show_card(work, ticket)
        deadlines.plan(work, ticket)
    return report


def _reveal_phone(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    if not may_work_on(member, ticket):
        outbox.answer(work, action, "只有接单人可以查看完整电话。", alert=True)
        return
    phone = ticket.contact_phone or (ticket.resident.phone if ticket.resident else None)
    queries.add_event(work.session, ticket, actor(member), "phone_revealed", work.now)
    # An answer to a press is shown only to the person who pressed: the number never enters the group.
    outbox.answer(work, action, f"住户电话：{phone or '未留电话'}", alert=True)


_ON_CARD = {"accept": _accept, "arrive": _progress("arrive"), "done": _progress("done"),
            "transfer": handover.offer, "phone": _reveal_phone}
