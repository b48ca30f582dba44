"""Sending neutral notices to Telegram: post, edit a card in place, answer a button press."""
from __future__ import annotations

from handlers.notices import Failed, Moved, Notice, Outcome, Retry, Sent

from .buttons import markup
from .client import BadRequest, ChatMoved, RateLimited, Sender, TransportError, sender_for
from .ratelimit import RateLimiter


class TelegramChannel:
    """The staff channel's send(notice) -> Outcome for outbox rows; app.py hands it to the desk."""

    def __init__(self, config: dict, redis):
        self.config, self.redis = config, redis
        self._limiter: RateLimiter | None = None

    def send(self, notice: Notice) -> Outcome:
        """Send one notice, respecting the rate limits of all processes together."""
        if not self.config["TELEGRAM_BOT_TOKEN"]:
            return Failed("TELEGRAM_BOT_TOKEN not configured", status="skipped")
        sender = sender_for(self.config["TELEGRAM_BOT_TOKEN"], self.config["TELEGRAM_BASE_URL"])
        chat_id = None if notice.kind == "answer" else int(notice.to)
        wait = self.limiter.wait(chat_id)
        if wait > 0:
            return Retry("rate limit", after_seconds=wait)
        try:
            return _send(sender, chat_id, notice)
        except RateLimited as exc:
            return Retry("Telegram asked to slow down", after_seconds=exc.seconds)
        except ChatMoved as exc:  # the desk records the new id and sends there
            return Moved(exc.new_chat_id)
        except TransportError as exc:
            return Retry(str(exc))
        except BadRequest as exc:
            if notice.kind == "answer":  # too old to answer: nobody is waiting for it any more
                return Failed(str(exc), status="expired")
            if "not modified" in str(exc).lower():
                return Sent(notice.replaces)
            return Retry(f"Telegram refused: {exc}")

    @property
    def limiter(self) -> RateLimiter:
        """The Redis rate limiter (made on first use)."""
        if self._limiter is None:
            self._limiter = RateLimiter(self.redis, self.config["TELEGRAM_RATE_PER_SECOND"],
                                        self.config["TELEGRAM_GROUP_RATE_PER_MINUTE"])
        return self._limiter


def _send(sender: Sender, chat_id: int | None, notice: Notice) -> Outcome:
    if notice.kind == "answer":
        sender.call("answer_callback_query", callback_query_id=notice.to, text=notice.text, show_alert=notice.alert)
        return Sent()
    if notice.replaces is not None:
        return _edit_or_post(sender, chat_id, notice)
    message = sender.call("send_message", chat_id=chat_id, text=notice.text, reply_markup=markup(notice.buttons),
                          reply_to_message_id=notice.reply_to, allow_sending_without_reply=True)
    return Sent(message.message_id)


def _edit_or_post(sender: Sender, chat_id: int, notice: Notice) -> Outcome:
    """Edit a message (a ticket's card) in place; post it afresh when it was deleted in the group."""
    try:
        sender.call("edit_message_text", chat_id=chat_id, message_id=notice.replaces, text=notice.text,
                    reply_markup=markup(notice.buttons))
        return Sent(notice.replaces)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return Sent(notice.replaces)
        if "not found" not in str(exc).lower():
            raise
    message = sender.call("send_message", chat_id=chat_id, text=notice.text, reply_markup=markup(notice.buttons))
    return Sent(message.message_id)
