"""GET/POST /wechat: the Official Account's pushes in, passive replies out (wechatpy).

Knows WeChat's wire format and nothing about tickets: it checks the request, turns the XML into a
neutral Inbound (inbound.py), hands it to handlers.resident.dispatch and renders the answer as a
(possibly encrypted) passive reply within the same request, well inside WeChat's 5-second window.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time

from flask import Blueprint, Response, current_app, request
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from handlers.resident import dispatch

from .inbound import BadRequest, parse_xml, to_inbound

log = logging.getLogger(__name__)
blueprint = Blueprint("wechat", __name__)

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
CLOSE_CONNECTION = "wuye.close_connection"  # environ flag: web/wsgi.py closes the connection after the answer


def signature(*parts: str) -> str:
    """WeChat's SHA-1 signature of the sorted parts (wechatpy's signer)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _refuse(error: BadRequest) -> Response:
    log.warning("wechat: %s %s from %s", error.status, error.reason, request.remote_addr)
    messages = {400: "bad request", 403: "forbidden", 413: "too large"}
    if error.status == 413:  # the unread body is still on the connection: it cannot carry another request
        request.environ[CLOSE_CONNECTION] = True
    return Response(messages.get(error.status, "error"), status=error.status, mimetype="text/plain")


def _check_signature(args) -> None:
    """Refuse stale timestamps (replays) and wrong signatures, compared in constant time."""
    config = current_app.config
    sig, stamp, nonce = args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", "")
    if not (sig and stamp and nonce):
        raise BadRequest(403, "missing signature parameters")
    if not _TIMESTAMP.fullmatch(stamp):
        raise BadRequest(403, f"timestamp {stamp[:20]!r} is not a time")
    skew = abs(time.time() - int(stamp))
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
        if config["WECHAT_AES_KEY"] and not encrypted and not config["WECHAT_COMPATIBLE_MODE"]:
            # the signature covers no body in plaintext: a real push's query could carry a forged one
            raise BadRequest(403, "plaintext push in safe mode (WECHAT_COMPATIBLE_MODE is off)")
        xml = _decrypt(body) if encrypted else body.decode("utf-8", errors="strict")
        _use_once(request.args, xml)
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


def _use_once(args, xml: str) -> None:
    """A signed (timestamp, nonce) carries one message: the same pair with another message is refused
    (403) for as long as the timestamp is accepted; a true retry (the same message) passes and gets the
    stored reply. Kept in Redis so every process sees it; if Redis is down the push is let through
    (the signature was good) and the failure logged: a resident is not refused for our outage."""
    window = current_app.config["WECHAT_REPLAY_WINDOW_SECONDS"]
    pair = hashlib.sha256(f"{args.get('timestamp')}:{args.get('nonce')}".encode()).hexdigest()[:32]
    digest = hashlib.sha256(xml.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"wuye:wechat:signed:{pair}"
    try:
        redis = current_app.extensions["wuye"].jobs.connection
        first = redis.set(key, digest, nx=True, ex=2 * window + 60)
        seen = None if first else redis.get(key)
    except Exception as exc:  # redis.RedisError, OSError: availability over a second line of defence
        log.error("wechat: cannot remember signed query (%s); accepted", exc)
        return
    if seen is not None and seen.decode() != digest:
        raise BadRequest(403, "signed query used before with another message (replay)")


def _read_body(limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(413, f"body of {request.content_length} bytes")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise BadRequest(413, "body over the limit")
    if not body.strip():
        raise BadRequest(400, "empty body")
    return body


def _crypto() -> WeChatCrypto:
    config = current_app.config
    if not config["WECHAT_AES_KEY"]:
        raise BadRequest(400, "encrypted push but WECHAT_AES_KEY is not set")
    return WeChatCrypto(config["WECHAT_TOKEN"], config["WECHAT_AES_KEY"], config["WECHAT_APP_ID"])


def _decrypt(body: bytes) -> str:
    """Safe mode: check msg_signature over the ciphertext (constant time), then decrypt."""
    crypto = _crypto()
    envelope = parse_xml(body)
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
