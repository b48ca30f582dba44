"""通过 / 不通过 under a resident's house binding request (房屋认证), pressed in the estate's staff group.

The button's data is never trusted: the request is read (and locked) from the database, and only a
member of the group the request was posted to (or a supervisor or manager) may decide it. Of two
presses at once exactly one decides; the other is told who did.
"""
from __future__ import annotations

from storage import bindings
from storage.models import Staff

from .. import outbox
from ..bindings import service, words
from ..desk import Work
from ..messages import StaffAction
from ..notices import BIND_APPROVE, Button
from .access import actor, manages


def press(work: Work, action: StaffAction, member: Staff, button: Button) -> None:
    """Approve or refuse the request the button names, if this member may."""
    row = bindings.binding(work.session, button.target, lock=True)
    if row is None:
        outbox.answer(work, action, "找不到这个申请。")
        return
    in_its_group = action.chat_id == row.request_chat_id and (not member.groups or action.chat_id in member.groups)
    if not (in_its_group or manages(member)):
        outbox.answer(work, action, "无权限：只有本小区物业员工群的同事可以处理这个申请。", alert=True)
        return
    if row.state != "pending":
        outcome = words.STATE_NAMES.get(row.state, row.state)
        outbox.answer(work, action, f"该申请已处理（{outcome}，{_who(row.decided_by)}）。", alert=True)
        return
    approve = button.action == BIND_APPROVE
    service.decide(work, row.id, approve, actor(member))
    outbox.answer(work, action, "已通过，已通知住户。" if approve else "已记录为不通过，已礼貌告知住户。")
    outbox.to_staff(work, action.chat_id, words.decided_note(row.id, approve, member.name),
                    reply_to=action.message, actor=actor(member))


def _who(decided_by: str | None) -> str:
    """staff:3:张师傅 → 张师傅."""
    return (decided_by or "").rsplit(":", 1)[-1] or "系统"
