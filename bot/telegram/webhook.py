"""POST /telegram/webhook: updates pushed by Telegram, checked against TELEGRAM_WEBHOOK_SECRET."""
from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, Response, current_app, request

from handlers.staff.dispatch import handle, record_unused_update

from .updates import to_action

log = logging.getLogger(__name__)
blueprint = Blueprint("telegram", __name__)

MAX_UPDATE_BYTES = 1 << 20


@blueprint.post("/telegram/webhook")
def webhook():
    """Updates pushed by Telegram; checked against TELEGRAM_WEBHOOK_SECRET in constant time."""
    secret = current_app.config["TELEGRAM_WEBHOOK_SECRET"]
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("telegram webhook: refused an update with %s secret from %s",
                    "no" if not given else "a wrong", request.remote_addr)
        return Response("forbidden", status=403, mimetype="text/plain")
    if (request.content_length or 0) > MAX_UPDATE_BYTES:
        return Response("too large", status=413, mimetype="text/plain")
    try:
        data = json.loads(request.get_data(cache=False) or b"null")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
        action = to_action(data)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("telegram webhook: bad update: %s", exc)
        return Response("bad request", status=400, mimetype="text/plain")
    desk = current_app.extensions["wuye"]
    if action is None:
        record_unused_update(desk, data["update_id"])
    else:
        handle(desk, action)
    return Response("ok", mimetype="text/plain")
