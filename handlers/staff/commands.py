"""Staff commands: /open, /mine, /ticket <code>, /reply <code> <text>, /console, /help."""
from __future__ import annotations

from storage import queries
from storage.models import Staff, Ticket

from .. import outbox
from ..console import signin
from ..desk import Work
from ..incidents import staff as incidents
from ..messages import StaffAction
from ..tickets.cards import render
from ..tickets.routing import staff_chat_for
from ..tickets.wording import event_name
from . import relay
from .access import allowed, may_act, refused

HELP = ("工单操作：在工单卡片上点按钮（接单 / 已到场 / 已完成 / 转派 / 查看电话）。\n"
        "回复住户：直接回复工单卡片，或发送 /reply 工单号 内容（会先经过服务用语检查）。\n"
        "/open 本群未完成的工单\n/mine 我负责的工单\n/ticket 工单号 工单详情和处理记录\n"
        "/console 管理后台登录链接（项目经理、主管，请私聊机器人发送）\n/help 本说明\n" + incidents.HELP)
CONSOLE_IN_PRIVATE = "为保护您的账号，管理后台的登录链接只在私聊中发送。请点开机器人的头像，私聊发送 /console。"
CONSOLE_NOT_ALLOWED = "管理后台供项目经理和主管使用，您的账号暂未开通。如需查看，请联系项目经理。"


def run(work: Work, action: StaffAction, member: Staff) -> None:
    """Answer a command in the chat it came from (a /reply goes to the resident instead)."""
    command = action.command
    if command in ("start", "help"):
        text = HELP
    elif command == "open":
        text = _listing(work, action, member, mine=False)
    elif command == "mine":
        text = _listing(work, action, member, mine=True)
    elif command == "ticket":
        ticket = _by_code(work, action.args) if action.args.strip() else None
        text = refused(work.desk, member, ticket) if ticket and not allowed(work, action, member, ticket) else \
            history(work, action.args.strip())
    elif command in incidents.COMMANDS:
        text = incidents.run(work, action, member)
    elif command == "console":
        text = _console_link(work, action)
    elif command == "reply":
        code, _, reply = action.args.strip().partition(" ")
        ticket = _by_code(work, code)
        if ticket is None or not reply.strip():
            text = "用法：/reply 工单号 回复内容"
        elif not allowed(work, action, member, ticket):
            text = refused(work.desk, member, ticket)
        else:
            relay.relay(work, action, member, ticket, reply.strip())
            return
    else:
        text = "不认识这个命令。\n" + HELP
    outbox.to_staff(work, action.chat_id, text, reply_to=action.message)


def _console_link(work: Work, action: StaffAction) -> str:
    """A one-time sign-in link, only in a private chat: in a group anyone could open it first."""
    if not action.chat_private:
        return CONSOLE_IN_PRIVATE
    link = signin.issue_link_in(work.session, work.desk, action.user_id)
    if link is None:
        return CONSOLE_NOT_ALLOWED
    minutes = f"{work.desk.config['CONSOLE_LINK_MINUTES']:g}"
    if link.startswith("/"):  # no CONSOLE_BASE_URL: a path the manager appends to the console's address
        return (f"管理后台登录链接（{minutes}分钟内有效，仅可使用一次）：请在管理后台网址后接上 {link} 打开。\n"
                "（管理员设置 CONSOLE_BASE_URL 后，这里会是可以直接点开的完整链接。）")
    return f"管理后台登录链接（{minutes}分钟内有效，仅可使用一次，请勿转发）：\n{link}"


def _by_code(work: Work, code: str) -> Ticket | None:
    return queries.ticket_by_code(work.session, code.strip().upper())


def _listing(work: Work, action: StaffAction, member: Staff, mine: bool) -> str:
    # The same rule as for acting on a ticket: a group sees its own tickets, a private chat the member's
    # groups' tickets, a supervisor or manager those within their scope.
    tickets = [t for t in queries.unfinished(work.session, member.id if mine else None)
               if may_act(work.desk, member, t, action.chat_id, action.chat_private)
               and (mine or action.chat_private or staff_chat_for(work.desk, t) == action.chat_id)]
    if not tickets:
        return "目前没有未完成的工单。" if not mine else "您目前没有负责中的工单。"
    lines = [("🚨" if t.urgent else "·") + f" {t.code} {render(work.desk, t).text.splitlines()[1][3:]}"
             + (f" 时限{work.desk.local(t.due_at):%m-%d %H:%M}" if t.due_at else "") for t in tickets[:30]]
    more = f"\n……另有{len(tickets) - 30}个" if len(tickets) > 30 else ""
    return ("我负责的工单：\n" if mine else "未完成的工单：\n") + "\n".join(lines) + more


def history(work: Work, code: str) -> str:
    """A ticket's card and its last 15 steps: who, when, what."""
    ticket = _by_code(work, code) if code else None
    if ticket is None:
        return "用法：/ticket 工单号（例如 /ticket BX-20261122-0001）"
    lines = [render(work.desk, ticket).text, "", "处理记录："]
    for event in ticket.events[-15:]:
        who = event.actor.split(":")[-1] if event.actor.startswith("staff:") else \
            {"system": "系统"}.get(event.actor, "住户")
        lines.append(f"{work.desk.local(event.at):%m-%d %H:%M} {who} {event_name(event.action)}")
    return "\n".join(lines)
