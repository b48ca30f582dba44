"""What a delivery means, once the channel has answered: the row's state, and for a ticket its events,
the staff told, a template or a phone task when WeChat's 48-hour window has closed.

- Sent: the row is marked sent; a resident's message becomes a "delivered" ticket event and the staff
  member who wrote it sees "✅ 已送达住户".
- Retry: tried again after DELIVERY_RETRY_SECONDS (or the channel's wait, for a rate limit, which is not
  a failed attempt); after the last try the row is marked failed and the staff group is told.
- OutsideWindow (WeChat 45015): a template message when WECHAT_TEMPLATE_ID is set, otherwise a "phone
  the resident" task and a notice to the staff group (a survey becomes a follow-up call, 电话回访).
- Failed: kept with its status (expired, skipped) and reason.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from storage import queries
from storage.models import OutboxMessage

from .. import jobs
from ..desk import Work
from ..incidents import followups, restore
from ..notices import Failed, Outcome, OutsideWindow, Retry, Sent
from ..outbox import RESIDENTS, fresh_job_id, to_resident, to_staff
from ..tickets.routing import staff_chat_for

log = logging.getLogger(__name__)


def settle(work: Work, row: OutboxMessage, outcome: Outcome) -> str:
    """Record what the channel said about a row; returns a word for the job result."""
    if isinstance(outcome, Sent):
        return _sent(work, row, outcome)
    if isinstance(outcome, Retry):
        return _later(work, row, outcome)
    if isinstance(outcome, OutsideWindow):
        return _outside_window(work, row)
    if isinstance(outcome, Failed):
        row.status, row.last_error = outcome.status, outcome.reason
        if row.payload.get("incident"):
            restore.settled(work, row, "failed")  # the household still has to be told: by phone
        return outcome.status
    raise TypeError(f"not an outcome: {outcome!r}")


def _sent(work: Work, row: OutboxMessage, outcome: Sent) -> str:
    row.status, row.sent_at, row.last_error, row.next_attempt_at = "sent", work.now, None, None
    if row.channel != RESIDENTS:
        if row.kind == "text" and outcome.ref is not None:
            row.payload = {**row.payload, "message_id": outcome.ref}
        return "sent"
    if row.payload.get("incident"):
        restore.settled(work, row, "sent")
    notify = row.payload.get("notify")
    if notify:
        stamp = work.desk.local(work.now).strftime("%H:%M")
        to_staff(work, notify["chat_id"], f"✅ 已送达住户（{stamp}）", ticket_id=row.ticket_id,
                 reply_to=notify.get("reply_to"))
    if row.ticket_id:
        ticket = queries.ticket(work.session, row.ticket_id)
        queries.add_event(work.session, ticket, "system", "delivered", work.now,
                          {"outbox": row.id, "channel": "wechat", "kind": row.kind})
    return "sent"


def _later(work: Work, row: OutboxMessage, retry: Retry) -> str:
    waits = work.desk.config["DELIVERY_RETRY_SECONDS"]
    row.last_error = retry.reason[:500]
    if retry.after_seconds is None and row.attempts > len(waits):
        row.status = "failed"
        log.error("outbox %s (%s %s) failed for good: %s", row.id, row.channel, row.kind, retry.reason)
        if row.payload.get("incident"):
            restore.settled(work, row, "failed")  # the incident's group phones the household
        else:
            _tell_staff_failed(work, row)
        return "failed"
    seconds = retry.after_seconds if retry.after_seconds is not None else waits[min(row.attempts, len(waits)) - 1]
    if retry.after_seconds is not None:
        row.attempts -= 1  # waiting for a rate limit is not a failed attempt
    log.info("outbox %s: %s; again in %.0f s", row.id, retry.reason, seconds)
    # The time of the next attempt lives in the row (the reconciler finds it even if Redis loses the
    # job); the job gets an id of its own, never the id of the job running now (rq would put this
    # job's result TTL on the shared key and the waiting job would expire with it).
    row.next_attempt_at = work.now + timedelta(seconds=seconds)
    row.job_id = fresh_job_id(row.id)
    work.later(jobs.DELIVER, row.id, job_id=row.job_id, at=row.next_attempt_at, retries=0)
    return f"retry in {seconds:.0f} s"


def _outside_window(work: Work, row: OutboxMessage) -> str:
    """WeChat 45015: more than 48 hours since the resident last wrote."""
    template = work.desk.config["WECHAT_TEMPLATE_ID"]
    ticket = queries.ticket(work.session, row.ticket_id)
    if template:
        to_resident(work, row.recipient, row.payload["content"], ticket_id=row.ticket_id, actor="system",
                    notify=row.payload.get("notify"), template=template)
        row.status, row.last_error = "fallback", "45015: sent as a template message"
        if row.payload.get("incident"):
            restore.settled(work, row, "template")
        return "fallback to template"
    row.status, row.last_error = "fallback", "45015: phone task created"
    if row.payload.get("incident_followup"):
        followups.settled(work, row)
    elif row.payload.get("incident"):
        restore.settled(work, row, "phone")
    if ticket is not None:
        _phone_instead(work, row, ticket)
    return "phone task"


def _phone_instead(work: Work, row: OutboxMessage, ticket) -> None:
    survey = row.payload.get("purpose") == "survey"
    if survey:
        ticket.followup_status = "phone"  # 电话回访 instead of the WeChat survey
    queries.add_phone_task(work.session, ticket.id, "followup_call" if survey else "outside_48h",
                           row.payload["content"], work.now)
    queries.add_event(work.session, ticket, "system", "phone_task", work.now,
                      {"reason": "WeChat 48-hour window closed", "message": row.payload["content"]})
    chat = staff_chat_for(work.desk, ticket)
    if chat:
        notify = row.payload.get("notify") or {}
        what = "回访" if survey else "回复"
        to_staff(work, chat, f"📞 住户超过48小时未在公众号留言，微信无法送达工单 {ticket.code} 的{what}，"
                             f"已生成电话联系任务，请尽快电话联系住户。", ticket_id=ticket.id,
                 reply_to=notify.get("reply_to"))


def _tell_staff_failed(work: Work, row: OutboxMessage) -> None:
    if row.channel != RESIDENTS or not row.ticket_id:
        return
    ticket = queries.ticket(work.session, row.ticket_id)
    queries.add_event(work.session, ticket, "system", "delivery_failed", work.now,
                      {"outbox": row.id, "error": row.last_error})
    chat = staff_chat_for(work.desk, ticket)
    if chat:
        notify = row.payload.get("notify") or {}
        to_staff(work, chat, f"❌ 工单 {ticket.code} 的回复多次发送失败（{row.last_error}），请电话联系住户。",
                 ticket_id=ticket.id, reply_to=notify.get("reply_to"))
