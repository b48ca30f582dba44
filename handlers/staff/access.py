"""Who may act where: only registered, active staff, only in their staff groups (managers and supervisors
also in the managers' chats and privately); anyone else gets 无权限 and nothing changes."""
from __future__ import annotations

from storage.models import Staff, Ticket

from ..desk import Desk
from ..messages import StaffAction
from ..tickets.routing import manager_chats, staff_chats

NO_PERMISSION = "无权限：只有登记的物业员工可以操作工单。"
NOT_A_STAFF_CHAT = "本群未登记为物业员工群，无法处理工单。"
IGNORE = "ignore"  # ordinary talk in a group is not for the desk: no answer at all
MANAGING_ROLES = ("manager", "supervisor")


def refusal(desk: Desk, action: StaffAction, member: Staff | None) -> str | None:
    """Why this action may not go ahead (IGNORE, or the answer to give), None when it may."""
    if action.kind == "message" and action.replying_to is None and not action.chat_private:
        return IGNORE
    managers_chat = action.chat_id in manager_chats(desk.config)
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


def manages(member: Staff) -> bool:
    """Supervisors and managers may act on any ticket."""
    return member.role in MANAGING_ROLES


def may_work_on(member: Staff, ticket: Ticket) -> bool:
    """The assignee (or a manager) reports progress and sees the phone number."""
    return manages(member) or ticket.assignee_id == member.id


def may_hand_over(member: Staff, ticket: Ticket) -> bool:
    """The assignee (or anyone while nobody holds it, or a manager) may hand a ticket to a colleague."""
    return ticket.assignee_id in (None, member.id) or manages(member)


def actor(member: Staff) -> str:
    """How ticket events name this member of staff."""
    return f"staff:{member.id}:{member.name}"
