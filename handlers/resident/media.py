"""Photos, voice notes and locations: kept, and joined to the ticket they belong to."""
from __future__ import annotations

from storage import queries
from storage.models import Attachment

from ..desk import Turn
from ..messages import Inbound
from ..tickets.cards import show_card
from . import dialogue, repair, replies


def _keep(turn: Turn, inbound: Inbound, kind: str, detail: dict | None = None) -> Attachment:
    return queries.add_attachment(turn.session, resident_id=turn.resident.id, kind=kind, media_id=inbound.media_id,
                                  url=inbound.url, detail=detail, created_at=turn.now)


def _latest_open(turn: Turn):
    tickets = queries.open_tickets(turn.session, turn.resident.id)
    return tickets[0] if tickets else None


def on_image(turn: Turn, inbound: Inbound) -> str:
    """A photo joins the request in progress, else the newest open ticket, else starts a repair."""
    attachment = _keep(turn, inbound, "image")
    state = queries.conversation(turn.session, turn.resident.id, turn.now)
    if state is not None and state.state == repair.STATE:
        return "照片已收到。" + repair.add_attachment(turn, state.slots, attachment.id)
    ticket = _latest_open(turn)
    if ticket is not None:
        attachment.ticket_id = ticket.id
        queries.add_event(turn.session, ticket, turn.actor, "photo_added", turn.now, {"attachment": attachment.id})
        show_card(turn, ticket)
        return replies.image_attached(ticket.code)
    repair.start_empty(turn, [attachment.id])
    return replies.image_kept()


def on_location(turn: Turn, inbound: Inbound) -> str:
    """A location says where the problem is: on the request in progress or the newest open ticket."""
    place = {"latitude": inbound.location.latitude, "longitude": inbound.location.longitude,
             "label": inbound.location.label}
    attachment = _keep(turn, inbound, "location", place)
    state = queries.conversation(turn.session, turn.resident.id, turn.now)
    if state is not None and state.state == repair.STATE:
        return "位置已收到。" + repair.add_attachment(turn, state.slots, attachment.id, place)
    ticket = _latest_open(turn)
    if ticket is not None:
        attachment.ticket_id = ticket.id
        ticket.location = ticket.location or place
        queries.add_event(turn.session, ticket, turn.actor, "location_added", turn.now, place)
        show_card(turn, ticket)
        return replies.location_attached(ticket.code)
    repair.start_empty(turn, [attachment.id], location=place)
    return replies.location_kept()


def on_voice(turn: Turn, inbound: Inbound) -> str:
    """Use WeChat's speech recognition when there is one; otherwise ask for text."""
    attachment = _keep(turn, inbound, "voice", {"recognition": inbound.text} if inbound.text else None)
    if inbound.text.strip():
        return dialogue.on_text(turn, inbound.text, [attachment.id])
    return replies.VOICE_PLEASE
