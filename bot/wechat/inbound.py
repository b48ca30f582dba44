"""A WeChat push's XML as a neutral Inbound; BadRequest (with the HTTP status to answer) when it is not one."""
from __future__ import annotations

from datetime import datetime, timezone
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage

from handlers.messages import Inbound, Location

REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
KINDS = {"text": "text", "voice": "voice", "image": "image", "location": "location", "event": "event"}


class BadRequest(Exception):
    """A push to refuse; status is the HTTP answer, reason goes to the log (never to the caller)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def parse_xml(text: str | bytes) -> dict:
    """The fields under <xml>, refusing DTDs and entities (XXE, billion laughs) and malformed XML."""
    # WeChat never sends a DTD; one here can only be an entity-expansion or XXE attempt.
    head = text[:4096] if isinstance(text, str) else text[:4096].decode("utf-8", "replace")
    if "<!DOCTYPE" in head.upper() or "<!ENTITY" in head.upper():
        raise BadRequest(400, "XML with a document type or entity declaration")
    try:
        document = xmltodict.parse(text, disable_entities=True)
    except (ExpatError, ValueError) as exc:
        raise BadRequest(400, f"malformed XML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("xml"), dict):
        raise BadRequest(400, "XML without an <xml> root")
    return document["xml"]


def to_inbound(xml: str) -> Inbound:
    """The neutral message for a WeChat push; BadRequest when fields are missing."""
    fields = parse_xml(xml)
    missing = [name for name in REQUIRED if not isinstance(fields.get(name), str) or not fields[name].strip()]
    if missing:
        raise BadRequest(400, f"missing {', '.join(missing)}")
    try:
        created = int(fields["CreateTime"])
    except ValueError:
        raise BadRequest(400, "CreateTime is not a number") from None
    msg_type = fields["MsgType"].strip().lower()
    sender = fields["FromUserName"].strip()
    msg_id = fields.get("MsgId")
    event = fields.get("Event", "").lower() if msg_type == "event" else None
    # Messages carry MsgId; events do not, so they are keyed by sender, CreateTime and event.
    dedup_key = f"wechat:{msg_id}" if msg_id else f"wechat:{sender}:{created}:{event or msg_type}"
    common = dict(channel="wechat", sender=sender, dedup_key=dedup_key, raw=fields,
                  created_at=datetime.fromtimestamp(created, timezone.utc).replace(tzinfo=None))
    return _typed(fields, msg_type, event, common)


def _typed(fields: dict, msg_type: str, event: str | None, common: dict) -> Inbound:
    # wechatpy's typed message for the already-parsed fields (its parse_message would parse the XML again).
    message_class = EVENT_TYPES.get((fields.get("Event") or "").lower()) if msg_type == "event" else \
        MESSAGE_TYPES.get(msg_type)
    message = (message_class or UnknownMessage)(fields)
    kind = KINDS.get(msg_type, "unsupported")
    if kind == "text":
        if not isinstance(fields.get("Content"), str):
            raise BadRequest(400, "text message without Content")
        return Inbound(kind="text", text=message.content, **common)
    if kind == "voice":
        return Inbound(kind="voice", text=(message.recognition or "").strip(), media_id=message.media_id, **common)
    if kind == "image":
        return Inbound(kind="image", media_id=message.media_id, url=message.image, **common)
    if kind == "location":
        try:
            location = Location(float(message.location_x), float(message.location_y), message.label or "")
        except (KeyError, TypeError, ValueError):
            raise BadRequest(400, "location message without valid coordinates") from None
        return Inbound(kind="location", location=location, **common)
    if kind == "event":
        key = fields.get("EventKey") if isinstance(fields.get("EventKey"), str) else None
        if not isinstance(message, UnknownMessage) and getattr(message, "key", None):
            key = message.key
        return Inbound(kind="event", event=event, event_key=key, **common)
    return Inbound(kind="unsupported", **common)
