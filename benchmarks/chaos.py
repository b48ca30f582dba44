"""Chaos: a stream of replies and deadlines through real `wuye worker` processes while things go wrong.

    .venv/bin/python benchmarks/chaos.py [--replies 20] [--tickets 3] [--only kill-pid,flush]

For each fault a fresh PostgreSQL database, a redis-server of its own and the fake WeChat and Telegram
APIs (tests/fakes); replies to residents are queued and tickets opened (each with a reminder 24 s and a
missed acceptance 30 s after it opens, and the breach's escalation), the fault is applied mid-stream,
and once everything settled the script prints per fault: replies sent / delivered / duplicates / lost,
outbox rows and due timers still stuck, attempts counted as possible duplicates, and the worst lateness
of a timer (fired_at - fire_at). Needs PostgreSQL (WUYE_BENCH_POSTGRES).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import ADMIN_TOKEN, WECHAT_TOKEN, WeChatUser  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.fakes.wechat_api import FakeWeChat  # noqa: E402
from tests.faults import stack as kit  # noqa: E402
from tests.faults.conftest import SETTINGS, STAFF_CHAT  # noqa: E402

POSTGRES = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SEND = "message/custom/send"


def kill_pid(run):
    kit.wait_for(lambda: run.wechat.sent, 60, "a send")
    run.workers.kill_pid(run.workers.processes[-1])
    run.workers.start()


def kill_group(run):
    kit.wait_for(lambda: run.wechat.sent, 60, "a send")
    run.workers.kill_group(run.workers.processes[-1])
    run.workers.start()


def restart_late(run):
    run.workers.kill_group(run.workers.processes[-1])
    time.sleep(1)
    run.workers.start()


def database_error(run):
    engine = sqlalchemy.create_engine(run.database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE ticket_events RENAME TO ticket_events_away")
    time.sleep(28)  # across the reminders' firing
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE ticket_events_away RENAME TO ticket_events")
    engine.dispose()


def flush(run):
    run.workers.processes[-1].terminate()
    run.workers.processes[-1].wait(30)
    run.redis.client.flushall()
    run.workers.start()


def rate_limited(run):
    for i in range(3):
        with run.desk.work() as work:
            from handlers import outbox
            outbox.to_staff(work, STAFF_CHAT, f"工单提醒第{i}条")


FAULTS = {  # name: (what, before the stream, the fault, worker queues, worker settings)
    "kill-pid": ("kill -9 of the worker pid mid-delivery, restart", lambda r: r.wechat.slow_down(SEND, 2, True),
                 kill_pid, ["all"], {}),
    "kill-group": ("kill -9 of the process group mid-delivery, restart", lambda r: r.wechat.slow_down(SEND, 2, True),
                   kill_group, ["all"], {}),
    "restart-late": ("worker killed, a new one 1 s later", None, restart_late, ["all"], {}),
    "db-error": ("the events table unavailable for 28 s while timers fire", None, database_error, ["all"], {}),
    "flush": ("Redis FLUSHALL with replies and timers pending, restart", None, flush, ["all"], {}),
    "429": ("Telegram 429 retry_after 20 s", lambda r: r.telegram.fail_next("*", 429, retry_after=20, times=3),
            rate_limited, ["all"], {}),
    "hang": ("WeChat hangs 4 s per call", lambda r: r.wechat.slow_down(SEND, 4), None, ["timers", "deliveries"], {}),
    "late-answer": ("WeChat answers after the client's 1 s timeout", lambda r: r.wechat.slow_down(SEND, 2, True),
                    None, ["all"], {"WECHAT_TIMEOUT_SECONDS": 1}),
}


class Run:
    """One fault's stack."""

    def __init__(self, database_url, directory, wechat, telegram, var_dir):
        from app import create_app
        self.database_url, self.wechat, self.telegram = database_url, wechat, telegram
        self.redis = kit.RedisServer(directory)
        settings = {**SETTINGS, "LOG_LEVEL": "WARNING", "DATABASE_URL": database_url, "REDIS_URL": self.redis.url,
                    "VAR_DIR": var_dir, "WECHAT_TOKEN": WECHAT_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN,
                    "WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.secret,
                    "WECHAT_API_BASE_URL": wechat.base_url, "TELEGRAM_BOT_TOKEN": telegram.token,
                    "TELEGRAM_BASE_URL": telegram.base_url}
        self.app = create_app(settings)
        self.desk = self.app.extensions["wuye"]
        self.workers = kit.Workers({**os.environ, **{k: str(v) for k, v in settings.items()}}, directory)


def run_fault(name: str, replies: int, tickets: int, var_dir: str) -> dict:
    what, before, fault, queues, extra = FAULTS[name]
    admin = sqlalchemy.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1),
                                     isolation_level="AUTOCOMMIT")
    database = f"wuye_chaos_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    url = str(admin.url.set(database=database).render_as_string(hide_password=False))
    from storage.migrate import upgrade
    engine = sqlalchemy.create_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        with tempfile.TemporaryDirectory() as directory, FakeWeChat() as wechat, FakeTelegram() as telegram:
            run = Run(url, Path(directory), wechat, telegram, var_dir)
            try:
                return _stream(run, what, before, fault, queues, extra, replies, tickets)
            finally:
                run.workers.stop_all()
                run.redis.stop()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{database}" WITH (FORCE)')
        admin.dispose()


def _stream(run, what, before, fault, queues, extra, replies, tickets) -> dict:
    for queue in queues:
        run.workers.start(queue, **extra)
    kit.wait_for(lambda: len(list(run.redis.client.scan_iter("wuye:heartbeat:worker:*"))) >= len(queues), 180,
                 "workers")
    if before:
        before(run)
    for i in range(tickets):
        WeChatUser(run.app.test_client(), f"o_chaos_reporter_{i:04d}").say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    texts = kit.replies(run.desk, replies, "混沌")
    if fault:
        fault(run)
    if before:
        time.sleep(5)
        run.wechat.slow_down(SEND, 0)
    started = time.monotonic()
    kit.wait_for(lambda: kit.timers_planned(run.desk, tickets) and _fired(run.desk) >= 2 * tickets
                 and kit.settled(run.desk), 300, "everything to settle")
    result = kit.outcome(run.desk, run.wechat, texts)
    return {"fault": what, **vars(result), "idle_tx": kit.idle_in_transaction(run.database_url),
            "settle_s": time.monotonic() - started}


def _fired(desk) -> int:
    from storage.models import Timer
    with desk.sessions() as session:
        return session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Timer)
                              .where(Timer.status == "fired"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=3)
    parser.add_argument("--only", default=",".join(FAULTS))
    args = parser.parse_args()
    print("| fault | sent | delivered | duplicates (counted) | lost | stuck rows | stuck timers | timers fired "
          "| worst lateness |")
    print("|---|---|---|---|---|---|---|---|---|")
    var_dir = tempfile.mkdtemp(prefix="wuye-chaos-")  # the NLU model is trained once, shared by every fault
    for name in args.only.split(","):
        r = run_fault(name, args.replies, args.tickets, var_dir)
        print(f"| {r['fault']} | {r['sent']} | {r['delivered']} | {r['duplicates']} ({r['doubtful']}) | {r['lost']} "
              f"| {r['stuck_rows']} | {r['timers_stuck']} | {r['timers_fired']} | {r['worst_lateness']:.1f} s |",
              flush=True)


if __name__ == "__main__":
    main()
