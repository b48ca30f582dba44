"""One python-telegram-bot Bot per process, on a private event loop thread, callable from sync code."""
from __future__ import annotations

import asyncio
import os
import threading

# PTB 22 deprecates int seconds in RetryAfter; opt in to the future timedelta now (read at use).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot  # noqa: E402  (after the setting above)
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

__all__ = ["BadRequest", "RateLimited", "Sender", "TransportError", "sender_for"]


class TransportError(Exception):
    """Telegram could not be reached or refused for a reason worth retrying; `maybe_sent` when the
    request went out and only its answer was lost (a timeout), so it may have arrived."""

    def __init__(self, message: str, maybe_sent: bool = False):
        super().__init__(message)
        self.maybe_sent = maybe_sent


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
            raise TransportError(f"Telegram unreachable: {exc.__class__.__name__}: {exc}",
                                 maybe_sent=isinstance(exc, (TimedOut, TimeoutError))) from None

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
