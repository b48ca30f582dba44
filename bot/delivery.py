"""Delivering outbox rows: the rq job behind every message the desk sends later.

One job per row (job id outbox-<id>). The row is locked while it is sent and marked sent right
after, so two workers never send it twice and a re-run finds it done. Failures are told apart:
- WeChat token invalid or expired: refreshed once inside bot.wechat_api;
- WeChat 45015 (the resident has not written for 48 hours): a template message when
  WECHAT_TEMPLATE_ID is set, otherwise a "phone the resident" task and a notice to the staff group;
- Telegram or WeChat down, rate limited, or another error: tried again after
  DELIVERY_RETRY_SECONDS; after the last try the row is marked failed and the staff group is told.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from handlers import jobs, outbox
from handlers.cards import render
from handlers.desk import Desk, Work
from handlers.routing import staff_chat_for
from storage.models import OutboxMessage, Ticket
from storage import queries

from . import telegram, wechat_api

log = logging.getLogger(__name__)

_senders: dict[tuple[str, str], telegram.Sender] = {}
_limiters: dict[int, telegram.RateLimiter] = {}


def telegram_sender(config: dict) -> telegram.Sender | None:
    """The process's Telegram sender (None when no bot token is configured)."""
    if not config["TELEGRAM_BOT_TOKEN"]:
        return None
    key = (config["TELEGRAM_BOT_TOKEN"], config["TELEGRAM_BASE_URL"])
    if key not in _senders:
        _senders[key] = telegram.Sender(*key)
    return _senders[key]


def _limiter(desk) -> telegram.RateLimiter:
    connection = desk.jobs.connection
    if id(connection) not in _limiters:
        _limiters[id(connection)] = telegram.RateLimiter(connection, desk.config["TELEGRAM_RATE_PER_SECOND"],
                                                         desk.config["TELEGRAM_GROUP_RATE_PER_MINUTE"])
    return _limiters[id(connection)]


class Retry(Exception):
    """Try this row again later (after `seconds` when given, else the next configured wait)."""

    def __init__(self, reason: str, seconds: float | None = None):
        super().__init__(reason)
        self.seconds = seconds


@jobs.job(jobs.DELIVER)
def deliver(desk: Desk, outbox_id: int) -> str:
    """Send one outbox row (the rq job). Returns what happened, for the job result."""
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        if row is None or row.status not in ("pending",):
            return f"nothing to do ({row.status if row else 'no such row'})"
        row.attempts += 1
        try:
            outcome = _send(work, row)
        except Retry as retry:
            outcome = _later(work, row, retry)
        except Exception as exc:  # a bug or an unexpected answer: keep the row, try again later
            log.exception("delivering outbox %s failed", outbox_id)
            outcome = _later(work, row, Retry(f"{exc.__class__.__name__}: {exc}"))
    return outcome


def _later(work: Work, row: OutboxMessage, retry: Retry) -> str:
    waits = work.desk.config["DELIVERY_RETRY_SECONDS"]
    row.last_error = str(retry)[:500]
    if retry.seconds is None and row.attempts > len(waits):
        row.status = "failed"
        log.error("outbox %s (%s %s) failed for good: %s", row.id, row.channel, row.kind, retry)
        _tell_staff_failed(work, row)
        return "failed"
    seconds = retry.seconds if retry.seconds is not None else waits[min(row.attempts, len(waits)) - 1]
    if retry.seconds is not None:
        row.attempts -= 1  # waiting for a rate limit is not a failed attempt
    log.info("outbox %s: %s; again in %.0f s", row.id, retry, seconds)
    work.desk.jobs.enqueue(jobs.DELIVER, row.id, job_id=f"{outbox.job_id(row.id)}-{row.attempts}",
                           at=work.now + timedelta(seconds=seconds), retries=0)
    return f"retry in {seconds:.0f} s"


def _send(work: Work, row: OutboxMessage) -> str:
    if row.channel == "wechat":
        return _send_wechat(work, row)
    if row.channel == "telegram":
        return _send_telegram(work, row)
    raise ValueError(f"unknown channel {row.channel}")


# --- WeChat -----------------------------------------------------------------------------------

def _send_wechat(work: Work, row: OutboxMessage) -> str:
    desk = work.desk
    client = wechat_api.client_for(desk.config, desk.jobs.connection)
    if client is None:
        raise Retry("WECHAT_APP_ID / WECHAT_APP_SECRET not configured")
    content = row.payload["content"]
    try:
        if row.kind == "template":
            wechat_api.send_template(client, row.recipient, row.payload["template_id"], row.payload["data"])
        else:
            wechat_api.send_text(client, row.recipient, content)
    except wechat_api.WeChatClientException as exc:
        if exc.errcode in wechat_api.OUT_OF_WINDOW and row.kind != "template":
            return _outside_window(work, row)
        raise Retry(f"WeChat errcode {exc.errcode}: {exc.errmsg}") from None
    except OSError as exc:  # requests' connection errors are OSErrors
        raise Retry(f"WeChat unreachable: {exc.__class__.__name__}") from None
    _mark_sent(work, row)
    notify = row.payload.get("notify")
    if notify:
        stamp = desk.local(work.now).strftime("%H:%M")
        outbox.telegram_text(work, notify["chat_id"], f"✅ 已送达住户（{stamp}）", ticket_id=row.ticket_id,
                             reply_to=notify.get("reply_to"))
    if row.ticket_id:
        ticket = queries.ticket(work.session, row.ticket_id)
        queries.add_event(work.session, ticket, "system", "delivered", work.now,
                          {"outbox": row.id, "channel": "wechat", "kind": row.kind})
    return "sent"


