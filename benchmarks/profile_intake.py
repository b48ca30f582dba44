"""CPU per message on the burst benchmark's intake path, in one process, with cProfile.

    .venv/bin/python benchmarks/profile_intake.py [--messages 400] [--warmup 100] [--top 30]

Builds the app on a fresh PostgreSQL database (WUYE_BENCH_POSTGRES) and Redis (WUYE_BENCH_REDIS,
default db 6), sends the burst benchmark's signed messages (benchmarks/burst.py: outages in five
buildings, repeats, ordinary requests, 10% retries) through the Flask test client, and prints the
CPU time per message (time.process_time, so waiting on PostgreSQL is not counted) and the functions
that take it. The first --warmup messages are not measured (the NLU model loads, caches fill).
No workers run: what is measured is the resident's 5-second path, not the jobs it queues.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.burst import TOKEN, _database, messages, signed  # noqa: E402

REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/6")


def build(database: str, var_dir: str):
    """The app as the burst benchmark configures it, on a migrated database."""
    from app import create_app
    from storage.migrate import upgrade

    engine = sqlalchemy.create_engine(database)
    upgrade(engine)
    engine.dispose()
    return create_app({"DATABASE_URL": database, "REDIS_URL": REDIS, "WECHAT_TOKEN": TOKEN, "ADMIN_TOKEN": "bench",
                       "VAR_DIR": var_dir,
                       "TELEGRAM_STAFF_CHAT_ID": "-1001", "TELEGRAM_MANAGER_CHAT_IDS": "-1009",
                       "TELEGRAM_GROUP_ROUTES": "electricity,water,lift,drain=-1002;complaint=-1003"})


def send(client, requests) -> int:
    """Post each signed message; returns how many were answered 200."""
    ok = 0
    for _offset, path, body, _n in requests:
        response = client.post(path, data=body, content_type="text/xml")
        ok += response.status_code == 200
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="requests measured (twice: plain, profiled)")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--dump", help="also write the profile to this file (python -m pstats FILE)")
    args = parser.parse_args()
    admin, name, database = _database()
    var_dir = tempfile.mkdtemp(prefix="wuye-profile-")   # the NLU model is trained into it
    try:
        app = build(database, var_dir)
        # one plan (message ids are unique within it): warm-up, an unprofiled half, a profiled half
        total = args.warmup + 2 * args.messages
        plan = signed(messages(total, max(60, total // 3), 0.03), 0.1)
        warm, plain, profiled = (plan[:args.warmup], plan[args.warmup:args.warmup + args.messages],
                                 plan[args.warmup + args.messages:])
        client = app.test_client()
        send(client, warm)
        start_cpu = time.process_time()
        send(client, plain)
        plain_cpu = time.process_time() - start_cpu
        profile = cProfile.Profile(time.process_time)   # CPU, not waiting on PostgreSQL
        start_cpu = time.process_time()
        profile.enable()
        ok = send(client, profiled)
        profile.disable()
        cpu = time.process_time() - start_cpu
        if args.dump:
            profile.dump_stats(args.dump)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        print(f"unprofiled: {len(plain)} requests, {plain_cpu / len(plain) * 1000:.2f} ms CPU each; "
              f"profiled: {len(profiled)} requests ({ok} answered 200), {cpu / len(profiled) * 1000:.2f} ms CPU each")
        app.extensions["wuye"].sessions.kw["bind"].dispose()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
