"""What staff do in their Telegram groups: take tickets, report progress, reply to residents.

Works on neutral StaffAction values (bot/telegram.py builds them) and answers through the outbox.
Only registered, active staff may act, and only in their staff groups; anyone else gets 无权限 and
nothing changes. Every change of a ticket is a ticket event naming the member of staff.
"""
from __future__ import annotations

import logging

from storage import queries
from storage.models import OPEN_STATUSES, OutboxMessage, Staff, Ticket

from . import deadlines, escalation, outbox
from .cards import render
from .desk import Desk, Work
from .messages import StaffAction
from .notices import GIVE, HISTORY, TAKE_OVER, USE_SUGGESTION, Button
from .routing import staff_chat_for, staff_chats

log = logging.getLogger(__name__)

NO_PERMISSION = "无权限：只有登记的物业员工可以操作工单。"
NOT_A_STAFF_CHAT = "本群未登记为物业员工群，无法处理工单。"
HELP = ("工单操作：在工单卡片上点按钮（接单 / 已到场 / 已完成 / 转派 / 查看电话）。\n"
        "回复住户：直接回复工单卡片，或发送 /reply 工单号 内容（会先经过服务用语检查）。\n"
        "/open 本群未完成的工单\n/mine 我负责的工单\n/ticket 工单号 工单详情和处理记录\n/help 本说明")


def record_unused_update(desk: Desk, update_id: int) -> None:
    """Remember an update the desk does not use, so a redelivery is recognised too."""
    with desk.work() as work:
        queries.first_staff_update(work.session, update_id, work.now)


def handle(desk: Desk, action: StaffAction) -> None:
    """Handle one staff action (exactly once per Telegram update_id)."""
    with desk.work() as work:
        if not queries.first_staff_update(work.session, action.update_id, work.now):
            log.info("telegram update %s seen before, ignored", action.update_id)
            return
        member = queries.member(work.session, action.user_id)
        problem = _refusal(desk, action, member)
        if problem:
            _refuse(work, action, problem)
        elif action.kind == "button":
            _button(work, action, member)
        elif action.kind == "command":
            _command(work, action, member)
        else:
            _message(work, action, member)


MANAGING_ROLES = ("manager", "supervisor")


def _refusal(desk: Desk, action: StaffAction, member: Staff | None) -> str | None:
    if action.kind == "message" and action.replying_to is None and not action.chat_private:
        return "ignore"  # ordinary talk in the group is not for the bot
    managers_chat = action.chat_id in desk.config["TELEGRAM_MANAGER_CHAT_IDS"]
    if not action.chat_private and not managers_chat and action.chat_id not in staff_chats(desk.config):
        return NOT_A_STAFF_CHAT
    if member is None:
        return NO_PERMISSION
    if managers_chat and member.role not in MANAGING_ROLES:
        return NO_PERMISSION
    if not action.chat_private and not managers_chat and member.role not in MANAGING_ROLES and member.groups \
            and action.chat_id not in member.groups:
        return NO_PERMISSION
    return None


def _refuse(work: Work, action: StaffAction, problem: str) -> None:
    if problem == "ignore":
        return
    log.info("refused %s from %s in %s: %s", action.kind, action.user_id, action.chat_id, problem)
    if action.kind == "button":
        outbox.answer(work, action, problem, alert=True)
    elif action.kind == "command" or action.replying_to:
        outbox.to_staff(work, action.chat_id, problem, reply_to=action.message)


def _actor(member: Staff) -> str:
    return f"staff:{member.id}:{member.name}"


def _refresh_card(work: Work, ticket: Ticket) -> None:
    chat = staff_chat_for(work.desk.config, ticket)
    if chat:
        outbox.card(work, ticket.id, chat)


def post_card(work: Work, ticket: Ticket) -> None:
    """Put a new ticket's card in its staff group (or refresh an existing one)."""
    _refresh_card(work, ticket)


# --- buttons ----------------------------------------------------------------------------------

