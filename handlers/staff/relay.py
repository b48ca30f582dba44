"""Staff replies to residents: every reply passes the etiquette filter (服务禁用语) first.

Allowed: queued through the outbox, and the staff member later sees "✅ 已送达住户". Blocked: not sent;
the violation is kept for managers, the staff member sees the offending words and a polite rewrite to
send with one tap, and repeated violations alert the managers.
"""
from __future__ import annotations

from storage import queries
from storage.models import OutboxMessage, Staff, Ticket

from .. import outbox
from ..desk import Work
from ..messages import StaffAction
from ..notices import USE_SUGGESTION, Button
from ..tickets import deadlines, escalation
from .access import actor, allowed, manages, refused


def relay(work: Work, action: StaffAction, member: Staff, ticket: Ticket, text: str) -> None:
    """A staff reply to a ticket's resident: checked by the etiquette filter, then sent or stopped."""
    verdict = work.desk.etiquette_for(ticket.estate_id).check(text)  # with the estate's own banned phrases
    if not verdict.allowed:
        _blocked(work, action, member, ticket, verdict)
        return
    queries.add_event(work.session, ticket, actor(member), "staff_reply", work.now, {"text": text})
    _responded(work, ticket)
    if ticket.resident is None:
        outbox.to_staff(work, action.chat_id, "这个工单没有可联系的微信住户，请电话联系。", reply_to=action.message)
        return
    to_resident(work, ticket, f"【{ticket.code}】{text}", actor=actor(member),
                notify={"chat_id": action.chat_id, "reply_to": action.message})
    deadlines.plan(work, ticket)


def to_resident(work: Work, ticket: Ticket, content: str, actor: str, notify: dict | None = None,
                hold: bool = False) -> OutboxMessage:
    """A message to the ticket's resident; `notify` names the staff message told when it arrived."""
    return outbox.to_resident(work, ticket.resident.openid, content, ticket_id=ticket.id, actor=actor, notify=notify,
                              hold=hold)


def use_suggestion(work: Work, action: StaffAction, member: Staff, outbox_id: int) -> None:
    """改用此回复发送: the suggested rewrite kept in the outbox goes to the resident (once)."""
    row = queries.outbox_row(work.session, outbox_id)
    if row is None or row.status != "suggested":
        outbox.answer(work, action, "这条建议已经发送或已失效。")
        return
    ticket = queries.ticket(work.session, row.ticket_id)
    if ticket is None or not allowed(work, action, member, ticket):
        outbox.answer(work, action, refused(work.desk, member, ticket), alert=True)
        return
    if row.created_by != actor(member) and not manages(member):
        outbox.answer(work, action, "只有原回复人可以发送这条建议。", alert=True)
        return
    outbox.release(work, row)
    queries.add_event(work.session, ticket, actor(member), "staff_reply", work.now,
                      {"text": row.payload["content"], "suggested": True})
    _responded(work, ticket)
    outbox.answer(work, action, "已改用建议回复发送。")
    deadlines.plan(work, ticket)


def _responded(work: Work, ticket: Ticket) -> None:
    """The first staff reply answers a complaint or inquiry (its response deadline is met)."""
    if ticket.responded_at is None:
        ticket.responded_at = work.now


def _blocked(work: Work, action: StaffAction, member: Staff, ticket: Ticket, verdict) -> None:
    for violation in verdict.violations:
        queries.add_violation(work.session, staff_id=member.id, ticket_id=ticket.id, text=verdict.text,
                              phrase=violation.phrase[:64], category=violation.category, at=work.now)
    queries.add_event(work.session, ticket, actor(member), "reply_blocked", work.now,
                      {"text": verdict.text, "phrases": [v.phrase for v in verdict.violations]})
    suggestion = to_resident(work, ticket, f"【{ticket.code}】{verdict.suggestion}", actor=actor(member),
                             notify={"chat_id": action.chat_id, "reply_to": action.message}, hold=True)
    phrases = "、".join(f"“{v.phrase}”" for v in verdict.violations)
    outbox.to_staff(work, action.chat_id,
                    f"⚠️ 这条回复含有服务禁用语{phrases}，未发送给住户。\n建议改为：\n{verdict.suggestion}",
                    ticket_id=ticket.id, reply_to=action.message,
                    buttons=((Button("改用此回复发送", USE_SUGGESTION, suggestion.id),),))
    escalation.check_violations(work, member)
