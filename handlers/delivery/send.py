"""Delivering outbox rows: the rq job behind every message the desk sends later.

A delivery is three short steps, and no database transaction is open while a channel's API is called:
1. claim (one transaction): the row, still pending and due, gets a lease (owner and expiry,
   DELIVERY_LEASE_SECONDS) and its notice is built from the rows as they are now;
2. send: the channel (bot/, handed to the desk by app.py) sends the notice and says how it went;
3. settle (one transaction): the outcome is recorded and the lease cleared (outcomes.py).
A worker that dies between 1 and 3 leaves a lease that expires; the reconciler (handlers.upkeep) then
queues the row again, and the repeat is counted as doubtful (its first attempt may have arrived).
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from storage import queries
from storage.models import OutboxMessage

from .. import jobs
from ..desk import Desk, Work
from ..notices import Moved, Notice, Outcome, Retry, Sent
from ..outbox import notice_of
from ..incidents import card as incident_card
from ..incidents import restore
from ..tickets.cards import card_notice
from . import card_order, digest, moves
from .outcomes import settle

log = logging.getLogger(__name__)
EARLY = timedelta(seconds=1)  # a job woken this much before the row's attempt time still runs


@dataclass(frozen=True)
class Claim:
    """A row this worker holds the lease on, and what to send for it."""
    owner: str
    notice: Notice | None
    send: Callable[[Notice], Outcome] | None
    problem: str | None = None   # why nothing can be sent (settled as a retry)
    version: int | None = None   # an incident card's version being shown
    carried: tuple[int, ...] = ()  # other card rows sent in the same digest (digest.py)


@jobs.job(jobs.DELIVER)
def deliver(desk: Desk, outbox_id: int) -> str:
    """Send one outbox row (the rq job). Returns what happened, for the job result."""
    claim = _claim(desk, outbox_id)
    if isinstance(claim, str):
        return claim
    outcome = _send(outbox_id, claim)
    if isinstance(outcome, Moved):  # a group became a supergroup: send to its new id right away
        claim = _moved(desk, outbox_id, claim, outcome.to)
        outcome = _send(outbox_id, claim)
    if isinstance(outcome, Moved):  # moved twice in one go: the next attempt follows it
        outcome = Retry(f"chat moved again, to {outcome.to}")
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        if claim.carried:
            digest.settle_carried(work, claim.owner, claim.carried, outcome)
        if row.lease_owner != claim.owner:
            log.warning("outbox %s: the lease ran out while sending (%s); recording the outcome anyway",
                        outbox_id, row.lease_owner)
        row.lease_owner = row.lease_until = None
        if row.status != "pending":  # another worker settled it after our lease ran out
            if isinstance(outcome, Sent):
                row.doubtful += 1
            return f"already {row.status}"
        if isinstance(outcome, Retry) and outcome.maybe_sent:
            row.doubtful += 1  # the next attempt may repeat a message that arrived
        if row.kind == "card" and isinstance(outcome, Sent):
            ticket = queries.ticket(work.session, row.ticket_id, lock=True)
            # a digest is no ticket's card: the card is sent when the ticket is taken
            ticket.staff_chat_id, ticket.card_message_id = int(row.recipient), None if claim.carried else outcome.ref
        if row.kind == incident_card.KIND:
            incident_card.shown(work, row, outcome, claim.version)
        result = settle(work, row, outcome)
        _after(work, row, claim)
        return result


def _after(work: Work, row: OutboxMessage, claim: Claim) -> None:
    """Once a row is settled: the refreshes of its cards (and of those a digest carried) waiting behind it
    go now; an incident card refresh that failed for good frees the card for the next change."""
    if row.kind == "card":
        for settled in (row, *(queries.outbox_row(work.session, i) for i in claim.carried)):
            if settled is not None:
                card_order.wake(work, settled)
    elif row.kind == incident_card.KIND and row.status != "pending":
        incident_card.given_up(work, row)


def _claim(desk: Desk, outbox_id: int) -> Claim | str:
    """Step 1: lease the row for this worker and build its notice (one short transaction)."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-64:]
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        if row is None or row.status != "pending":
            return f"nothing to do ({row.status if row else 'no such row'})"
        if row.next_attempt_at and row.next_attempt_at > work.now + EARLY:
            return "not due yet"  # an older job of this row; the row's own job comes at its time
        if row.lease_until and row.lease_until > work.now:
            return f"being sent by {row.lease_owner}"
        if row.lease_owner is not None and row.payload.get("once"):
            return _unknown(work, row)  # at most once (a restore message): not sent again
        held = card_order.hold(work, row) if row.kind == "card" else None
        if held:
            return held
        if row.lease_owner is not None:
            row.doubtful += 1  # a worker died holding it: its attempt may have reached the recipient
            log.warning("outbox %s: %s died while sending it; trying again", outbox_id, row.lease_owner)
        row.lease_owner, row.lease_until = owner, work.now + timedelta(seconds=desk.config["DELIVERY_LEASE_SECONDS"])
        row.attempts += 1
        try:
            moves.follow(work, row)
            if row.kind == incident_card.KIND:
                notice, version = incident_card.notice(work, row)
                return Claim(owner, notice, work.desk.channels.get(row.channel), version=version)
            notice, send = _notice(work, row)
            notice, carried = digest.gather(work, row, notice, owner)
        except Exception as exc:  # a bug or a row we cannot read: keep the row, try again later
            log.exception("preparing outbox %s failed", outbox_id)
            return Claim(owner, None, None, problem=f"{exc.__class__.__name__}: {exc}")
        return Claim(owner, notice, send, carried=carried)


