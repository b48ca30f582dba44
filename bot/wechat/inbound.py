"""A WeChat push's XML as a neutral Inbound; BadRequest (with the HTTP status to answer) when it is not one."""
from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timezone
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage

from handlers.messages import Inbound, Location

REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
KINDS = {"text": "text", "voice": "voice", "image": "image", "location": "location", "event": "event"}
# Fields the desk reads: each must be text (or absent). WeChat repeats no field; a repeated or nested one
# (xmltodict: a list or a dict) is a forged push. Menu events' nested blocks (ScanCodeInfo...) are not read.
READ = REQUIRED + ("MsgId", "Event", "EventKey", "Content", "MediaId", "PicUrl", "Recognition", "Format",
                   "Location_X", "Location_Y", "Scale", "Label")
# Lengths the tables keep (inbound_messages.openid, dedup_key) and more than WeChat ever sends.
MAX_OPENID, MAX_MSG_ID, MAX_EVENT = 64, 64, 64
# Characters XML 1.0 forbids, raw or as character references: WeChat passes a pasted U+001D (and its
# kind) through inside CDATA, which no XML parser accepts. They carry nothing a person reads.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORBIDDEN_REF = re.compile(r"&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));", re.I)


class BadRequest(Exception):
    """A push to refuse; status is the HTTP answer, reason goes to the log (never to the caller)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def parse_xml(text: str | bytes) -> dict:
    """The fields under <xml>, refusing DTDs and entities (XXE, billion laughs) and malformed XML."""
    # WeChat never sends a DTD; one here can only be an entity-expansion or XXE attempt.
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "body is not UTF-8") from None
    head = text[:4096].upper()
    if "<!DOCTYPE" in head or "<!ENTITY" in head:
        raise BadRequest(400, "XML with a document type or entity declaration")
    text = _FORBIDDEN_REF.sub("", _FORBIDDEN.sub("", text))
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
    nested = [name for name in READ if name in fields and fields[name] is not None and not isinstance(fields[name], str)]
    if nested:
        raise BadRequest(400, f"repeated or nested {', '.join(nested)}")
    missing = [name for name in REQUIRED if not fields.get(name) or not fields[name].strip()]
    if missing:
        raise BadRequest(400, f"missing {', '.join(missing)}")
    msg_type = fields["MsgType"].strip().lower()
    sender = fields["FromUserName"].strip()
    msg_id = (fields.get("MsgId") or "").strip()
    if len(sender) > MAX_OPENID or len(msg_id) > MAX_MSG_ID:
        raise BadRequest(400, f"FromUserName or MsgId longer than {MAX_OPENID} characters")
    event = None
    if msg_type == "event":
        event = (fields.get("Event") or "").strip().lower()
        if not event or len(event) > MAX_EVENT:
            raise BadRequest(400, "event without a name, or with a name of over 64 characters")
    common = dict(channel="wechat", sender=sender, dedup_key=_dedup_key(fields, sender, msg_id, event), raw=fields,
                  created_at=_created(fields["CreateTime"]))
    return _typed(fields, msg_type, event, common)


def _created(raw: str) -> datetime:
    """CreateTime (seconds since 1970) as naive UTC; BadRequest outside 1970..9999."""
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 11:
        raise BadRequest(400, f"CreateTime {raw[:20]!r} is not a time")
    try:
        return datetime.fromtimestamp(int(raw), timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise BadRequest(400, f"CreateTime {raw!r} is out of range") from None


def _dedup_key(fields: dict, sender: str, msg_id: str, event: str | None) -> str:
    """Messages are keyed by MsgId. Events carry none: sender, CreateTime, event and a digest of every
    field, so two menu clicks in one second differ (EventKey) while a retry (the same push) matches."""
    if msg_id:
        return f"wechat:{msg_id}"
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"wechat:{sender}:{fields['CreateTime'].strip()}:{(event or fields['MsgType'].strip().lower())[:24]}:{digest}"


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
        return Inbound(kind="location", location=_location(message), **common)
    if kind == "event":
        key = fields.get("EventKey") if isinstance(fields.get("EventKey"), str) else None
        if not isinstance(message, UnknownMessage) and getattr(message, "key", None):
            key = message.key
        return Inbound(kind="event", event=event, event_key=key, **common)
    return Inbound(kind="unsupported", **common)


def _location(message) -> Location:
    """A pin's coordinates: finite numbers on the globe (nan or inf would be stored and break JSON later)."""
    try:
        latitude, longitude = float(message.location_x), float(message.location_y)
    except (KeyError, TypeError, ValueError):
        raise BadRequest(400, "location message without valid coordinates") from None
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90 or abs(longitude) > 180:
        raise BadRequest(400, "location outside the globe")
    return Location(latitude, longitude, message.label or "")
