"""The durable outbox: every message the desk sends later is a row first, then an rq job.

The row is written in the same transaction as the change that caused it, and its job is queued
only after commit, so a message exists exactly when its cause does. bot/delivery.py sends it.
"""
from __future__ import annotations

from storage import queries
from storage.models import OutboxMessage

from . import jobs
from .desk import Work


def job_id(outbox_id: int) -> str:
    """The rq job id of a row (rq allows letters, digits, '_' and '-')."""
    return f"outbox-{outbox_id}"


def post(work: Work, *, channel: str, kind: str, recipient: str | int, payload: dict, ticket_id: int | None = None,
         actor: str | None = None, hold: bool = False) -> OutboxMessage:
    """Add a message to the outbox; `hold` keeps it until released (a suggested rewrite)."""
    row = queries.add_outbox(work.session, channel=channel, kind=kind, recipient=str(recipient), payload=payload,
                             ticket_id=ticket_id, status="suggested" if hold else "pending", created_by=actor,
                             created_at=work.now)
    if not hold:
        release(work, row)
    return row


def release(work: Work, row: OutboxMessage) -> None:
    """Queue a row for delivery after commit."""
    row.status = "pending"
    work.later(jobs.DELIVER, row.id, job_id=job_id(row.id), retries=0)


def telegram_text(work: Work, chat_id: int, text: str, *, ticket_id: int | None = None, reply_to: int | None = None,
                  buttons: tuple = (), actor: str | None = None) -> OutboxMessage:
    """A plain Telegram message (notice, answer to a command) for a chat."""
    return post(work, channel="telegram", kind="text", recipient=chat_id, ticket_id=ticket_id, actor=actor,
                payload={"text": text, "reply_to": reply_to, "buttons": [list(map(list, row)) for row in buttons]})


def card(work: Work, ticket_id: int, chat_id: int) -> OutboxMessage:
    """Post or refresh a ticket's card; the card is rendered when the job runs, so it shows the truth."""
    return post(work, channel="telegram", kind="card", recipient=chat_id, ticket_id=ticket_id, payload={})


def callback_answer(work: Work, callback_id: str, text: str, alert: bool = False) -> OutboxMessage:
    """The small answer Telegram shows the person who pressed a button (visible to them only)."""
    return post(work, channel="telegram", kind="callback", recipient="-", payload={"callback_id": callback_id,
                                                                                  "text": text, "alert": alert})
