"""CPU per message on the WeChat request path, in-process (Flask test client, PostgreSQL and Redis).

    .venv/bin/python benchmarks/intake_cpu.py [--messages 1500] [--warmup 150] [--profile [--sort tottime]]
                                              [--statements]

Pushes signed WeChat messages in burst.py's mix (five outages reported by many residents of buildings
1-5, WeChat's retries of the same MsgId, ordinary repairs, complaints and questions) through
`POST /wechat` of one app in this process, with no server and no worker: what is measured is only the
web request's Python work (and this process's share of the database driver). Prints CPU ms per
message (time.process_time) and wall ms per message; with --profile, cProfile's top 25
(timed by CPU, so waits for PostgreSQL do not count).
With --statements, the SQL statements (BEGIN, SAVEPOINT and COMMIT included) each kind of message
needs on average: a retry, a household's first report, its later words, an ordinary message.
The first --warmup messages (and first-time costs such as the NLU model's load) are not counted.
Needs PostgreSQL (WUYE_BENCH_POSTGRES) and Redis (WUYE_BENCH_REDIS, default db 7).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.burst import AGAIN, OUTAGES, _database, messages, signed  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TOKEN = "bench-token"
REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/7")
# burst.py's groups: cards are routed as in the burst (jobs are queued, never sent: no worker runs here)
ROUTES = "electricity,water,lift,drain=-1002;complaint=-1003"


def build_app(database: str, var_dir: str):
    """The service's app on its own database, configured as burst.py configures it."""
    from app import create_app
    return create_app({"DATABASE_URL": database, "REDIS_URL": REDIS, "WECHAT_TOKEN": TOKEN, "ADMIN_TOKEN": "bench",
                       "VAR_DIR": var_dir, "LOG_LEVEL": "warning", "TELEGRAM_STAFF_CHAT_ID": "-1001",
                       "TELEGRAM_MANAGER_CHAT_IDS": "-1009", "TELEGRAM_GROUP_ROUTES": ROUTES})


def push(client, requests, each=None) -> int:
    """Post each request; the number that failed (not 200 or no body). each(request) runs after each."""
    failed = 0
    for request in requests:
        _, path, body, _ = request
        response = client.post(path, data=body, content_type="text/xml")
        failed += response.status_code != 200 or not response.data
        if each is not None:
            each(request)
    return failed


def count_statements(app, plan, requests) -> None:
    """Statements per kind of message (retry, first report, later words, ordinary), printed."""
    from sqlalchemy import event
    engine, seen, counted, per_kind = app.extensions["wuye"].sessions.kw["bind"], set(), [0], {}
    event.listen(engine, "before_cursor_execute", lambda *_: counted.__setitem__(0, counted[0] + 1))
    for name in ("begin", "commit", "rollback", "savepoint", "release_savepoint"):
        event.listen(engine, name, lambda *_, **__: counted.__setitem__(0, counted[0] + 1))
    again = {words for choices in AGAIN.values() for words in choices}

    def each(request):
        number, text = request[3], plan[request[3]][1]
        kind = "retry" if number in seen else "later words" if text in again else \
            "first report" if any(o in text for o in OUTAGES.values()) else "ordinary"
        seen.add(number)
        per_kind.setdefault(kind, []).append(counted[0])
        counted[0] = 0

    push(app.test_client(), requests, each)
    for kind, numbers in per_kind.items():
        print(f"{kind:<13} {len(numbers):5} messages  {sum(numbers) / len(numbers):5.1f} statements each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument("--residents", type=int, default=450)
    parser.add_argument("--ordinary", type=float, default=0.03, help="share of ordinary messages")
    parser.add_argument("--warmup", type=int, default=150, help="requests sent first and not counted")
    parser.add_argument("--var-dir", default=os.path.join(tempfile.gettempdir(), "wuye-bench-var"),
                        help="where the NLU model is trained once and kept")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 25")
    parser.add_argument("--sort", default="tottime", help="pstats sort key for --profile")
    parser.add_argument("--save", help="with --profile: also dump the stats to this file (pstats)")
    parser.add_argument("--statements", action="store_true", help="count SQL statements per kind of message")
    args = parser.parse_args()
    plan = messages(args.messages, min(args.residents, args.messages), args.ordinary)
    requests = signed(plan, 0.10)
    admin, name, database = _database()
    redis.Redis.from_url(REDIS).flushdb()
    try:
        import sqlalchemy
        engine = sqlalchemy.create_engine(database)
        upgrade(engine)
        engine.dispose()
        app = build_app(database, args.var_dir)
        if args.statements:
            count_statements(app, plan, requests)
            return
        client = app.test_client()
        failed = push(client, requests[: args.warmup])
        measured = requests[args.warmup:]
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        failed += push(client, measured)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{len(measured)} requests measured (+{args.warmup} warm-up, {len(requests)} with "
              f"{len(requests) - args.messages} retries); failed {failed}")
        print(f"CPU {cpu / len(measured) * 1000:.2f} ms/msg  wall {wall / len(measured) * 1000:.2f} ms/msg"
              f"{'  (under cProfile)' if profiler else ''}")
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(25)
            if args.save:
                profiler.dump_stats(args.save)
    finally:
        redis.Redis.from_url(REDIS).flushdb()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
