"""Residents' personal data past its retention, and a resident's request to be forgotten (PIPL): the rows
to anonymise, the changes themselves, and the log of every purge and forget.

Nothing here decides how words are masked: the caller passes `mask` (nlu.privacy.mask_personal plus the
names we know the resident by) and `mask_phone`. Tickets, events and counts stay, so reports and statistics are unchanged.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable

from sqlalchemy import (DateTime, Index, String, Text, and_, case, cast, delete, exists, func, literal, or_,
                        select, update)
from sqlalchemy.orm import Mapped, Session, mapped_column

from .binding_models import LIVE_STATES, Campaign, CampaignContact, ResidentHouse
from .estate_models import House
from .models import (OPEN_STATUSES, Alert, Attachment, Base, Conversation, EtiquetteViolation, InboundMessage,
                     JSONText, OutboxMessage, PhoneTask, Resident, Ticket, TicketEvent, Timer, utcnow)

# Messages sent to a resident, found when they are anonymised (one index lookup per batch, not a scan).
Index("ix_outbox_recipient", OutboxMessage.recipient)
Mask = Callable[[str, Iterable[str | None]], str]   # (text, names known to be the resident's) -> masked
FORGOTTEN = "forgotten-"  # what an anonymised resident's openid becomes: forgotten-<resident id>


class PrivacyEvent(Base):
    """One purge or forget: when, by whom, whom it concerned (masked), what changed and what was kept."""
    __tablename__ = "privacy_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))          # purge | forget
    subject: Mapped[str | None] = mapped_column(String(64))  # masked openid or phone; None for a purge
    counts: Mapped[dict] = mapped_column(JSONText, default=dict)
    kept: Mapped[str] = mapped_column(Text, default="")


def _in_estates(model, estate_ids: Iterable[int] | None, excluded: Iterable[int]):
    """A filter on the model's estate (once tickets and residents carry one); no filter before that."""
    column = getattr(model, "estate_id", None)
    if column is None:
        return True
    conditions = []
    if estate_ids is not None:
        conditions.append(column.in_(list(estate_ids)))
    if excluded:
        conditions.append(or_(column.is_(None), column.not_in(list(excluded))))
    return and_(True, *conditions)


def has_estates() -> bool:
    """Whether tickets and residents know their estate (per-estate retention needs it)."""
    return hasattr(Ticket, "estate_id") and hasattr(Resident, "estate_id")


# The stale_* queries page by id (after the last batch's highest id): each batch walks the primary key from
# where the last stopped, so a first purge of millions of rows reads every row once, not once per batch.

def stale_tickets(session: Session, cutoff: datetime, estate_ids=None, excluded=(), after: int = 0,
                  limit: int = 500) -> list[int]:
    """Finished tickets untouched since before the cutoff whose personal data is still there."""
    return list(session.scalars(select(Ticket.id).where(
        Ticket.id > after, Ticket.anonymised_at.is_(None), Ticket.status.not_in(OPEN_STATUSES), Ticket.updated_at < cutoff,
        _in_estates(Ticket, estate_ids, excluded)).order_by(Ticket.id).limit(limit)))


def stale_residents(session: Session, cutoff: datetime, estate_ids=None, excluded=(), after: int = 0,
                    limit: int = 500) -> list[int]:
    """Residents silent since before the cutoff with no ticket still open or recently changed."""
    busy = select(Ticket.id).where(Ticket.resident_id == Resident.id, Ticket.anonymised_at.is_(None),
                                   or_(Ticket.status.in_(OPEN_STATUSES), Ticket.updated_at >= cutoff))
    last_seen = func.coalesce(Resident.last_message_at, Resident.created_at)
    return list(session.scalars(select(Resident.id).where(
        Resident.id > after, Resident.anonymised_at.is_(None), last_seen < cutoff, ~exists(busy),
        _in_estates(Resident, estate_ids, excluded)).order_by(Resident.id).limit(limit)))


