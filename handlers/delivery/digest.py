"""New-ticket cards that pile up for one staff group go out as one digest message.

Telegram lets a bot post about 20 messages a minute into a group. When more new tickets than that arrive
for one group (a burst of reports), their cards would queue for many minutes. So when a new card that has
already had to wait is about to be sent and at least TELEGRAM_CARD_DIGEST_AT new cards (this one included)
wait for the same group, up to TELEGRAM_CARD_DIGEST_MAX of them go as one message: a line per ticket with
its 接单 button (urgent ones first). The rows it carries are leased with the claimed row and settled with
it: sent together, retried together after a rate limit, and tried again one by one if the digest itself
fails. A ticket listed in a digest has no card message yet; its full card is sent when it is taken.
"""
from __future__ import annotations

from storage import queries
from storage.models import OutboxMessage

from ..desk import Work
from ..notices import Notice, Outcome, Retry, Sent
from ..tickets.cards import digest_notice
from .outcomes import settle

WAITING = ("new", "reopened")


def gather(work: Work, row: OutboxMessage, notice: Notice, owner: str) -> tuple[Notice, tuple[int, ...]]:
    """The notice to send for a new card, and the ids of the other rows it carries (none: the card alone)."""
    at_least, most = work.desk.config["TELEGRAM_CARD_DIGEST_AT"], work.desk.config["TELEGRAM_CARD_DIGEST_MAX"]
    if row.kind != "card" or notice.replaces is not None or at_least < 2 or row.next_attempt_at is None:
        return notice, ()  # only a card that has had to wait (a rate limit, a failed try) looks for a backlog
    first = queries.ticket(work.session, row.ticket_id)
    if first is None or first.status not in WAITING or first.card_message_id is not None:
        return notice, ()
    others = queries.waiting_new_cards(work.session, row.recipient, row.id, most * 2)
    tickets = {first.id: first}
    for other in others:
        if len(tickets) < most and other.ticket_id not in tickets:
            tickets[other.ticket_id] = queries.ticket(work.session, other.ticket_id)
    if len(tickets) < at_least:
        return notice, ()
    carried = [other for other in others if other.ticket_id in tickets]
    for other in carried:
        other.lease_owner, other.lease_until = owner, row.lease_until
        other.attempts += 1
    ordered = sorted(tickets.values(), key=lambda t: (not t.urgent, t.id))
    return digest_notice(ordered, int(row.recipient)), tuple(other.id for other in carried)


def settle_carried(work: Work, owner: str, carried: tuple[int, ...], outcome: Outcome) -> None:
    """Settle the rows a digest carried as the digest went; rows whose lease ran out meanwhile (another
    worker may have them) are left alone."""
    for outbox_id in carried:
        row = queries.outbox_row(work.session, outbox_id)
        if row is None or row.lease_owner != owner or row.status != "pending":
            continue
        row.lease_owner = row.lease_until = None
        if isinstance(outcome, Sent):
            ticket = queries.ticket(work.session, row.ticket_id)
            ticket.staff_chat_id = int(row.recipient)   # listed there; its card message comes when it is taken
            settle(work, row, Sent())
        elif isinstance(outcome, Retry):
            if outcome.maybe_sent:
                row.doubtful += 1  # the digest may have arrived: its repeat would list this ticket again
            settle(work, row, outcome)
        else:  # the digest itself was refused: each card is tried again on its own
            settle(work, row, Retry(f"the digest it went in failed: {getattr(outcome, 'reason', outcome)}"))


def release(work: Work, owner: str, carried: tuple[int, ...]) -> None:
    """Give back the rows of a digest that will not be sent after all (its chat moved): each goes on its own
    (the reconciler gives it a job if its own ran while it was held)."""
    for outbox_id in carried:
        row = queries.outbox_row(work.session, outbox_id)
        if row is not None and row.lease_owner == owner and row.status == "pending":
            row.lease_owner = row.lease_until = None
            row.attempts -= 1
