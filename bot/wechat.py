"""The residents' channel: WeChat Official Account pushes in, passive replies out (wechatpy).

Knows WeChat's wire format and nothing about tickets: it checks the request, turns the XML into a
neutral Inbound, hands it to handlers.dispatch and renders the answer as a (possibly encrypted)
passive reply within the same request, well inside WeChat's 5-second window.
"""
from __future__ import annotations

import hmac
import logging
import time
from datetime import datetime, timezone
from xml.parsers.expat import ExpatError

import xmltodict
from flask import Blueprint, Response, current_app, request
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.events import EVENT_TYPES
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from handlers import dispatch
from handlers.messages import Inbound, Location

log = logging.getLogger(__name__)
blueprint = Blueprint("wechat", __name__)

REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
KINDS = {"text": "text", "voice": "voice", "image": "image", "location": "location", "event": "event"}


class BadRequest(Exception):
    """A push to refuse; status is the HTTP answer, reason goes to the log (never to the caller)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def signature(*parts: str) -> str:
    """WeChat's SHA-1 signature of the sorted parts (wechatpy's signer)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _refuse(error: BadRequest) -> Response:
    log.warning("wechat: %s %s from %s", error.status, error.reason, request.remote_addr)
    messages = {400: "bad request", 403: "forbidden", 413: "too large"}
    return Response(messages.get(error.status, "error"), status=error.status, mimetype="text/plain")


def _check_signature(args) -> None:
    """Refuse stale timestamps (replays) and wrong signatures, compared in constant time."""
    config = current_app.config
    sig, stamp, nonce = args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", "")
    if not (sig and stamp and nonce):
        raise BadRequest(403, "missing signature parameters")
    try:
        skew = abs(time.time() - int(stamp))
    except ValueError:
        raise BadRequest(403, f"timestamp {stamp[:20]!r} is not a number") from None
    if skew > config["WECHAT_REPLAY_WINDOW_SECONDS"]:
        raise BadRequest(403, f"timestamp {skew:.0f} s away from now (replay?)")
    if not hmac.compare_digest(signature(config["WECHAT_TOKEN"], stamp, nonce), sig):
        raise BadRequest(403, "wrong signature")


@blueprint.get("/wechat")
def verify():
    """URL verification from the WeChat console: echo echostr when the signature is right."""
    try:
        _check_signature(request.args)
    except BadRequest as error:
        return _refuse(error)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@blueprint.post("/wechat")
def receive():
    """A message or event from WeChat; the answer is the passive reply."""
    config = current_app.config
    try:
        body = _read_body(config["WECHAT_MAX_BODY_BYTES"])
        _check_signature(request.args)
        encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
        xml = _decrypt(body) if encrypted else body.decode("utf-8", errors="strict")
        inbound = to_inbound(xml)
    except BadRequest as error:
        return _refuse(error)
    except UnicodeDecodeError:
        return _refuse(BadRequest(400, "body is not UTF-8"))
    reply = dispatch.handle(current_app.extensions["wuye"], inbound)
    if reply.text is None:
        return Response("success", mimetype="text/plain")
    rendered = TextReply(content=reply.text, source=inbound.raw["ToUserName"], target=inbound.sender).render()
    if encrypted:
        rendered = _crypto().encrypt_message(rendered, request.args.get("nonce", ""),
                                             request.args.get("timestamp"))
    return Response(rendered, mimetype="application/xml")


def _read_body(limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(413, f"body of {request.content_length} bytes")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise BadRequest(413, "body over the limit")
    if not body.strip():
        raise BadRequest(400, "empty body")
    return body


def _parse_xml(text: str | bytes) -> dict:
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


def _crypto() -> WeChatCrypto:
    config = current_app.config
    if not config["WECHAT_AES_KEY"]:
        raise BadRequest(400, "encrypted push but WECHAT_AES_KEY is not set")
    return WeChatCrypto(config["WECHAT_TOKEN"], config["WECHAT_AES_KEY"], config["WECHAT_APP_ID"])


def _decrypt(body: bytes) -> str:
    """Safe mode: check msg_signature over the ciphertext (constant time), then decrypt."""
    crypto = _crypto()
    envelope = _parse_xml(body)
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise BadRequest(400, "encrypted push without <Encrypt>")
    args = request.args
    expected = signature(crypto.token, args.get("timestamp", ""), args.get("nonce", ""), encrypt)
    if not hmac.compare_digest(expected, args.get("msg_signature", "")):
        raise BadRequest(403, "wrong msg_signature")
    try:
        return PrpCrypto(crypto.key).decrypt(encrypt, crypto.app_id)
    except InvalidAppIdException:
        raise BadRequest(403, "encrypted for another AppID") from None
    except Exception as exc:  # padding, base64, length: all mean a corrupt ciphertext
        raise BadRequest(400, f"cannot decrypt: {exc.__class__.__name__}") from None


def to_inbound(xml: str) -> Inbound:
    """The neutral message for a WeChat push; BadRequest when fields are missing."""
    fields = _parse_xml(xml)
    missing = [name for name in REQUIRED if not isinstance(fields.get(name), str) or not fields[name].strip()]
    if missing:
        raise BadRequest(400, f"missing {', '.join(missing)}")
    try:
        created = int(fields["CreateTime"])
    except ValueError:
        raise BadRequest(400, "CreateTime is not a number") from None
    msg_type = fields["MsgType"].strip().lower()
    # wechatpy's typed message for the already-parsed fields (its parse_message would parse the XML again).
    message_class = EVENT_TYPES.get((fields.get("Event") or "").lower()) if msg_type == "event" else \
        MESSAGE_TYPES.get(msg_type)
    message = (message_class or UnknownMessage)(fields)
    sender = fields["FromUserName"].strip()
    msg_id = fields.get("MsgId")
    event = fields.get("Event", "").lower() if msg_type == "event" else None
    # Messages carry MsgId; events do not, so they are keyed by sender, CreateTime and event.
    dedup_key = f"wechat:{msg_id}" if msg_id else f"wechat:{sender}:{created}:{event or msg_type}"
    common = dict(channel="wechat", sender=sender, dedup_key=dedup_key, raw=fields,
                  created_at=datetime.fromtimestamp(created, timezone.utc).replace(tzinfo=None))
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
