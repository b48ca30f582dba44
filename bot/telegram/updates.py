"""Telegram updates (JSON) as neutral staff actions."""
from __future__ import annotations

from telegram import Update

from handlers.messages import StaffAction

from .buttons import decode


def to_action(data: dict, bot_username: str | None = None) -> StaffAction | None:
    """The neutral staff action in a Telegram update (None for updates the desk does not use)."""
    update = Update.de_json(data, None)
    if update is None:
        return None
    if update.callback_query is not None:
        return _pressed(update)
    message = update.message or update.edited_message
    if message is None or message.from_user is None or not message.text:
        return None
    text = message.text.strip()
    command, args = None, ""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        command, _, target = head[1:].partition("@")
        if target and bot_username and target.lower() != bot_username.lower():
            return None  # a command for another bot in the same group
        command = command.lower()
    replied = message.reply_to_message
    return StaffAction(kind="command" if command else "message", update_id=update.update_id,
                       chat_id=message.chat.id, chat_private=message.chat.type == "private",
                       user_id=message.from_user.id, user_name=message.from_user.full_name, text=text,
                       command=command, args=args.strip(), message=message.message_id,
                       replying_to=replied.message_id if replied else None)


def _pressed(update: Update) -> StaffAction | None:
    query = update.callback_query
    message = query.message
    if message is None or query.from_user is None:
        return None
    return StaffAction(kind="button", update_id=update.update_id, chat_id=message.chat.id,
                       chat_private=message.chat.type == "private", user_id=query.from_user.id,
                       user_name=query.from_user.full_name, button=decode(query.data or ""), press=query.id,
                       message=message.message_id)
