"""The one entry point for what staff do in their chats: exactly once per update, permission first.

Works on neutral StaffAction values (bot/telegram builds them) and answers through the outbox. Every
change of a ticket is a ticket event naming the member of staff.
"""
from __future__ import annotations

import logging

from storage import queries

from .. import outbox
from ..desk import Desk, Work
from ..messages import StaffAction
from ..delivery import moves
from ..tickets.routing import follow_moves, manager_chats, staff_chats
from . import access, actions, commands, relay

log = logging.getLogger(__name__)


def handle(desk: Desk, action: StaffAction) -> None:
    """Handle one staff action (exactly once per update id)."""
    with desk.work() as work:
        if not queries.first_staff_update(work.session, action.update_id, work.now):
            log.info("staff update %s seen before, ignored", action.update_id)
            return
        if action.kind == "moved":
            _moved(work, action)
            return
        follow_moves(work)  # a group that became a supergroup acts under its new id
        member = queries.member(work.session, action.user_id)
        problem = access.refusal(desk, action, member)
        if problem:
            _refuse(work, action, problem)
        elif action.edited:
            _edited(work, action)
        elif action.kind == "button":
            actions.press(work, action, member)
        elif action.kind == "command":
            commands.run(work, action, member)
        else:
            _message(work, action, member)


def record_unused_update(desk: Desk, update_id: int) -> None:
    """Remember an update the desk does not use, so a redelivery is recognised too."""
    with desk.work() as work:
        queries.first_staff_update(work.session, update_id, work.now)


def _message(work: Work, action: StaffAction, member) -> None:
    """A reply to a ticket's card goes to its resident; in a private chat anything else gets the help."""
    ticket = None
    if action.replying_to is not None:
        ticket = queries.ticket_by_card(work.session, action.chat_id, action.replying_to)
    if ticket is not None and not access.allowed(work, action, member, ticket):
        outbox.to_staff(work, action.chat_id, access.refused(work.desk, member, ticket), reply_to=action.message)
    elif ticket is not None:
        relay.relay(work, action, member, ticket, action.text)
    elif action.chat_private:
        outbox.to_staff(work, action.chat_id, commands.HELP, reply_to=action.message)


EDITS_NOT_RELAYED = ("修改后的消息不会再次处理，也不会发给住户（住户已收到修改前的内容）。"
                     "如需更正，请重新回复工单卡片，或发送 /reply 工单号 更正内容。")


def _edited(work: Work, action: StaffAction) -> None:
    """An edit is never relayed or run a second time (the resident already has the first version and a
    silent second copy would confuse them): a reply to a card or a command gets told so; chat is left alone."""
    to_card = action.replying_to is not None and \
        queries.ticket_by_card(work.session, action.chat_id, action.replying_to) is not None
    if action.kind == "command" or to_card:
        outbox.to_staff(work, action.chat_id, EDITS_NOT_RELAYED, reply_to=action.message)


def _moved(work: Work, action: StaffAction) -> None:
    """Telegram's service message in a group that became a supergroup: follow a staff or managers' chat."""
    if action.chat_id in staff_chats(work.desk) | set(manager_chats(work.desk)):
        moves.remember(work, action.chat_id, action.moved_to)
    else:
        log.info("chat %s moved to %s: not a staff chat, nothing to follow", action.chat_id, action.moved_to)


def _refuse(work: Work, action: StaffAction, problem: str) -> None:
    if problem == access.IGNORE:
        return
    log.info("refused %s from %s in %s: %s", action.kind, action.user_id, action.chat_id, problem)
    if action.kind == "button":
        outbox.answer(work, action, problem, alert=True)
    elif action.kind == "command" or action.replying_to:
        outbox.to_staff(work, action.chat_id, problem, reply_to=action.message)