def _unknown(work: Work, row: OutboxMessage) -> str:
    """An at-most-once row whose worker died while sending it: whether it arrived cannot be known, so it
    is not sent again; its cause decides who checks (a restore message: a phone call)."""
    row.status, row.last_error = "unknown", "worker stopped while sending; not sent again"
    row.lease_owner = row.lease_until = None
    if row.payload.get("incident"):
        restore.settled(work, row, "unknown")
    return "unknown (at most once)"


def _moved(desk: Desk, outbox_id: int, claim: Claim, new_chat: int) -> Claim:
    """Telegram said the row's chat moved: remember it, re-point the row and build its notice again,
    still under this worker's lease (one short transaction)."""
    with desk.work() as work:
        row = queries.outbox_row(work.session, outbox_id)
        digest.release(work, claim.owner, claim.carried)  # the card goes alone to the new chat
        try:
            moves.record(work, row, new_chat)
            notice, send = _notice(work, row)
        except Exception as exc:  # keep the row, try again later
            log.exception("following the move of outbox %s failed", outbox_id)
            return Claim(claim.owner, None, None, problem=f"{exc.__class__.__name__}: {exc}")
        return Claim(claim.owner, notice, send)


def _send(outbox_id: int, claim: Claim) -> Outcome:
    """Step 2: the channel's call, outside any transaction."""
    if claim.problem:
        return Retry(claim.problem)
    if claim.notice is None:  # an incident card whose incident is gone: nothing to show
        return Sent()
    try:
        return claim.send(claim.notice)
    except Exception as exc:  # a bug or an unexpected answer: keep the row, try again later
        log.exception("delivering outbox %s failed", outbox_id)
        return Retry(f"{exc.__class__.__name__}: {exc}")


def _notice(work: Work, row: OutboxMessage) -> tuple[Notice, Callable[[Notice], Outcome]]:
    send = work.desk.channels.get(row.channel)
    if send is None:
        raise ValueError(f"unknown channel {row.channel}")
    if row.kind == "card":  # rendered from the ticket's state right now, edited in place when shown here
        chat_id = int(row.recipient)
        ticket = queries.ticket(work.session, row.ticket_id)
        shown_here = ticket.card_message_id and ticket.staff_chat_id == chat_id
        return card_notice(work.desk, ticket, chat_id, replaces=ticket.card_message_id if shown_here else None), send
    subject = None
    if row.kind == "template":  # a template names the ticket in a slot of its own
        ticket = queries.ticket(work.session, row.ticket_id)
        subject = ticket.code if ticket else ""
    return notice_of(row, subject), send