def _button(work: Work, action: StaffAction, member: Staff) -> None:
    button = action.button
    if button is None:
        outbox.answer(work, action, "这个按钮已失效。")
        return
    if button.action == USE_SUGGESTION:
        _use_suggestion(work, action, member, button.target)
        return
    ticket = queries.ticket(work.session, button.target, lock=True)
    if ticket is None:
        outbox.answer(work, action, "找不到这个工单。")
        return
    if button.action == GIVE:
        _give(work, action, member, ticket, int(button.arg))
        return
    if button.action == HISTORY:
        outbox.answer(work, action, "处理记录见下方。")
        outbox.to_staff(work, action.chat_id, _history(work, ticket.code), ticket_id=ticket.id,
                        reply_to=action.message)
        return
    if button.action == TAKE_OVER:
        _take_over(work, action, member, ticket)
        return
    handler = {"accept": _accept, "arrive": _progress("arrive"), "done": _progress("done"),
               "transfer": _offer_transfer, "phone": _reveal_phone}.get(button.action)
    if handler is None:
        outbox.answer(work, action, "这个按钮已失效。")
        return
    handler(work, action, member, ticket)


def _accept(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    won = queries.accept(work.session, ticket.id, member.id, work.now)  # of two at once, exactly one wins
    work.session.refresh(ticket)
    if not won:
        holder = ticket.assignee.name if ticket.assignee else "其他同事"
        state = "已被接单" if ticket.status in ("accepted", "on_site") else "当前无法接单"
        outbox.answer(work, action, f"该工单{state}（{holder}）。", alert=True)
        return
    queries.add_event(work.session, ticket, _actor(member), "accepted", work.now)
    outbox.answer(work, action, f"接单成功：{ticket.code}")
    _refresh_card(work, ticket)
    deadlines.plan(work, ticket)
    if ticket.kind == "repair" and ticket.resident:
        due = work.local_text(ticket.due_at) if ticket.due_at else ""
        _to_resident(work, ticket, f"您好，您的报修（{ticket.code}）已由维修师傅{member.name}接单，"
                                   f"将在{due}前上门，请保持电话畅通。谢谢您的配合！", actor="system")


def _may_work_on(member: Staff, ticket: Ticket) -> bool:
    return member.role in MANAGING_ROLES or ticket.assignee_id == member.id


def _may_hand_over(member: Staff, ticket: Ticket) -> bool:
    return ticket.assignee_id in (None, member.id) or member.role in MANAGING_ROLES


def _assign(work: Work, ticket: Ticket, member: Staff, to: Staff, event: str, detail: dict) -> None:
    """Give the ticket to `to` (accepting it if nobody had), recorded as `event` by `member`."""
    ticket.assignee_id, ticket.updated_at = to.id, work.now
    if ticket.status in ("new", "reopened"):
        ticket.status, ticket.accepted_at = "accepted", work.now
    queries.add_event(work.session, ticket, _actor(member), event, work.now, detail)
    _refresh_card(work, ticket)
    deadlines.plan(work, ticket)


# Progress an assignee reports: (statuses it may follow, new status, time column, event, answer).
_PROGRESS = {
    "arrive": (("accepted",), "on_site", "arrived_at", "arrived", "已记录到场时间。"),
    "done": (("accepted", "on_site"), "done", "done_at", "done", "已标记完成，系统会安排回访。"),
}


def _progress(step: str):
    after, status, column, event, answer = _PROGRESS[step]

    def report(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
        if ticket.status not in after or not _may_work_on(member, ticket):
            outbox.answer(work, action, "只有接单人可以操作（请先接单）。", alert=True)
            return
        ticket.status, ticket.updated_at = status, work.now
        setattr(ticket, column, work.now)
        queries.add_event(work.session, ticket, _actor(member), event, work.now)
        outbox.answer(work, action, answer)
        _refresh_card(work, ticket)
        deadlines.plan(work, ticket)
    return report


def _offer_transfer(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    if not _may_hand_over(member, ticket):
        outbox.answer(work, action, "只有接单人或主管可以转派。", alert=True)
        return
    colleagues = [s for s in queries.active_staff(work.session) if s.id != member.id and (not s.groups or action.chat_id in s.groups)]
    if not colleagues:
        outbox.answer(work, action, "本群没有其他可转派的同事。", alert=True)
        return
    buttons = [tuple(Button(s.name, GIVE, ticket.id, s.id) for s in colleagues[i:i + 3])
               for i in range(0, len(colleagues), 3)]
    outbox.answer(work, action, "请选择转派给谁。")
    outbox.to_staff(work, action.chat_id, f"{member.name} 要转派工单 {ticket.code}，请选择同事：", ticket_id=ticket.id,
                         reply_to=action.message, buttons=tuple(buttons))


def _give(work: Work, action: StaffAction, member: Staff, ticket: Ticket, staff_id: int) -> None:
    target = queries.staff_member(work.session, staff_id)
    if not _may_hand_over(member, ticket):
        outbox.answer(work, action, "只有接单人或主管可以转派。", alert=True)
        return
    if target is None or not target.active or ticket.status not in OPEN_STATUSES:
        outbox.answer(work, action, "无法转派（同事或工单状态已变化）。", alert=True)
        return
    previous = ticket.assignee.name if ticket.assignee else None
    _assign(work, ticket, member, target, "transferred", {"from": previous, "to": target.name})
    outbox.answer(work, action, f"已转派给{target.name}。")
    outbox.to_staff(work, action.chat_id, f"工单 {ticket.code} 已由{member.name}转派给{target.name}。",
                         ticket_id=ticket.id)


def _take_over(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    if member.role not in MANAGING_ROLES:
        outbox.answer(work, action, "只有主管或经理可以接手。", alert=True)
        return
    if ticket.status not in OPEN_STATUSES:
        outbox.answer(work, action, "这个工单已经处理完，无需接手。", alert=True)
        return
    previous = ticket.assignee.name if ticket.assignee else None
    _assign(work, ticket, member, member, "taken_over", {"from": previous})
    outbox.answer(work, action, f"已由您接手工单 {ticket.code}。")


def _reveal_phone(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> None:
    if not _may_work_on(member, ticket):
        outbox.answer(work, action, "只有接单人可以查看完整电话。", alert=True)
        return
    phone = ticket.contact_phone or (ticket.resident.phone if ticket.resident else None)
    queries.add_event(work.session, ticket, _actor(member), "phone_revealed", work.now)
    # A callback answer is shown only to the person who pressed: the number never enters the group.
    outbox.answer(work, action, f"住户电话：{phone or '未留电话'}", alert=True)


# --- commands ---------------------------------------------------------------------------------

def _command(work: Work, action: StaffAction, member: Staff) -> None:
    command = action.command
    if command in ("start", "help"):
        text = HELP
    elif command == "open":
        text = _listing(work, action, member, mine=False)
    elif command == "mine":
        text = _listing(work, action, member, mine=True)
    elif command == "ticket":
        text = _history(work, action.args.strip())
    elif command == "reply":
        code, _, reply = action.args.partition(" ")
        ticket = _by_code(work, code)
        if ticket is None or not reply.strip():
            text = "用法：/reply 工单号 回复内容"
        else:
            relay(work, action, member, ticket, reply.strip())
            return
    else:
        text = "不认识这个命令。\n" + HELP
    outbox.to_staff(work, action.chat_id, text, reply_to=action.message)


def _by_code(work: Work, code: str) -> Ticket | None:
    return queries.ticket_by_code(work.session, code.strip().upper())


def _listing(work: Work, action: StaffAction, member: Staff, mine: bool) -> str:
    tickets = [t for t in queries.unfinished(work.session, member.id if mine else None)
               if mine or action.chat_private or staff_chat_for(work.desk.config, t) == action.chat_id]
    if not tickets:
        return "目前没有未完成的工单。" if not mine else "您目前没有负责中的工单。"
    lines = [("🚨" if t.urgent else "·") + f" {t.code} {render(work.desk, t).text.splitlines()[1][3:]}"
             + (f" 时限{work.desk.local(t.due_at):%m-%d %H:%M}" if t.due_at else "") for t in tickets[:30]]
    more = f"\n……另有{len(tickets) - 30}个" if len(tickets) > 30 else ""
    return ("我负责的工单：\n" if mine else "未完成的工单：\n") + "\n".join(lines) + more


def _history(work: Work, code: str) -> str:
    ticket = _by_code(work, code) if code else None
    if ticket is None:
        return "用法：/ticket 工单号（例如 /ticket BX-20261122-0001）"
    lines = [render(work.desk, ticket).text, "", "处理记录："]
    for event in ticket.events[-15:]:
        who = event.actor.split(":")[-1] if event.actor.startswith("staff:") else \
            {"system": "系统"}.get(event.actor, "住户")
        lines.append(f"{work.desk.local(event.at):%m-%d %H:%M} {who} {EVENT_NAMES.get(event.action, event.action)}")
    return "\n".join(lines)


EVENT_NAMES = {"taken_over": "主管接手", "deadline_missed": "超过时限", "reminded": "时限提醒",
               "followup_sent": "发送回访", "followup_reminded": "回访提醒", "followup_answered": "住户评价",
               "closed": "办结", "time_changed": "住户改约时间",
               "created": "提交", "accepted": "接单", "arrived": "到场", "done": "完成", "transferred": "转派",
               "phone_revealed": "查看电话", "staff_reply": "回复住户", "reply_blocked": "回复被拦截（服务禁用语）",
               "delivered": "消息已送达", "escalated": "升级", "repeat_report": "住户再次反映", "reopened": "重新打开",
               "cancelled": "住户取消", "photo_added": "补充照片", "location_added": "补充位置",
               "marked_for_manager": "报项目经理", "phone_task": "转电话联系", "delivery_failed": "消息发送失败",
               "needs_phone_call": "需电话确认"}


# --- replies to residents ------------------------------------------------------------------------

def _message(work: Work, action: StaffAction, member: Staff) -> None:
    ticket = None
    if action.replying_to is not None:
        ticket = queries.ticket_by_card(work.session, action.chat_id, action.replying_to)
    if ticket is None:
        if action.chat_private:
            outbox.to_staff(work, action.chat_id, HELP, reply_to=action.message)
        return
    relay(work, action, member, ticket, action.text)


def relay(work: Work, action: StaffAction, member: Staff, ticket: Ticket, text: str) -> None:
    """A staff reply to a ticket's resident: checked by the etiquette filter, then sent or stopped."""
    verdict = work.desk.etiquette.check(text)
    if not verdict.allowed:
        _blocked(work, action, member, ticket, verdict)
        return
    queries.add_event(work.session, ticket, _actor(member), "staff_reply", work.now, {"text": text})
    _responded(work, ticket)
    if ticket.resident is None:
        outbox.to_staff(work, action.chat_id, "这个工单没有可联系的微信住户，请电话联系。", reply_to=action.message)
        return
    _to_resident(work, ticket, f"【{ticket.code}】{text}", actor=_actor(member),
                 notify={"chat_id": action.chat_id, "reply_to": action.message})
    deadlines.plan(work, ticket)


def _responded(work: Work, ticket: Ticket) -> None:
    """The first staff reply answers a complaint or inquiry (its response deadline is met)."""
    if ticket.responded_at is None:
        ticket.responded_at = work.now


def _to_resident(work: Work, ticket: Ticket, content: str, actor: str, notify: dict | None = None,
                 hold: bool = False) -> OutboxMessage:
    return outbox.to_resident(work, ticket.resident.openid, content, ticket_id=ticket.id, actor=actor, notify=notify,
                              hold=hold)


def _blocked(work: Work, action: StaffAction, member: Staff, ticket: Ticket, verdict) -> None:
    for violation in verdict.violations:
        queries.add_violation(work.session, staff_id=member.id, ticket_id=ticket.id, text=verdict.text,
                              phrase=violation.phrase[:64], category=violation.category, at=work.now)
    queries.add_event(work.session, ticket, _actor(member), "reply_blocked", work.now,
                      {"text": verdict.text, "phrases": [v.phrase for v in verdict.violations]})
    suggestion = _to_resident(work, ticket, f"【{ticket.code}】{verdict.suggestion}", actor=_actor(member),
                              notify={"chat_id": action.chat_id, "reply_to": action.message}, hold=True)
    phrases = "、".join(f"“{v.phrase}”" for v in verdict.violations)
    outbox.to_staff(work, action.chat_id,
                         f"⚠️ 这条回复含有服务禁用语{phrases}，未发送给住户。\n建议改为：\n{verdict.suggestion}",
                         ticket_id=ticket.id, reply_to=action.message,
                         buttons=((Button("改用此回复发送", USE_SUGGESTION, suggestion.id),),))
    escalation.check_violations(work, member)


def _use_suggestion(work: Work, action: StaffAction, member: Staff, outbox_id: int) -> None:
    row = queries.outbox_row(work.session, outbox_id)
    if row is None or row.status != "suggested":
        outbox.answer(work, action, "这条建议已经发送或已失效。")
        return
    if row.created_by != _actor(member) and member.role not in MANAGING_ROLES:
        outbox.answer(work, action, "只有原回复人可以发送这条建议。", alert=True)
        return
    outbox.release(work, row)
    ticket = queries.ticket(work.session, row.ticket_id)
    queries.add_event(work.session, ticket, _actor(member), "staff_reply", work.now,
                      {"text": row.payload["content"], "suggested": True})
    _responded(work, ticket)
    outbox.answer(work, action, "已改用建议回复发送。")
    deadlines.plan(work, ticket)


__all__ = ["handle", "record_unused_update", "post_card", "relay"]
