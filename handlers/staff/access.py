"""Who may act where: only registered, active staff, only in their staff groups (managers and supervisors
also in the managers' chats and privately), and only on their own groups' tickets; anyone else gets 无权限
and nothing changes.

Two checks, both made from the database when the action arrives, never from what a button says:
`refusal` (may this person act in this chat at all) and `may_act` (may they act on this ticket from here).
"""
from __future__ import annotations

import logging

from storage.models import Staff, Ticket

from ..desk import Desk, Work
from ..estates import scope
from ..messages import StaffAction
from ..tickets.routing import manager_chats, staff_chat_for, staff_chats

log = logging.getLogger(__name__)

NO_PERMISSION = "无权限：只有登记的物业员工可以操作工单。"
NOT_YOUR_GROUP = "无权限：这个工单不属于您所在的员工群，请由负责该工单的员工群处理。"
# Another estate's ticket: says whose it is and whom to ask, and nothing else about it (no code, address,
# resident or content: the estate's name is what the member needs to find the right desk).
OUTSIDE_ESTATE = "该工单属于{estate}，您不在该小区的服务范围内，如需处理请联系主管。"
NOT_A_STAFF_CHAT = "本群未登记为物业员工群，无法处理工单。"
IGNORE = "ignore"  # ordinary talk in a group is not for the desk: no answer at all
MANAGING_ROLES = ("manager", "supervisor")


def refusal(desk: Desk, action: StaffAction, member: Staff | None) -> str | None:
    """Why this action may not go ahead (IGNORE, or the answer to give), None when it may."""
    if action.kind == "message" and action.replying_to is None and not action.chat_private:
        return IGNORE
    managers_chat = action.chat_id in manager_chats(desk)
    if not action.chat_private and not managers_chat and action.chat_id not in staff_chats(desk):
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
    """Supervisors and managers (they act on any ticket within their scope)."""
    return member.role in MANAGING_ROLES


def may_act(desk: Desk, member: Staff, ticket: Ticket, chat_id: int, private: bool) -> bool:
    """THE decision whether `member` may act on (or see) `ticket` from chat `chat_id`.

    Staff: in a group, only on tickets of that group, and only when it is one of their groups; in a
    private chat, only on tickets of their groups (no groups listed: every staff group, as registered).
    Supervisors and managers: any ticket within their scope, from any chat they may use.
    """
    if not scope.serves(desk, member, ticket.estate_id):  # another estate's ticket, whatever the role
        return False
    if manages(member):
        return True  # within their estates (above), any group's ticket
    group = staff_chat_for(desk, ticket)
    if group is None:  # no staff group configured at all: those who serve every group act in private
        return private and not member.groups
    if not private and group != chat_id:
        return False
    return not member.groups or group in member.groups


def allowed(work: Work, action: StaffAction, member: Staff, ticket: Ticket) -> bool:
    """may_act for the chat the action came from; a refusal is logged (who tried what on which ticket)."""
    if may_act(work.desk, member, ticket, action.chat_id, action.chat_private):
        return True
    what = action.button.action if action.button else action.command or action.kind
    log.warning("refused %s on ticket %s by staff %s in chat %s: not their group's or estate's ticket",
                what, ticket.id, member.id, action.chat_id)
    return False


def refused(desk: Desk, member: Staff, ticket: Ticket | None) -> str:
    """The answer to an action `allowed` refused: another estate's ticket is named by its estate only."""
    if ticket is not None and not scope.serves(desk, member, ticket.estate_id):
        return OUTSIDE_ESTATE.format(estate=desk.estate_name(ticket.estate_id))
    return NOT_YOUR_GROUP


def may_work_on(member: Staff, ticket: Ticket) -> bool:
    """The assignee (or a manager) reports progress and sees the phone number."""
    return manages(member) or ticket.assignee_id == member.id


def may_hand_over(member: Staff, ticket: Ticket) -> bool:
    """The assignee (or anyone while nobody holds it, or a manager) may hand a ticket to a colleague."""
    return ticket.assignee_id in (None, member.id) or manages(member)


def actor(member: Staff) -> str:
    """How ticket events name this member of staff."""
    return f"staff:{member.id}:{member.name}"
