"""A ticket's card is edited in order, whichever delivery workers send its refreshes.

Every change of a ticket writes a card row, rendered from the ticket when a worker claims it. Two workers
holding two rows of one card could otherwise both be on the wire at once, the older rendering reaching
Telegram last and leaving a stale card (or, before the first post was recorded, two cards). So:
- a claim takes the ticket's row lock, which puts the claims of one card one after another;
- a row with a newer row of the same card still to send is superseded: not sent, the newer one shows
  the ticket as it is by then anyway;
- a row claimed while another row of the card is being sent waits: it is tried again once that one is
  settled (woken then), or at the latest when that one's lease runs out (its worker died).
A card is therefore never sent while an older rendering of it may still be on its way, and the last
rendering sent is made after the last change.
"""
from __future__ import annotations

from storage import queries
from storage.models import OutboxMessage

from .. import jobs
from ..desk import Work
from ..outbox import fresh_job_id

SUPERSEDED = "superseded"   # the status of a card row a newer one replaced before it was sent


def hold(work: Work, row: OutboxMessage) -> str | None:
    """Before a card row is leased: None to send it now, else what became of it (superseded, waiting)."""
    queries.ticket(work.session, row.ticket_id, lock=True)   # one claim of this card at a time
    newer = queries.newer_card_row(work.session, row.ticket_id, row.id, row.recipient)
    if newer is not None:
        row.status, row.last_error, row.next_attempt_at = SUPERSEDED, f"replaced by outbox {newer}", None
        row.lease_owner = row.lease_until = None
        return f"superseded by {newer}"
    busy_until = queries.card_in_flight(work.session, row.ticket_id, row.id, work.now)
    if busy_until is None:
        return None
    # No attempt is counted and next_attempt_at stays clear, so the wake-up below finds it due at once.
    row.job_id = fresh_job_id(row.id)
    work.later(jobs.DELIVER, row.id, job_id=row.job_id, at=busy_until, retries=0)
    return "waiting for the card's previous refresh"


def wake(work: Work, row: OutboxMessage) -> None:
    """After a card row is settled: the rows of the same card waiting behind it are tried now (all but the
    newest are then superseded, and the newest shows the ticket as it is)."""
    for waiting in queries.waiting_card_rows(work.session, row.ticket_id, row.id):
        work.later(jobs.DELIVER, waiting, job_id=fresh_job_id(waiting), retries=0)
