"""A staff group that Telegram moved to a new id (upgraded to a supergroup): the row is sent to the new
id at once, the move is remembered for the group's routes, cards and members, and managers are told
to update the configuration (which cannot be rewritten from here).

The desk learns a move either way Telegram tells it: the service message in the old group
(migrate_to_chat_id, through handlers.staff.dispatch) or a 400 with migrate_to_chat_id when it sends.
"""
from __future__ import annotations

import logging

from storage import queries
from storage.models import OutboxMessage

from ..desk import Work
from ..outbox import STAFF, to_staff
from ..tickets.routing import current_chat, follow_moves, manager_chats

log = logging.getLogger(__name__)


def follow(work: Work, row: OutboxMessage) -> None:
    """Point a staff row at its chat's current id (the move may have been learnt by another process)."""
    if row.channel == STAFF and row.kind != "answer" and _is_chat_id(row.recipient):
        if follow_moves(work):
            row.recipient = str(current_chat(work.desk.config, int(row.recipient)))


def record(work: Work, row: OutboxMessage, new_chat: int) -> None:
    """Telegram said the row's chat moved: remember it everywhere, tell the managers once, re-point the row."""
    remember(work, int(row.recipient), new_chat)
    row.recipient = str(new_chat)


def remember(work: Work, old_chat: int, new_chat: int) -> None:
    """Keep a move (tickets' cards, members' groups and waiting messages follow it) and tell the managers'
    chats (else the new group) once, naming both ids, so that the configuration can be brought in line."""
    log.warning("telegram: chat %s moved to %s (upgraded to a supergroup); following it", old_chat, new_chat)
    first = queries.record_chat_move(work.session, old_chat, new_chat, work.now)
    follow_moves(work)
    text = (f"⚠️ 员工群（原 ID {old_chat}）已升级为超级群，Telegram 给了它新的 ID {new_chat}。"
            f"系统已自动改用新 ID，工单卡片和员工所在群组已随之更新。"
            f"请管理员把配置中的 {old_chat} 改为 {new_chat}"
            f"（TELEGRAM_STAFF_CHAT_ID、TELEGRAM_GROUP_ROUTES、TELEGRAM_MANAGER_CHAT_IDS 或小区设置），让配置与实际一致。")
    if first and queries.record_alert(work.session, f"chat-moved:{old_chat}", ticket_id=None, staff_id=None,
                                      reason="chat_moved", level=1, text=text, created_at=work.now):
        for chat in manager_chats(work.desk) or [new_chat]:
            to_staff(work, chat, text)


def _is_chat_id(recipient: str) -> bool:
    return recipient.lstrip("-").isdigit()
