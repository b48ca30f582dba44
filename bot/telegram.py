"""The staff channel: Telegram group chats, with python-telegram-bot.

How PTB (async) meets the synchronous rest: Flask and rq stay synchronous. Updates come in through
POST /telegram/webhook or the `wuye telegram` long-polling process; both turn them into a neutral
StaffAction and call handlers.staff synchronously. Everything sent to Telegram goes through the
outbox and one function here, send(), run by rq jobs on a private event loop, behind a rate limiter
kept in Redis so that all processes together respect Telegram's limits.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import threading
import time

# PTB 22 deprecates int seconds in RetryAfter; opt in to the future timedelta now (read at use).
os.environ.setdefault("PTB_TIMEDELTA", "1")

import click
from flask import Blueprint, Response, current_app, request
from flask.cli import with_appcontext
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from handlers.messages import StaffAction

log = logging.getLogger(__name__)
blueprint = Blueprint("telegram", __name__)

MAX_UPDATE_BYTES = 1 << 20


class TransportError(Exception):
    """Telegram could not be reached or refused for a reason worth retrying."""


class RateLimited(Exception):
    """Wait this many seconds before sending (our limiter or Telegram's 429)."""

    def __init__(self, seconds: float):
        super().__init__(f"rate limited for {seconds:.1f} s")
        self.seconds = seconds


# --- sending -----------------------------------------------------------------------------------

class Sender:
    """One PTB Bot on a private event loop thread; call it from any thread."""

    def __init__(self, token: str, base_url: str):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="telegram-sender", daemon=True)
        self._thread.start()
        request_ = HTTPXRequest(connection_pool_size=8, connect_timeout=5, read_timeout=15, write_timeout=15)
        self.bot = Bot(token, base_url=base_url, request=request_)
        self._run(self.bot.initialize())

    def _run(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def call(self, method: str, **kwargs):
        """Call a Bot method; maps PTB's errors to RateLimited / TransportError / BadRequest."""
        try:
            return self._run(getattr(self.bot, method)(**kwargs))
        except RetryAfter as exc:
            raise RateLimited(_seconds(exc.retry_after)) from None
        except BadRequest:
            raise
        except (Forbidden, InvalidToken) as exc:
            raise TransportError(f"Telegram refused: {exc}") from None
        except (TelegramError, TimeoutError, OSError) as exc:
            raise TransportError(f"Telegram unreachable: {exc.__class__.__name__}: {exc}") from None

    def close(self) -> None:
        """Shut the bot and the loop down."""
        try:
            self._run(self.bot.shutdown(), timeout=5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)


def _seconds(value) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def markup(buttons) -> InlineKeyboardMarkup | None:
    """Neutral rows of (label, data) as an inline keyboard."""
    rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in buttons or ()]
    return InlineKeyboardMarkup(rows) if rows else None


# GCRA rate limit in one atomic Redis step: returns 0 when a send may go now, else the wait in ms.
_GCRA = """
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if tat < now then tat = now end
local allow_at = tat - burst
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now + burst + 1000))
return 0
"""


class RateLimiter:
    """Telegram's limits for all processes together: about 30 messages a second overall and
    20 a minute into one group (we stay a little below both; settings)."""

    def __init__(self, redis, per_second: int, group_per_minute: int):
        self._script = redis.register_script(_GCRA)
        self.per_second, self.group_per_minute = per_second, group_per_minute

    def wait(self, chat_id: int | None) -> float:
        """Seconds to wait before one more message to chat_id may go (0: go now, slot taken)."""
        now = int(time.time() * 1000)
        if chat_id is not None and int(chat_id) < 0:
            interval = 60000 // self.group_per_minute
            wait = self._script(keys=[f"wuye:tg-rate:chat:{chat_id}"], args=[now, interval, interval * 4])
            if wait:
                return wait / 1000
        interval = 1000 // self.per_second
        wait = self._script(keys=["wuye:tg-rate:all"], args=[now, interval, interval * 5])
        return wait / 1000


# --- receiving ----------------------------------------------------------------------------------

def to_action(data: dict, bot_username: str | None = None) -> StaffAction | None:
    """The neutral staff action in a Telegram update (None for updates the desk does not use)."""
    update = Update.de_json(data, None)
    if update is None:
        return None
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None or query.from_user is None:
            return None
        return StaffAction(kind="button", update_id=update.update_id, chat_id=message.chat.id,
                           chat_private=message.chat.type == "private", user_id=query.from_user.id,
                           user_name=query.from_user.full_name, data=query.data or "", callback_id=query.id,
                           message_id=message.message_id)
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
    return StaffAction(kind="command" if command else "message", update_id=update.update_id,
                       chat_id=message.chat.id, chat_private=message.chat.type == "private",
                       user_id=message.from_user.id, user_name=message.from_user.full_name, text=text,
                       command=command, args=args.strip(), message_id=message.message_id,
                       reply_to_message_id=message.reply_to_message.message_id if message.reply_to_message else None)


@blueprint.post("/telegram/webhook")
def webhook():
    """Updates pushed by Telegram; checked against TELEGRAM_WEBHOOK_SECRET in constant time."""
    from handlers import staff

    secret = current_app.config["TELEGRAM_WEBHOOK_SECRET"]
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("telegram webhook: refused an update with %s secret from %s",
                    "no" if not given else "a wrong", request.remote_addr)
        return Response("forbidden", status=403, mimetype="text/plain")
    if (request.content_length or 0) > MAX_UPDATE_BYTES:
        return Response("too large", status=413, mimetype="text/plain")
    try:
        data = json.loads(request.get_data(cache=False) or b"null")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
        action = to_action(data)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("telegram webhook: bad update: %s", exc)
        return Response("bad request", status=400, mimetype="text/plain")
    desk = current_app.extensions["wuye"]
    if action is None:
        staff.record_unused_update(desk, data["update_id"])
    else:
        staff.handle(desk, action)
    return Response("ok", mimetype="text/plain")


@click.command("telegram")
@with_appcontext
def polling_command() -> None:
    """Run the staff bot with long polling (instead of the webhook)."""
    from telegram.ext import Application, TypeHandler

    from handlers import staff

    desk = current_app.extensions["wuye"]
    config = desk.config
    if not config["TELEGRAM_BOT_TOKEN"]:
        raise click.ClickException("TELEGRAM_BOT_TOKEN: required for `wuye telegram`")

    async def on_update(update: Update, context) -> None:
        action = to_action(update.to_dict(), context.bot.username)
        if action is None:
            await asyncio.to_thread(staff.record_unused_update, desk, update.update_id)
        else:
            await asyncio.to_thread(staff.handle, desk, action)

    application = (Application.builder().token(config["TELEGRAM_BOT_TOKEN"]).base_url(config["TELEGRAM_BASE_URL"])
                   .build())
    application.add_handler(TypeHandler(Update, on_update))
    click.echo("polling Telegram for staff updates (Ctrl-C to stop)")
    application.run_polling(allowed_updates=["message", "callback_query"])
