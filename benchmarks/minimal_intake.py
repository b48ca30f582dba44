"""A yardstick for benchmarks/intake_load.py: the least any intake must do on this stack.

Per message it checks the signature (wechatpy's signer, constant-time compare), parses the XML,
runs the project's NLU on the text, writes the message, the resident, a numbered ticket and its
event in ONE PostgreSQL statement (a chain of INSERT ... RETURNING in a WITH) inside one
transaction, queues one rq job and renders the passive reply with wechatpy.

Everything the real path adds is missing on purpose: conversation state, asking for missing
details, the repeat check, the knowledge base, complaints for the manager, ORM objects. So its
throughput is a ceiling for the real intake on the same machine and server settings, not a
design to copy. Served by gunicorn as `benchmarks.minimal_intake:create_app()`; PostgreSQL only.
"""
from __future__ import annotations

import hmac
from datetime import datetime, timezone

import xmltodict
from flask import Flask, Response, request
from rq import Queue
from sqlalchemy import create_engine, text
from wechatpy.replies import TextReply

from bot.wechat.webhook import signature
from config import load_config
from handlers import queue
from handlers.resident.parsed import Parsed
from nlu.service import NLU

# inbound message -> resident upsert -> code counter -> ticket -> event; a retry (MsgId taken)
# makes the first INSERT return nothing, so nothing after it is written either.
WRITE = text("""
WITH message AS (
    INSERT INTO inbound_messages (dedup_key, openid, msg_type, content, received_at, intent)
    VALUES (:key, :openid, 'text', :content, :now, :intent)
    ON CONFLICT (dedup_key) DO NOTHING RETURNING id),
resident AS (
    INSERT INTO residents (openid, address_confirmed, active, last_message_at, created_at, updated_at)
    SELECT :openid, false, true, :now, :now, :now FROM message
    ON CONFLICT (openid) DO UPDATE SET last_message_at = excluded.last_message_at RETURNING id),
counter AS (
    INSERT INTO code_counters (prefix, day, value) SELECT 'BX', :day, 1 FROM message
    ON CONFLICT (prefix, day) DO UPDATE SET value = code_counters.value + 1 RETURNING value),
ticket AS (
    INSERT INTO tickets (code, kind, status, urgent, category, description, resident_words, resident_id,
                         breached, for_manager, escalated, repeat_count, due_at, created_at, updated_at)
    SELECT 'BX-' || :day || '-' || lpad(counter.value::text, 4, '0'), 'repair', 'new', false, :category,
           :content, :content, resident.id, false, false, false, 0, :now, :now, :now
    FROM resident, counter RETURNING id, code),
event AS (
    INSERT INTO ticket_events (ticket_id, at, actor, action, detail)
    SELECT ticket.id, :now, 'resident:' || :openid, 'created', NULL FROM ticket)
SELECT id, code FROM ticket
""")


def create_app() -> Flask:
    settings = load_config()
    engine = create_engine(settings["DATABASE_URL"], pool_pre_ping=True, pool_size=10)
    jobs = Queue("wuye-yardstick", connection=queue.connect(settings))
    nlu = NLU.from_config(settings)
    nlu.parse("你好")
    token = settings["WECHAT_TOKEN"]
    app = Flask(__name__)

    @app.post("/wechat")
    def receive():
        args = request.args
        expected = signature(token, args.get("timestamp", ""), args.get("nonce", ""))
        if not hmac.compare_digest(expected, args.get("signature", "")):
            return Response("forbidden", status=403)
        fields = xmltodict.parse(request.get_data(), disable_entities=True)["xml"]
        parsed = Parsed.from_nlu(nlu.parse(fields["Content"]))
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with engine.begin() as connection:
            row = connection.execute(WRITE, {
                "key": f"wechat:{fields['MsgId']}", "openid": fields["FromUserName"], "content": fields["Content"],
                "now": now, "intent": parsed.intent, "day": now.strftime("%Y%m%d"),
                "category": (parsed.entities.get("category") or [None])[0],
            }).one_or_none()
        if row is None:
            return Response("success", mimetype="text/plain")  # a retry: the real path answers it again
        jobs.enqueue("os.getpid", row.id)  # stands in for "post the card, plan the timers"
        reply = TextReply(content=f"已为您受理报修，工单号 {row.code}。", source=fields["ToUserName"],
                          target=fields["FromUserName"])
        return Response(reply.render(), mimetype="application/xml")

    return app