def stale_messages(session: Session, cutoff: datetime, after: int = 0, limit: int = 2000) -> list[int]:
    """Messages received before the cutoff whose text is still as the resident wrote it."""
    return list(session.scalars(select(InboundMessage.id).where(
        InboundMessage.id > after, InboundMessage.anonymised_at.is_(None), InboundMessage.received_at < cutoff
    ).order_by(InboundMessage.id).limit(limit)))


def residents_named(session: Session, openid: str | None, phone: str | None) -> list[Resident]:
    """Residents with this openid or this phone (on their record or on one of their tickets)."""
    conditions = []
    if openid:
        conditions.append(Resident.openid == openid)
    if phone:
        conditions += [Resident.phone == phone,
                       Resident.id.in_(select(Ticket.resident_id).where(Ticket.contact_phone == phone)),
                       Resident.id.in_(select(ResidentHouse.resident_id).where(ResidentHouse.phone == phone))]
    if not conditions:
        return []
    return list(session.scalars(select(Resident).where(or_(*conditions), Resident.anonymised_at.is_(None))))


def tickets_of(session: Session, resident_ids: list[int], phone: str | None) -> list[int]:
    """Tickets of these residents, and tickets left with this phone by nobody we know."""
    conditions = [Ticket.resident_id.in_(resident_ids)] if resident_ids else []
    if phone:
        conditions.append(Ticket.contact_phone == phone)
    if not conditions:
        return []
    return list(session.scalars(select(Ticket.id).where(or_(*conditions)).order_by(Ticket.id)))


def open_among(session: Session, ticket_ids: list[int]) -> int:
    """How many of these tickets are still open."""
    if not ticket_ids:
        return 0
    return session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.id.in_(ticket_ids), Ticket.status.in_(OPEN_STATUSES))) or 0


def _masked_json(value: Any, mask: Mask, names: tuple) -> Any:
    if isinstance(value, str):
        return mask(value, names)
    if isinstance(value, dict):
        return {key: _masked_json(item, mask, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_json(item, mask, names) for item in value]
    return value


def _names_of_tickets(session: Session, ticket_ids: list[int]) -> dict[int, tuple]:
    rows = session.execute(select(Ticket.id, Ticket.contact_name, Resident.name).outerjoin(
        Resident, Resident.id == Ticket.resident_id).where(Ticket.id.in_(ticket_ids)))
    return {ticket_id: (contact, name) for ticket_id, contact, name in rows}


def anonymise_tickets(session: Session, ticket_ids: list[int], mask: Mask, mask_phone: Mask, now: datetime,
                      action: str, detail: dict) -> None:
    """Mask the words, phone and name on tickets, their events, tasks and messages; drop places and photos.
    The ticket, its kind, category, address, times, rating and every event stay (reports need them);
    one more event (`action`, by "system") says it happened."""
    names = _names_of_tickets(session, ticket_ids)
    for event in session.scalars(select(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids),
                                                           TicketEvent.detail.is_not(None))):
        event.detail = _masked_json(event.detail, mask, names.get(event.ticket_id, ()))
    for ticket in session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))):
        session.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=action, detail=detail))
        ticket.contact_phone = mask_phone(ticket.contact_phone, ()) if ticket.contact_phone else None
        ticket.contact_name, ticket.location, ticket.anonymised_at = None, None, now
        for column in ("description", "resident_words", "feedback", "escalation_reason", "preferred_time"):
            if getattr(ticket, column):
                setattr(ticket, column, mask(getattr(ticket, column), names[ticket.id]))
    for task in session.scalars(select(PhoneTask).where(PhoneTask.ticket_id.in_(ticket_ids),
                                                        PhoneTask.detail.is_not(None))):
        task.detail = mask(task.detail, names.get(task.ticket_id, ()))
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id.in_(ticket_ids))):
        row.payload = _masked_json(row.payload, mask, names.get(row.ticket_id, ()))
    # Managers' alerts and the replies the etiquette filter stopped may quote the resident or name them.
    for model in (Alert, EtiquetteViolation):
        for row in session.scalars(select(model).where(model.ticket_id.in_(ticket_ids))):
            row.text = mask(row.text, names.get(row.ticket_id, ()))
    session.execute(update(Attachment).where(Attachment.ticket_id.in_(ticket_ids))
                    .values(media_id=None, url=None, detail=None))


