"""The durable outbox: every message the desk sends later is a row first, then an rq job.

The row is written in the same transaction as the change that caused it, and its job is queued only
after commit, so a message exists exactly when its cause does. A row is a Notice kept until its channel
has sent it (handlers.delivery hands it to bot/ and settles what the delivery means).
"""
from __future__ import annotations

import secrets

from storage import queries
from storage.models import OutboxMessage

from . import jobs
from .desk import Work
from .messages import StaffAction
from .notices import Button, Buttons, Notice

STAFF = "telegram"   # the channel of staff chats
RESIDENTS = "wechat"  # the channel of residents


def job_id(outbox_id: int) -> str:
    """The rq job id of a row's first attempt (rq allows letters, digits, '_' and '-')."""
    return f"outbox-{outbox_id}"


def fresh_job_id(outbox_id: int) -> str:
    """An rq job id for a later attempt, never used before: two live jobs never share an id."""
    return f"outbox-{outbox_id}-{secrets.token_hex(4)}"


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
    row.status, row.job_id = "pending", job_id(row.id)
    work.later(jobs.DELIVER, row.id, job_id=row.job_id, retries=0)


def to_staff(work: Work, chat_id: int, text: str, *, ticket_id: int | None = None, reply_to=None,
             buttons: Buttons = (), actor: str | None = None) -> OutboxMessage:
    """A message (notice, answer to a command) for a staff chat, in reply to one of its messages."""
    return post(work, channel=STAFF, kind="text", recipient=chat_id, ticket_id=ticket_id, actor=actor,
                payload={"text": text, "reply_to": reply_to,
                         "buttons": [[button.to_json() for button in row] for row in buttons]})


def card(work: Work, ticket_id: int, chat_id: int) -> OutboxMessage:
    """Post or refresh a ticket's card; the card is rendered when the job runs, so it shows the truth."""
    return post(work, channel=STAFF, kind="card", recipient=chat_id, ticket_id=ticket_id, payload={})


def answer(work: Work, action: StaffAction, text: str, alert: bool = False) -> OutboxMessage:
    """The small answer shown only to the person who pressed a button."""
    # Kept under the row kind and payload keys of earlier versions, so rows queued before still go.
    return post(work, channel=STAFF, kind="callback", recipient="-",
                payload={"callback_id": action.press, "text": text, "alert": alert})


def to_resident(work: Work, openid: str, content: str, *, ticket_id: int | None, actor: str | None,
                notify: dict | None = None, purpose: str | None = None, template: str | None = None,
                hold: bool = False) -> OutboxMessage:
    """A message for a resident; `notify` ({chat_id, reply_to}) is the staff chat told when it arrived,
    `purpose` "survey" makes an undeliverable one a follow-up call, `template` sends it as that template."""
    payload: dict = {"content": content, "notify": notify}
    if purpose:
        payload["purpose"] = purpose
    if template:
        payload["template_id"] = template
    return post(work, channel=RESIDENTS, kind="template" if template else "text", recipient=openid,
                ticket_id=ticket_id, payload=payload, actor=actor, hold=hold)


def notice_of(row: OutboxMessage, subject: str | None = None) -> Notice:
    """The notice a row keeps (for a card row see cards.card_notice: a card is rendered when sent)."""
    payload = row.payload
    if row.kind == "callback":
        return Notice(to=payload["callback_id"], text=payload["text"], kind="answer", alert=payload.get("alert", False))
    if row.channel == RESIDENTS:
        return Notice(to=row.recipient, text=payload["content"], ticket_id=row.ticket_id, subject=subject,
                      template=payload.get("template_id") if row.kind == "template" else None)
    buttons = tuple(tuple(Button.from_json(button) for button in line) for line in payload.get("buttons") or ())
    return Notice(to=row.recipient, text=payload["text"], buttons=buttons, reply_to=payload.get("reply_to"),
                  ticket_id=row.ticket_id)
