"""Delivering outbox rows: the rq job behind every message the desk sends later.

One job per row (job id outbox-<id>). The row is locked while its channel sends it and settled right
after (outcomes.py), so two workers never send it twice and a re-run finds it done. The
channel (bot/, handed to the desk by app.py) only sends a notice and says how it went.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from storage import queries
from storage.models import OutboxMessage

from .. import jobs
from ..desk import Desk, Work
from ..notices import Moved, Outcome, Retry, Sent
from ..outbox import job_id, notice_of
from ..incidents import card as incident_card
from ..incidents import restore
from ..tickets.cards import card_notice
from . import moves
from .outcomes import settle

log = logging.getLogger(__name__)


SENDING = "sending"  # an at-most-once row claimed by a worker, being sent
# A row still "sending" after this long belongs to a worker that died while sending it.
STUCK_AFTER = timedelta(minutes=2)


@jobs.job(jobs.DELIVER)
def deliver(desk: Desk, outbox_id: int) -> str:
    """Send one outbox row (the rq job). Returns what happened, for the job result."""
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        if row is None or row.status not in ("pending",):
            return f"nothing to do ({row.status if row else 'no such row'})"
        row.attempts += 1
        if row.payload.get("once"):
            # Claimed in a transaction of its own before the send: a worker killed between the send
            # and its commit leaves the row "sending", never "pending", so it is not sent a second time.
            row.status, row.sent_at = SENDING, work.now
        else:
            return settle(work, row, _attempt(work, row))
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        outcome = _attempt(work, row)
        row.status = "pending"  # settled below: sent, retried (pending again), fallback or failed
        return settle(work, row, outcome)


def _attempt(work: Work, row: OutboxMessage) -> Outcome:
    try:
        moves.follow(work, row)
        outcome = _send(work, row)
        if isinstance(outcome, Moved):  # a group became a supergroup: send to its new id right away
            moves.record(work, row, outcome.to)
            outcome = _send(work, row)
    except Exception as exc:  # a bug or an unexpected answer: keep the row, try again later
        log.exception("delivering outbox %s failed", row.id)
        return Retry(f"{exc.__class__.__name__}: {exc}")
    if isinstance(outcome, Moved):  # moved twice in one go: the next attempt follows it
        outcome = Retry(f"chat moved again, to {outcome.to}")
    return outcome


def settle_stuck(desk: Desk, older_than: timedelta = STUCK_AFTER) -> int:
    """Rows whose worker died while sending them: whether they arrived cannot be known, so they are not
    sent again; their status becomes "unknown" and the cause decides who checks (restore: a phone call)."""
    count = 0
    with desk.work() as work:
        for row in queries.outbox_in_status(work.session, SENDING, work.now - older_than):
            row.status, row.last_error = "unknown", "worker stopped while sending; not sent again"
            if row.payload.get("incident"):
                restore.settled(work, row, "unknown")
            count += 1
    return count


def _send(work: Work, row: OutboxMessage) -> Outcome:
    send = work.desk.channels.get(row.channel)
    if send is None:
        raise ValueError(f"unknown channel {row.channel}")
    if row.kind == "card":
        return _send_card(work, row, send)
    if row.kind == incident_card.KIND:
        return incident_card.send(work, row, send)
    subject = None
    if row.kind == "template":  # a template names the ticket in a slot of its own
        ticket = queries.ticket(work.session, row.ticket_id)
        subject = ticket.code if ticket else ""
    return send(notice_of(row, subject))


def _send_card(work: Work, row: OutboxMessage, send) -> Outcome:
    """Post the ticket's card, or edit it in place, from the ticket's state right now."""
    chat_id = int(row.recipient)
    ticket = queries.ticket(work.session, row.ticket_id, lock=True)
    shown_here = ticket.card_message_id and ticket.staff_chat_id == chat_id
    outcome = send(card_notice(work.desk, ticket, chat_id, replaces=ticket.card_message_id if shown_here else None))
    if isinstance(outcome, Sent):
        ticket.staff_chat_id, ticket.card_message_id = chat_id, outcome.ref
    return outcome


def requeue_pending(desk: Desk, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Queue again every pending row whose job was lost (Redis flushed or restarted). Idempotent:
    a row that is sent meanwhile is skipped by deliver()."""
    count = 0
    with desk.work() as work:
        for outbox_id in queries.pending_outbox(work.session, work.now - older_than):
            desk.jobs.enqueue(jobs.DELIVER, outbox_id, job_id=job_id(outbox_id), retries=0)
            count += 1
    return count