def _outside_window(work: Work, row: OutboxMessage) -> str:
    """WeChat 45015: more than 48 hours since the resident last wrote."""
    desk = work.desk
    template = desk.config["WECHAT_TEMPLATE_ID"]
    ticket = queries.ticket(work.session, row.ticket_id)
    if template:
        data = {"first": {"value": "您好，物业服务中心给您留言："}, "keyword1": {"value": ticket.code if ticket else ""},
                "keyword2": {"value": row.payload["content"][:180]},
                "remark": {"value": "如有疑问，请回复公众号或拨打24小时值班电话。"}}
        outbox.post(work, channel="wechat", kind="template", recipient=row.recipient, ticket_id=row.ticket_id,
                    payload={"content": row.payload["content"], "template_id": template, "data": data,
                             "notify": row.payload.get("notify")}, actor="system")
        row.status, row.last_error = "fallback", "45015: sent as a template message"
        return "fallback to template"
    row.status, row.last_error = "fallback", "45015: phone task created"
    survey = row.payload.get("purpose") == "survey"
    if ticket is not None:
        if survey:
            ticket.followup_status = "phone"  # 电话回访 instead of the WeChat survey
        queries.add_phone_task(work.session, ticket.id, "followup_call" if survey else "outside_48h",
                               row.payload["content"], work.now)
        queries.add_event(work.session, ticket, "system", "phone_task", work.now,
                          {"reason": "WeChat 48-hour window closed", "message": row.payload["content"]})
        chat = staff_chat_for(desk.config, ticket)
        if chat:
            notify = row.payload.get("notify") or {}
            what = "回访" if survey else "回复"
            outbox.telegram_text(work, chat, f"📞 住户超过48小时未在公众号留言，微信无法送达工单 {ticket.code} 的{what}，"
                                             f"已生成电话联系任务，请尽快电话联系住户。", ticket_id=ticket.id,
                                 reply_to=notify.get("reply_to"))
    return "phone task"


# --- Telegram ---------------------------------------------------------------------------------

def _send_telegram(work: Work, row: OutboxMessage) -> str:
    desk = work.desk
    sender = telegram_sender(desk.config)
    if sender is None:
        row.status, row.last_error = "skipped", "TELEGRAM_BOT_TOKEN not configured"
        return "skipped"
    chat_id = None if row.kind == "callback" else int(row.recipient)
    wait = _limiter(desk).wait(chat_id)
    if wait > 0:
        raise Retry("rate limit", seconds=wait)
    try:
        if row.kind == "callback":
            sender.call("answer_callback_query", callback_query_id=row.payload["callback_id"],
                        text=row.payload["text"], show_alert=row.payload.get("alert", False))
        elif row.kind == "card":
            _send_card(work, sender, row, chat_id)
        else:
            message = sender.call("send_message", chat_id=chat_id, text=row.payload["text"],
                                  reply_markup=telegram.markup(row.payload.get("buttons")),
                                  reply_to_message_id=row.payload.get("reply_to"),
                                  allow_sending_without_reply=True)
            row.payload = {**row.payload, "message_id": message.message_id}
    except telegram.RateLimited as exc:
        raise Retry("Telegram asked to slow down", seconds=exc.seconds) from None
    except telegram.TransportError as exc:
        raise Retry(str(exc)) from None
    except telegram.BadRequest as exc:
        if row.kind == "callback":  # too old to answer: nobody is waiting for it any more
            row.status, row.last_error = "expired", str(exc)
            return "expired"
        if "not modified" not in str(exc).lower():
            raise Retry(f"Telegram refused: {exc}") from None
    _mark_sent(work, row)
    return "sent"


def _send_card(work: Work, sender: telegram.Sender, row: OutboxMessage, chat_id: int) -> None:
    """Post the ticket's card, or edit it in place, from the ticket's state right now."""
    ticket = queries.ticket(work.session, row.ticket_id, lock=True)
    card = render(work.desk, ticket)
    if ticket.card_message_id and ticket.staff_chat_id == chat_id:
        try:
            sender.call("edit_message_text", chat_id=chat_id, message_id=ticket.card_message_id, text=card.text,
                        reply_markup=telegram.markup(card.buttons))
            return
        except telegram.BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            if "not found" not in str(exc).lower():
                raise
            # the card was deleted in the group: post it again below
    message = sender.call("send_message", chat_id=chat_id, text=card.text, reply_markup=telegram.markup(card.buttons))
    ticket.staff_chat_id, ticket.card_message_id = chat_id, message.message_id


def _mark_sent(work: Work, row: OutboxMessage) -> None:
    row.status, row.sent_at, row.last_error = "sent", work.now, None


def _tell_staff_failed(work: Work, row: OutboxMessage) -> None:
    if row.channel != "wechat" or not row.ticket_id:
        return
    ticket = queries.ticket(work.session, row.ticket_id)
    queries.add_event(work.session, ticket, "system", "delivery_failed", work.now,
                      {"outbox": row.id, "error": row.last_error})
    chat = staff_chat_for(work.desk.config, ticket)
    if chat:
        notify = row.payload.get("notify") or {}
        outbox.telegram_text(work, chat, f"❌ 工单 {ticket.code} 的回复多次发送失败（{row.last_error}），"
                                         f"请电话联系住户。", ticket_id=ticket.id, reply_to=notify.get("reply_to"))


def requeue_pending(desk, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Queue again every pending row whose job was lost (Redis flushed or restarted). Idempotent:
    a row that is sent meanwhile is skipped by deliver()."""
    count = 0
    with desk.work() as work:
        for outbox_id in queries.pending_outbox(work.session, work.now - older_than):
            desk.jobs.enqueue(jobs.DELIVER, outbox_id, job_id=outbox.job_id(outbox_id), retries=0)
            count += 1
    return count
