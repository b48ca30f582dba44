"""The one entry point for what residents send: deduplicate, handle, record the reply, queue the rest.

Everything for one message happens in one transaction that starts by inserting the message under its
unique key, so a WeChat retry (even one arriving at the same moment) finds the key taken and gets
the reply recorded for the first copy: never a second ticket, never a second reply record.
A failing message is logged with its traceback, kept, and answered with an apology.
"""
from __future__ import annotations

import logging

from storage import queries

from ..desk import Desk, Turn
from ..messages import Inbound, Reply
from . import dialogue, events, media, replies

log = logging.getLogger(__name__)


def handle(desk: Desk, inbound: Inbound) -> Reply:
    """Handle one inbound message and return the immediate reply."""
    now = desk.now()
    try:
        with desk.work(Turn) as turn:
            session = turn.session
            arrival = queries.arrive(session, inbound.dedup_key, openid=inbound.sender, msg_type=_msg_type(inbound),
                                     content=_content(inbound), received_at=turn.now)
            if arrival.message_id is None:
                log.info("duplicate delivery %s ignored", inbound.dedup_key)
                return Reply(_stored_reply(session, inbound, arrival))
            turn.resident = arrival.resident
            text = _route(turn, inbound)
            queries.store_reply(session, arrival.message_id, text, turn.intent)
    except Exception:
        log.exception("message %s from %s failed", inbound.dedup_key, inbound.sender)
        _keep_failed(desk, inbound, now)
        return Reply(replies.SORRY_ERROR)
    return Reply(text)


def _stored_reply(session, inbound: Inbound, arrival) -> str | None:
    """The reply recorded for the first copy of a retried push."""
    if arrival.stored_seen:
        return arrival.stored_reply
    stored = queries.inbound_by_key(session, inbound.dedup_key)  # it committed while this one waited
    return stored.reply if stored else None


def _route(turn: Turn, inbound: Inbound) -> str | None:
    if inbound.kind == "text":
        return dialogue.on_text(turn, inbound.text)
    if inbound.kind == "voice":
        return media.on_voice(turn, inbound)
    if inbound.kind == "image":
        return media.on_image(turn, inbound)
    if inbound.kind == "location":
        return media.on_location(turn, inbound)
    if inbound.kind == "event":
        return events.on_event(turn, inbound)
    return replies.TYPE_PLEASE


def _msg_type(inbound: Inbound) -> str:
    # the column keeps 32 characters; WeChat's longest event names are about 28
    return (f"event:{inbound.event}" if inbound.event else inbound.kind)[:32]


def _content(inbound: Inbound) -> str | None:
    if inbound.kind == "event":
        return inbound.event_key
    if inbound.kind == "location" and inbound.location:
        return f"{inbound.location.latitude},{inbound.location.longitude} {inbound.location.label}"
    return inbound.text or inbound.url or inbound.media_id


def _keep_failed(desk: Desk, inbound: Inbound, now) -> None:
    """Store a message whose handling failed, so nothing is lost and a retry gets the same apology."""
    try:
        with desk.work() as work:
            queries.record_inbound(work.session, inbound.dedup_key, openid=inbound.sender, msg_type=_msg_type(inbound),
                                   content=_content(inbound), received_at=now, reply=replies.SORRY_ERROR,
                                   intent="error")
    except Exception:
        log.exception("could not even keep message %s", inbound.dedup_key)
