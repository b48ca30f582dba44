"""One python-telegram-bot Bot per process, on a private event loop thread, callable from sync code."""
from __future__ import annotations

import asyncio
import logging
import os
import threading
import time

# PTB 22 deprecates int seconds in RetryAfter; opt in to the future timedelta now (read at use).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot  # noqa: E402  (after the setting above)
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter,  # noqa: E402
                            TelegramError)
from telegram.request import HTTPXRequest  # noqa: E402

__all__ = ["BadRequest", "ChatMoved", "RateLimited", "Sender", "TransportError", "bot_username", "sender_for"]
log = logging.getLogger(__name__)


class TransportError(Exception):
    """Telegram could not be reached or refused for a reason worth retrying."""


class ChatMoved(Exception):
    """The chat has a new id (Telegram's 400 with migrate_to_chat_id: a group became a supergroup)."""

    def __init__(self, new_chat_id: int):
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class RateLimited(Exception):
    """Wait this many seconds before sending (Telegram's 429)."""

    def __init__(self, seconds: float):
        super().__init__(f"rate limited for {seconds:.1f} s")
        self.seconds = seconds


class Sender:
    """One PTB Bot on a private event loop thread; call it from any thread."""

    def __init__(self, token: str, base_url: str):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="telegram-sender", daemon=True)
        self._thread.start()
        request_ = HTTPXRequest(connection_pool_size=8, connect_timeout=5, read_timeout=15, write_timeout=15)
        self.bot = Bot(token, base_url=base_url, request=request_)
        try:
            self._run(self.bot.initialize())
        except BaseException:  # Telegram unreachable or the token refused: do not leave the loop thread behind
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise

    def _run(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def call(self, method: str, **kwargs):
        """Call a Bot method; maps PTB's errors to RateLimited / TransportError / BadRequest."""
        try:
            return self._run(getattr(self.bot, method)(**kwargs))
        except RetryAfter as exc:
            raise RateLimited(_seconds(exc.retry_after)) from None
        except ChatMigrated as exc:
            raise ChatMoved(int(exc.new_chat_id)) from None
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


_senders: dict[tuple[str, str], Sender] = {}


def sender_for(token: str, base_url: str) -> Sender:
    """The process's sender for a bot token (made on first use: it starts a thread and asks Telegram getMe)."""
    key = (token, base_url)
    if key not in _senders:
        _senders[key] = Sender(token, base_url)
    return _senders[key]


def bot_username(config: dict) -> str | None:
    """The bot's @username, to tell commands for it from commands for other bots in a group:
    TELEGRAM_BOT_USERNAME, else asked of Telegram once per process (getMe); None when unknown."""
    if config.get("TELEGRAM_BOT_USERNAME"):
        return config["TELEGRAM_BOT_USERNAME"].lstrip("@")
    if not config.get("TELEGRAM_BOT_TOKEN") or time.monotonic() < _username_retry_at[0]:
        return None
    try:
        return sender_for(config["TELEGRAM_BOT_TOKEN"], config["TELEGRAM_BASE_URL"]).bot.username
    except Exception as exc:  # Telegram unreachable: commands addressed by name are not ours until it answers
        log.warning("telegram: cannot learn the bot's username (asking again in a minute): %s", exc)
        _username_retry_at[0] = time.monotonic() + 60  # not one getMe per webhook request meanwhile
        return None


_username_retry_at = [0.0]
