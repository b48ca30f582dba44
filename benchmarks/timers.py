"""10,000 pending deadline timers: time to schedule them, Redis memory, and how late they fire.

    .venv/bin/python benchmarks/timers.py [--timers 10000] [--spread 300] [--workers 2]

Creates finished repairs, each with its pending follow-up timer (the only timer a finished ticket
has), in a fresh PostgreSQL database, schedules their rq jobs the way the service does (create_job +
schedule_job(unique=True)), then runs `wuye worker` processes (rq with its scheduler) and reads from
the database how late each timer fired. Due times are spread over --spread seconds. Each firing does
the real work: it locks and re-reads the timer and the ticket, checks the timer still applies, and
(these residents have no WeChat) creates a phone follow-up task with its ticket event, then re-plans.
Needs PostgreSQL (WUYE_BENCH_POSTGRES) and Redis (WUYE_BENCH_REDIS, default db 14, flushed).
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import redis
import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/14")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=10000)
    parser.add_argument("--spread", type=float, default=300, help="seconds over which the timers come due")
    parser.add_argument("--lead", type=float, default=15, help="seconds before the first one is due")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wuye_bench_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS, "LOG_LEVEL": "warning",
           "TELEGRAM_BOT_TOKEN": "", "FOLLOWUP_DELAY_MINUTES": "60"}
    connection = redis.Redis.from_url(REDIS)
    connection.flushdb()
    workers = []
    try:
        subprocess.run([str(ROOT / ".venv/bin/wuye"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "REDIS_URL", "LOG_LEVEL",
                                                                 "TELEGRAM_BOT_TOKEN", "FOLLOWUP_DELAY_MINUTES")})
        from app import create_app
        from handlers.tickets import deadlines
        from storage.models import Ticket, Timer, utcnow

        desk = create_app().extensions["wuye"]
        engine = desk.sessions.kw["bind"]
        now = utcnow()
        start = now + timedelta(seconds=args.lead + args.timers / 2000)
        fire = [start + timedelta(seconds=args.spread * i / args.timers) for i in range(args.timers)]
        with engine.begin() as db:
            db.execute(sqlalchemy.insert(Ticket), [
                {"code": f"BX-BENCH-{i:05d}", "kind": "repair", "status": "done", "urgent": False,
                 "description": "bench", "resident_words": "bench", "for_manager": False, "escalated": False,
                 "repeat_count": 0, "breached": False, "created_at": now - timedelta(hours=3), "updated_at": now,
                 "due_at": now, "done_at": fire[i] - timedelta(minutes=60)} for i in range(args.timers)])
            ids = [row[0] for row in db.execute(sqlalchemy.select(Ticket.id).order_by(Ticket.id))]
            db.execute(sqlalchemy.insert(Timer), [
                {"ticket_id": ticket_id, "kind": "followup", "status": "pending", "created_at": now,
                 "fire_at": fire[i]} for i, ticket_id in enumerate(ids)])
            timers = list(db.execute(sqlalchemy.select(Timer.id, Timer.fire_at)))
        memory_before = connection.info("memory")["used_memory"]
        t0 = time.perf_counter()
        for timer_id, fire_at in timers:
            deadlines.schedule(desk, timer_id, fire_at)
        scheduling = time.perf_counter() - t0
        memory = connection.info("memory")["used_memory"] - memory_before
        print(f"scheduled {len(timers)} timers in {scheduling:.1f} s ({len(timers) / scheduling:.0f}/s); "
              f"Redis memory +{memory / 2**20:.1f} MiB ({memory / len(timers):.0f} bytes a timer)")
        for _ in range(args.workers):
            workers.append(subprocess.Popen([str(ROOT / ".venv/bin/wuye"), "worker"], cwd=ROOT, env=env,
                                            start_new_session=True, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + args.lead + args.spread + 120
        while time.monotonic() < deadline:
            with engine.connect() as db:
                left = db.execute(sqlalchemy.text("SELECT count(*) FROM timers WHERE fired_at IS NULL "
                                                  "AND id <= :last"), {"last": timers[-1][0]}).scalar()
            if not left:
                break
            time.sleep(2)
        with engine.connect() as db:
            lateness = [row[0] for row in db.execute(sqlalchemy.text(
                "SELECT EXTRACT(EPOCH FROM fired_at - fire_at) FROM timers WHERE id <= :last AND fired_at IS NOT NULL"),
                {"last": timers[-1][0]})]
            tasks = db.execute(sqlalchemy.text("SELECT count(*) FROM phone_tasks")).scalar()
        lateness = sorted(float(x) for x in lateness)
        print(f"fired {len(lateness)} of {len(timers)} with {args.workers} workers over {args.spread:.0f} s: lateness "
              f"p50 {statistics.median(lateness):.2f} s, p99 {lateness[int(len(lateness) * 0.99) - 1]:.2f} s, "
              f"max {lateness[-1]:.2f} s; {tasks} phone follow-up tasks created")
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        connection.flushdb()
        with admin.connect() as db:
            db.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
