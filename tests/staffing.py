"""Helpers for tests of the staff side: fake APIs, registered staff, a worker run until idle."""
from __future__ import annotations

import time

from rq import Queue
from sqlalchemy import select

from handlers.queue import QUEUE_NAME, deliveries_name
from handlers.worker import run
from storage.db import session_scope
from storage.models import Staff, Ticket

STAFF_CHAT = -1001000000001
OTHER_CHAT = -1009999999999
ZHANG, LI, WANG, STRANGER = 1001, 1002, 1003, 4242
HOOK_SECRET = "hook-secret-123"


def settings(telegram, wechat, **extra) -> dict:
    """App settings pointing the real client libraries at the fakes."""
    return {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
            "TELEGRAM_STAFF_CHAT_ID": STAFF_CHAT, "TELEGRAM_WEBHOOK_SECRET": HOOK_SECRET,
            "WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.secret, "WECHAT_API_BASE_URL": wechat.base_url,
            "DELIVERY_RETRY_SECONDS": "0,0,0", "TELEGRAM_RATE_PER_SECOND": 1000,
            "TELEGRAM_GROUP_RATE_PER_MINUTE": 60000, **extra}


def register_staff(desk) -> None:
    """张师傅 and 李师傅 (staff of the group) and 王经理 (manager)."""
    with session_scope(desk.sessions) as session:
        session.add_all([Staff(telegram_user_id=ZHANG, name="张师傅", role="staff", groups=[STAFF_CHAT]),
                         Staff(telegram_user_id=LI, name="李师傅", role="staff", groups=[STAFF_CHAT]),
                         Staff(telegram_user_id=WANG, name="王经理", role="manager", groups=[])])


def drain(desk, rounds: int = 20, lookahead: float = 1.0) -> None:
    """Run the real rq worker (burst, with scheduler) until nothing is queued or due within
    `lookahead` seconds on either queue (short waits such as rate-limit retries are waited out; jobs are
    scheduled at whole seconds, rounded up, so a wait of n seconds needs a lookahead of n + 1)."""
    queues = [Queue(name, connection=desk.jobs.connection) for name in (QUEUE_NAME, deliveries_name())]
    for _ in range(rounds):
        run(desk, burst=True)
        queued = sum(queue.count for queue in queues)
        due = sorted(queue.scheduled_job_registry.get_scheduled_time(job_id).timestamp() for queue in queues
                     for job_id in queue.scheduled_job_registry.get_jobs_to_schedule(int(time.time() + lookahead)))
        if not queued and not due:
            return
        if due and not queued:
            time.sleep(max(0.0, min(1.0, due[0] - time.time())))
    raise AssertionError("jobs still queued after draining")


def push(app, update, secret=HOOK_SECRET):
    """Post a Telegram update to the webhook, as Telegram does (with the secret header unless None)."""
    return app.test_client().post("/telegram/webhook", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {})


def ticket(desk, **filters) -> Ticket:
    with desk.sessions() as session:
        found = session.scalars(select(Ticket).filter_by(**filters).order_by(Ticket.id.desc())).first()
        session.expunge_all()
        return found
