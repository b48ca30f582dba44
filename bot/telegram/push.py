"""Build updates the way Telegram's servers send them to POST /telegram/webhook.

Used by `wuye demo` to play staff pressing buttons and writing commands against a running service,
so the demo goes through the same webhook, decoding and permission checks as real updates.
"""
from __future__ import annotations

import itertools
import time

from handlers.notices import Button

from .buttons import encode

_updates = itertools.count(int(time.time() * 1000) % 10**9 * 100)
_messages = itertools.count(1)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _chat(chat_id: int) -> dict:
    if chat_id > 0:
        return {"id": chat_id, "type": "private"}
    return {"id": chat_id, "type": "supergroup", "title": "物业员工群"}


def _user(user_id: int, name: str) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}


def message(chat_id: int, user_id: int, name: str, text: str) -> dict:
    """A text message (a command when it starts with /) from user_id in chat_id (positive: private)."""
    body = {"message_id": next(_messages), "from": _user(user_id, name), "chat": _chat(chat_id),
            "date": int(time.time()), "text": text}
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_updates), "message": body}


def press(chat_id: int, user_id: int, name: str, button: Button, card_message_id: int | None = None) -> dict:
    """A press on a button of the bot's message (a ticket's card) in chat_id."""
    card = {"message_id": card_message_id or next(_messages), "chat": _chat(chat_id), "date": int(time.time()),
            "from": {"id": 1, "is_bot": True, "first_name": "物业服务台"}, "text": "工单"}
    query = {"id": str(next(_updates)), "from": _user(user_id, name), "chat_instance": str(chat_id),
             "message": card, "data": encode(button)}
    return {"update_id": next(_updates), "callback_query": query}
