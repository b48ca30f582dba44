"""Telegram updates (JSON) as neutral staff actions.

The shape is checked before python-telegram-bot reads it (PTB trusts the types it is given): an update
the desk could not store or answer (ids that are not whole numbers within 64 bits, a message that is not
an object) raises BadUpdate, which the webhook answers with 400.
"""
from __future__ import annotations

from telegram import Update

from handlers.messages import StaffAction

from .buttons import decode

USED = ("message", "edited_message", "callback_query")
INT64 = 1 << 63


class BadUpdate(ValueError):
    """Not an update the desk can read."""


def to_action(data, bot_username: str | None = None) -> StaffAction | None:
    """The neutral staff action in a Telegram update (None for updates the desk does not use)."""
    update = _parsed(data)
    if update.callback_query is not None:
        return _pressed(update)
    message = update.message or update.edited_message
    if message is not None and message.migrate_to_chat_id:  # the group became a supergroup: a new id
        return StaffAction(kind="moved", update_id=update.update_id, chat_id=message.chat.id, chat_private=False,
                           user_id=message.from_user.id if message.from_user else 0, user_name="",
                           moved_to=message.migrate_to_chat_id)
    if message is None or message.from_user is None or not message.text:
        return None
    text = message.text.strip()
    command, args = None, ""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        command, _, target = head[1:].partition("@")
        # a command for another bot in the same group; when our name is unknown, none addressed by name
        if target and (not bot_username or target.lower() != bot_username.lower()):
            return None
        command = command.lower()
    replied = message.reply_to_message
    return StaffAction(kind="command" if command else "message", update_id=update.update_id,
                       chat_id=message.chat.id, chat_private=message.chat.type == "private",
                       user_id=message.from_user.id, user_name=message.from_user.full_name, text=text,
                       command=command, args=args.strip(), message=message.message_id,
                       replying_to=replied.message_id if replied else None,
                       edited=update.message is None)


def _parsed(data) -> Update:
    """The parts of an update the desk uses, checked, as PTB's Update."""
    if not isinstance(data, dict) or not _whole(data.get("update_id"), low=0):
        raise BadUpdate("not an update (update_id missing or not a whole number)")
    used = {name: data[name] for name in USED if data.get(name) is not None}
    for name, part in used.items():
        problem = _callback_problem(part) if name == "callback_query" else _message_problem(part)
        if problem:
            raise BadUpdate(f"{name}: {problem}")
    try:
        return Update.de_json({"update_id": data["update_id"], **used}, None)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise BadUpdate(f"{exc.__class__.__name__}: {exc}") from None


def _whole(value, low: int = -INT64) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < INT64


def _message_problem(message) -> str | None:
    if not isinstance(message, dict):
        return "not an object"
    chat, sender, reply = message.get("chat"), message.get("from"), message.get("reply_to_message")
    if not _whole(message.get("message_id")) or not isinstance(chat, dict) or not _whole(chat.get("id")):
        return "message_id or chat.id missing or not a whole number"
    if not isinstance(chat.get("type"), str):
        return "chat.type is not text"
    if sender is not None and (not isinstance(sender, dict) or not _whole(sender.get("id"))):
        return "from.id is not a whole number"
    if message.get("migrate_to_chat_id") is not None and not _whole(message["migrate_to_chat_id"]):
        return "migrate_to_chat_id is not a whole number"
    if message.get("text") is not None and not isinstance(message["text"], str):
        return "text is not text"
    if reply is not None and (not isinstance(reply, dict) or not _whole(reply.get("message_id"))):
        return "reply_to_message without a message_id"
    return None


def _callback_problem(query) -> str | None:
    if not isinstance(query, dict) or not isinstance(query.get("id"), str):
        return "not an object with an id"
    sender, message = query.get("from"), query.get("message")
    if not isinstance(sender, dict) or not _whole(sender.get("id")):
        return "from.id is not a whole number"
    if query.get("data") is not None and not isinstance(query["data"], str):
        return "data is not text"
    return _message_problem(message) if message is not None else None


def _pressed(update: Update) -> StaffAction | None:
    query = update.callback_query
    message = query.message
    if message is None or query.from_user is None:
        return None
    return StaffAction(kind="button", update_id=update.update_id, chat_id=message.chat.id,
                       chat_private=message.chat.type == "private", user_id=query.from_user.id,
                       user_name=query.from_user.full_name, button=decode(query.data or ""), press=query.id,
                       message=message.message_id)
