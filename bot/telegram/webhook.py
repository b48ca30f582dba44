"""POST /telegram/webhook: updates pushed by Telegram, checked against TELEGRAM_WEBHOOK_SECRET.

Telegram redelivers an update answered with a 5xx, so nothing here answers one: a body that is not an
update the desk can read is 400 (logged), one over the limit 413 (chunked too), and an update whose
handling fails is logged, remembered as seen and answered 200, as long polling does.
"""
from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, Response, current_app, request

from handlers.staff.dispatch import handle, record_unused_update

from .client import bot_username
from .updates import BadUpdate, to_action

log = logging.getLogger(__name__)
blueprint = Blueprint("telegram", __name__)

MAX_UPDATE_BYTES = 1 << 20
CLOSE_CONNECTION = "wuye.close_connection"  # environ flag: web/wsgi.py closes the connection after the answer


@blueprint.post("/telegram/webhook")
def webhook():
    """Updates pushed by Telegram; checked against TELEGRAM_WEBHOOK_SECRET in constant time."""
    config = current_app.config
    secret = config["TELEGRAM_WEBHOOK_SECRET"]
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("telegram webhook: refused an update with %s secret from %s",
                    "no" if not given else "a wrong", request.remote_addr)
        return Response("forbidden", status=403, mimetype="text/plain")
    body = _read_body(MAX_UPDATE_BYTES)
    if body is None:
        log.warning("telegram webhook: update over %d bytes from %s", MAX_UPDATE_BYTES, request.remote_addr)
        request.environ[CLOSE_CONNECTION] = True  # the rest of the body is still on the connection
        return Response("too large", status=413, mimetype="text/plain")
    try:
        data = json.loads(body or b"null")
        action = to_action(data, bot_username(config))
    except (ValueError, RecursionError, BadUpdate) as exc:  # RecursionError: JSON nested thousands deep
        log.warning("telegram webhook: bad update: %s", str(exc)[:200])
        return Response("bad request", status=400, mimetype="text/plain")
    desk = current_app.extensions["wuye"]
    try:
        if action is None:
            record_unused_update(desk, data["update_id"])
        else:
            handle(desk, action)
    except Exception:  # a bug must not make Telegram redeliver the update forever
        log.exception("telegram webhook: update %s failed", data["update_id"])
        _remember(desk, data["update_id"])
    return Response("ok", mimetype="text/plain")


def _read_body(limit: int) -> bytes | None:
    """The body, or None when it is over the limit (declared or, chunked, as read)."""
    if (request.content_length or 0) > limit:
        return None
    body = request.stream.read(limit + 1)
    return None if len(body) > limit else body


def _remember(desk, update_id: int) -> None:
    try:
        record_unused_update(desk, update_id)
    except Exception:
        log.exception("telegram webhook: could not even remember update %s", update_id)