def anonymise_residents(session: Session, resident_ids: list[int], mask: Mask, now: datetime,
                        stop_pending: bool = False) -> None:
    """Forget who a resident is: openid, name, phone, address, half-finished conversation, photos, and
    the messages sent to them; their tickets keep pointing at the anonymous row (a count, no person).
    `stop_pending` also stops what is still waiting to be sent to them (a request to be forgotten).
    One statement per table for the whole batch, each through an index."""
    people = {r.openid: (r.id, r.name) for r in session.scalars(select(Resident).where(Resident.id.in_(resident_ids)))}
    if not people:
        return
    new = {old: f"{FORGOTTEN}{resident_id}" for old, (resident_id, _name) in people.items()}
    session.execute(update(Resident).where(Resident.id.in_(resident_ids)).values(
        openid=literal(FORGOTTEN, String) + cast(Resident.id, String), name=None, phone=None, building=None,
        unit=None, room=None, address_confirmed=False, active=False, anonymised_at=now),
        execution_options={"synchronize_session": False})
    session.execute(update(InboundMessage).where(InboundMessage.openid.in_(list(new))).values(
        openid=case(new, value=InboundMessage.openid)))
    actors = {f"resident:{old}": f"resident:{anonymous}" for old, anonymous in new.items()}
    their_tickets = select(Ticket.id).where(Ticket.resident_id.in_(resident_ids))
    session.execute(update(TicketEvent).where(TicketEvent.ticket_id.in_(their_tickets),
                                              TicketEvent.actor.in_(list(actors)))
                    .values(actor=case(actors, value=TicketEvent.actor)))
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.in_(list(new)))):
        name = people[row.recipient][1]
        row.recipient, row.payload = new[row.recipient], _masked_json(row.payload, mask, (name,))
        if stop_pending and row.status in ("pending", "suggested"):
            row.status, row.last_error = "failed", "the resident asked to be forgotten"
    _bindings_and_answers(session, resident_ids, actors, mask, people, now)
    session.execute(delete(Conversation).where(Conversation.resident_id.in_(resident_ids)))
    session.execute(update(Attachment).where(Attachment.resident_id.in_(resident_ids))
                    .values(media_id=None, url=None, detail=None))
    session.expire_all()  # the rows changed by statements, not through the loaded objects


def _bindings_and_answers(session: Session, resident_ids: list[int], actors: dict, mask: Mask, people: dict,
                          now: datetime) -> None:
    """Their house bindings lose the phone they gave and end (nobody is left to bind; role, dates and who
    decided stay for the record); their campaign answers keep the rating, the ticket and an opinion
    masked with their name, under the anonymous actor."""
    session.execute(update(ResidentHouse).where(ResidentHouse.resident_id.in_(resident_ids)).values(phone=None))
    session.execute(update(ResidentHouse).where(ResidentHouse.resident_id.in_(resident_ids),
                                                ResidentHouse.state.in_(LIVE_STATES))
                    .values(state="ended", ended_at=now, ended_by="privacy", end_reason="privacy"))
    for row in session.scalars(select(ResidentHouse).where(ResidentHouse.resident_id.in_(resident_ids),
                                                           ResidentHouse.note.is_not(None))):
        row.note = mask(row.note, ())
    names = tuple(name for _id, name in people.values())
    for contact in session.scalars(select(CampaignContact).where(CampaignContact.answered_by.in_(list(actors)))):
        contact.opinion = mask(contact.opinion, names) if contact.opinion else contact.opinion
        contact.answered_by = actors[contact.answered_by]


ANONYMOUS_ANSWER = "anonymised"  # a campaign contact's answered_by once its opinion outlived the retention


def stale_opinions(session: Session, cutoff: datetime, estate_ids=None, excluded=(), after: int = 0,
                   limit: int = 500) -> list[int]:
    """Campaign answers given before the cutoff whose opinion or answerer is still as recorded."""
    estate = select(Campaign.estate_id).where(Campaign.id == CampaignContact.campaign_id).scalar_subquery()
    conditions = [estate.in_(list(estate_ids))] if estate_ids is not None else []
    if excluded:
        conditions.append(estate.not_in(list(excluded)))
    return list(session.scalars(select(CampaignContact.id).where(
        CampaignContact.id > after, CampaignContact.answered_at < cutoff,
        or_(CampaignContact.answered_by.is_(None), CampaignContact.answered_by != ANONYMOUS_ANSWER),
        or_(CampaignContact.opinion.is_not(None), CampaignContact.answered_by.like("resident:%")), *conditions)
        .order_by(CampaignContact.id).limit(limit)))


def anonymise_opinions(session: Session, contact_ids: list[int], mask: Mask) -> None:
    """Mask the opinions (业主意见) and drop who answered; state, channel, rating and ticket stay (the
    campaign's coverage and results are unchanged)."""
    for contact in session.scalars(select(CampaignContact).where(CampaignContact.id.in_(contact_ids))):
        contact.opinion = mask(contact.opinion, ()) if contact.opinion else contact.opinion
        contact.answered_by = ANONYMOUS_ANSWER


def opinions_of_phone(session: Session, phone: str) -> list[int]:
    """Campaign answers taken on the phone from the roster owner of this phone (a request to be forgotten)."""
    houses = select(House.id).where(House.owner_phone == phone)
    return list(session.scalars(select(CampaignContact.id).where(
        CampaignContact.house_id.in_(houses), CampaignContact.channel == "phone",
        CampaignContact.opinion.is_not(None))))


def anonymise_messages(session: Session, message_ids: list[int], mask: Mask, now: datetime) -> None:
    """Mask what residents wrote and what we answered; the message, its kind, intent and ticket stay."""
    rows = session.execute(select(InboundMessage, Resident.name).outerjoin(
        Resident, Resident.openid == InboundMessage.openid).where(InboundMessage.id.in_(message_ids)))
    for message, name in rows:
        message.content = mask(message.content, (name,)) if message.content else message.content
        message.reply = mask(message.reply, (name,)) if message.reply else message.reply
        message.anonymised_at = now


def messages_of(session: Session, resident_ids: list[int]) -> list[int]:
    """Every message of these residents not masked yet."""
    openids = select(Resident.openid).where(Resident.id.in_(resident_ids))
    return list(session.scalars(select(InboundMessage.id).where(InboundMessage.openid.in_(openids),
                                                                InboundMessage.anonymised_at.is_(None))))


def stop_followups(session: Session, ticket_ids: list[int], now: datetime) -> int:
    """Cancel the follow-up steps (回访) still planned on these tickets: nobody is left to ask."""
    result = session.execute(update(Timer).where(Timer.ticket_id.in_(ticket_ids), Timer.status == "pending",
                                                 Timer.kind.like("followup%")).values(status="cancelled"))
    return result.rowcount or 0


def log_event(session: Session, actor: str, action: str, subject: str | None, counts: dict, kept: str) -> None:
    """Record a purge or a forget."""
    session.add(PrivacyEvent(at=utcnow(), actor=actor, action=action, subject=subject, counts=counts, kept=kept))


def events(session: Session, limit: int = 50) -> list[PrivacyEvent]:
    """The latest purges and forgets, newest first."""
    return list(session.scalars(select(PrivacyEvent).order_by(PrivacyEvent.id.desc()).limit(limit)))


def cards_of(session: Session, ticket_ids: list[int]) -> list[tuple[int, int]]:
    """(ticket id, staff chat) of the tickets whose card is in a staff group."""
    return [(row.id, row.staff_chat_id) for row in session.execute(select(Ticket.id, Ticket.staff_chat_id).where(
        Ticket.id.in_(ticket_ids), Ticket.card_message_id.is_not(None), Ticket.staff_chat_id.is_not(None)))]
