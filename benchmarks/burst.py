"""Mass outages: a burst of signed WeChat messages under gunicorn with PostgreSQL, Redis and `wuye worker`s.

    .venv/bin/python benchmarks/burst.py [--messages 10000] [--seconds 60] [--residents 3000]

Five simultaneous outages in five buildings (power, water, lift, power, water) are reported by most of
the residents, some several times, mixed with ordinary repairs, complaints and questions from the rest;
10% of the messages are sent again as WeChat's retries (same MsgId). The messages go at an even rate
over --seconds to the service and, on the same gunicorn settings, to a bare Flask endpoint. Fake Telegram
and WeChat APIs (tests/fakes) run on loopback. Prints reply latency (p50/p99/max), messages lost or
duplicated, tickets and incidents created, Telegram messages per group per minute and the longest wait
of a staff message in the outbox, timers created, and CPU per message of the service's processes.
Needs PostgreSQL (WUYE_BENCH_POSTGRES) and Redis (WUYE_BENCH_REDIS, default db 6).
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psutil
import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.intake_load import POSTGRES, _free_port, serve, stop  # noqa: E402
from bot.wechat import push as wechat_push  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.fakes.wechat_api import FakeWeChat  # noqa: E402

TOKEN = "bench-token"
REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/6")
STAFF, REPAIRS_GROUP, COMPLAINTS_GROUP, MANAGERS = -1001, -1002, -1003, -1009
OUTAGES = {"1": "停电了", "2": "停水了", "3": "电梯坏了", "4": "停电了", "5": "没水了"}
AGAIN = {"停电了": ["还是没电", "什么时候来电", "停电了好久了"], "停水了": ["还是没水", "什么时候来水"],
         "没水了": ["还是没水", "什么时候来水"], "电梯坏了": ["电梯还是坏了", "电梯什么时候能用"]}
ORDINARY = ["{b}栋{u}单元{r} 厨房水龙头关不紧一直滴水 电话138{p} 随时都可以", "{b}栋{r} 卧室的灯不亮了 电话136{p} 下午三点以后在家",
            "楼上天天半夜装修 吵得睡不着 {b}栋{u}单元", "请问物业费可以用微信交吗", "快递柜在哪里 大件快递怎么取",
            "救命 {b}栋{u}单元{r} 水管爆了 水漫了一地 电话137{p}"]


def messages(count: int, residents: int, ordinary_share: float, seed: int = 11) -> list[tuple[str, str]]:
    """(openid, text) in sending order: outage households (buildings 1-5) write first with their address,
    then again in their own words; the others write one ordinary message each."""
    rng = random.Random(seed)
    ordinary = int(count * ordinary_share)
    outage_people = residents - ordinary
    out: list[tuple[str, str]] = []
    for i in range(outage_people):
        b = str(i % 5 + 1)
        out.append((f"o_burst_{i:05d}", f"{b}栋{i % 4 + 1}单元{i // 20 + 101}{OUTAGES[b]}，电话139{i:08d}"))
    follow = [(f"o_burst_{i % outage_people:05d}", rng.choice(AGAIN[OUTAGES[str(i % outage_people % 5 + 1)]]))
              for i in range(count - ordinary - outage_people)]
    others = [(f"o_burst_{outage_people + i:05d}",
               rng.choice(ORDINARY).format(b=rng.randint(6, 18), u=rng.randint(1, 4), r=rng.randint(1, 30) * 100 + 1,
                                           p=f"{i:08d}")) for i in range(ordinary)]
    first, rest = out, follow + others
    rng.shuffle(first)
    rng.shuffle(rest)
    # households report while the outage goes on: first words early, repeats and ordinary traffic throughout
    mixed = first[: len(first) // 2] + sorted(first[len(first) // 2:] + rest, key=lambda _: rng.random())
    return mixed


def signed(plan: list[tuple[str, str]], retry_share: float, seed: int = 5) -> list[tuple[float, str, bytes, int]]:
    """(offset in the run 0..1, path, body, message number): retries follow their original after ~5 s."""
    rng = random.Random(seed)
    out = []
    for n, (openid, text) in enumerate(plan):
        xml = wechat_push.text(openid, text, msg_id=10**12 + n).encode()
        out.append((n / len(plan), "/wechat?" + urlencode(wechat_push.query(TOKEN)), xml, n))
    for offset, path, body, n in rng.sample(out, int(len(out) * retry_share)):
        out.append((min(1.0, offset + 0.05 + rng.random() * 0.02), path, body, n))
    return sorted(out)


def drive(port: int, requests: list, seconds: float, connections: int = 24) -> dict:
    """Send every request at its moment; latency counts from that moment (a queue cannot hide)."""
    latencies, errors, lock, started = [], [], threading.Lock(), time.perf_counter() + 0.5

    def client(chunk):
        conn, local, failed = http.client.HTTPConnection("127.0.0.1", port, timeout=30), [], []
        for offset, path, body, _ in chunk:
            due = started + offset * seconds
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
                response = conn.getresponse()
                if response.status != 200 or not response.read():
                    failed.append(response.status)
            except (OSError, http.client.HTTPException) as exc:
                failed.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local.append(time.perf_counter() - due)
        with lock:
            latencies.extend(local)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(requests[i::connections],)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"p50": latencies[len(latencies) // 2] * 1000, "p99": latencies[int(len(latencies) * 0.99)] * 1000,
            "max": latencies[-1] * 1000, "errors": len(errors), "over_5s": sum(x > 5 for x in latencies),
            "elapsed": time.perf_counter() - started}


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User + system CPU of these processes and their children so far."""
    total = 0.0
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            for each in [parent, *parent.children(recursive=True)]:
                times = each.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def per_minute(times: list[float]) -> int:
    """The most messages in any 60-second window."""
    times, best, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def _database() -> tuple[sqlalchemy.Engine, str, str]:
    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wuye_burst_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return admin, name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def _environment(database: str, telegram: FakeTelegram, wechat: FakeWeChat) -> dict:
    return {"DATABASE_URL": database, "REDIS_URL": REDIS, "WECHAT_TOKEN": TOKEN, "ADMIN_TOKEN": "bench",
            "LOG_LEVEL": "warning", "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
            "TELEGRAM_STAFF_CHAT_ID": str(STAFF), "TELEGRAM_MANAGER_CHAT_IDS": str(MANAGERS),
            "TELEGRAM_GROUP_ROUTES": f"electricity,water,lift,drain={REPAIRS_GROUP};complaint={COMPLAINTS_GROUP}",
            "WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.secret, "WECHAT_API_BASE_URL": wechat.base_url}


def _figures(database: str) -> dict:
    engine = sqlalchemy.create_engine(database)
    sql = {
        "stored": "SELECT count(*) FROM inbound_messages",
        "failed": "SELECT count(*) FROM inbound_messages WHERE intent = 'error'",
        "tickets": "SELECT count(*) FROM tickets",
        "attached": "SELECT count(*) FROM tickets WHERE status IN ('incident')",
        "duplicated": "SELECT count(*) FROM (SELECT resident_id FROM tickets GROUP BY resident_id HAVING count(*) > 1) d",
        "incidents": "SELECT count(*) FROM incidents WHERE kind = 'outage'",
        "scopes": "SELECT string_agg(scope || ':' || households, ' ' ORDER BY scope) FROM incidents",
        "households": "SELECT count(*) FROM incident_reports WHERE incident_id IS NOT NULL",
        "timers": "SELECT count(*) FROM timers",
        "staff_pending": "SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status = 'pending'",
        "longest_wait": "SELECT coalesce(max(extract(epoch FROM sent_at - created_at)), 0) FROM outbox "
                        "WHERE channel = 'telegram' AND status = 'sent' AND kind <> 'incident_card'",
        "waits": "SELECT string_agg(kind || ' ' || n || ', at most ' || w || ' s', '; ' ORDER BY kind) FROM ("
                 "SELECT kind, count(*) AS n, round(max(extract(epoch FROM sent_at - created_at))) AS w FROM outbox "
                 "WHERE channel = 'telegram' AND status = 'sent' GROUP BY kind) k",
    }
    with engine.connect() as connection:
        found = {key: connection.exec_driver_sql(query).scalar() for key, query in sql.items()}
    engine.dispose()
    return found


def _settle(database: str, seconds: float) -> None:
    """Give the workers time to send what the burst queued (at most `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _figures(database)["staff_pending"]:
        time.sleep(2)


def _ready(port: int, processes: list[subprocess.Popen], timeout: float = 300) -> None:
    """Wait until every gunicorn worker answers quickly and the processes have finished loading (the NLU
    model is loaded once per process), so start-up is not measured."""
    deadline, quick = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and quick < 30:
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
        quick = quick + 1 if ok and time.perf_counter() - t0 < 0.1 else 0
        time.sleep(0.05)
    while time.monotonic() < deadline:
        before = cpu_seconds(processes)
        time.sleep(1)
        if cpu_seconds(processes) - before < 0.2:
            return


def run_service(args, plan, env) -> dict:
    """The service under gunicorn with its workers: latencies and CPU seconds of its processes."""
    port = _free_port()
    server = serve("app:create_app()", port, args.workers, args.threads, env)
    workers = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "wuye"), "worker"], cwd=ROOT, env={**os.environ, **env},
                                start_new_session=True, stdout=subprocess.DEVNULL) for _ in range(args.rq_workers)]
    try:
        _ready(port, [server, *workers])
        web, work = cpu_seconds([server]), cpu_seconds(workers)
        result = drive(port, signed(plan, 0.10), args.seconds)
        result["cpu_web"], result["cpu_workers"] = cpu_seconds([server]) - web, cpu_seconds(workers) - work
        result["cpu"] = result["cpu_web"] + result["cpu_workers"]
        _settle(env["DATABASE_URL"], args.settle)
    finally:
        for process in (server, *workers):
            stop(process)
    return result


def run_bare(args, plan, env) -> dict:
    port = _free_port()
    server = serve("benchmarks.bare_app:app", port, args.workers, args.threads, env)
    try:
        time.sleep(2)
        before = cpu_seconds([server])
        result = drive(port, signed(plan, 0.10), args.seconds)
        result["cpu"] = cpu_seconds([server]) - before
    finally:
        stop(server)
    return result


def report(args, service: dict, bare: dict, figures: dict, telegram: FakeTelegram, sent: int) -> None:
    def line(label, r):
        return (f"{label:<14} p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  max {r['max']:7.1f} ms  "
                f"over 5 s {r['over_5s']}  errors {r['errors']}  CPU {r['cpu'] / sent * 1000:.1f} ms/msg")
    print(line("bare endpoint", bare))
    print(line("service", service) + f" (web {service['cpu_web'] / sent * 1000:.1f}, "
                                      f"workers {service['cpu_workers'] / sent * 1000:.1f})")
    unique = args.messages
    print(f"messages: {unique} unique + {sent - unique} retries; stored {figures['stored']}, "
          f"lost {unique - figures['stored'] + figures['failed']}, residents with two tickets {figures['duplicated']}")
    print(f"tickets {figures['tickets']} ({figures['attached']} attached to incidents); incidents {figures['incidents']} "
          f"[{figures['scopes']}]; households in incidents {figures['households']}; timers {figures['timers']}")
    for chat in (STAFF, REPAIRS_GROUP, COMPLAINTS_GROUP, MANAGERS):
        times = telegram.call_times("sendMessage", chat) + telegram.call_times("editMessageText", chat)
        digests = [c for c in telegram.calls_of("sendMessage")
                   if str(c.get("chat_id")) == str(chat) and str(c.get("text", "")).startswith("📋")]
        print(f"telegram chat {chat}: {len(times)} messages, at most {per_minute(times)} in any minute"
              + (f" ({len(digests)} digests of new tickets)" if digests else ""))
    print(f"staff messages: longest wait in the outbox {figures['longest_wait']:.0f} s (incident card edits, "
          f"spaced on purpose, apart), {figures['staff_pending']} still waiting {args.settle:.0f} s after the burst")
    print(f"sent to staff by kind: {figures['waits']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--residents", type=int, default=3000)
    parser.add_argument("--ordinary", type=float, default=0.03, help="share of ordinary messages")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--settle", type=float, default=60, help="seconds to let the workers finish after the burst")
    args = parser.parse_args()
    plan = messages(args.messages, min(args.residents, args.messages), args.ordinary)
    sent = len(signed(plan, 0.10))
    admin, name, database = _database()
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    with FakeTelegram() as telegram, FakeWeChat() as wechat:
        env = _environment(database, telegram, wechat)
        subprocess.run([str(ROOT / ".venv" / "bin" / "wuye"), "db", "upgrade"], cwd=ROOT, env={**os.environ, **env},
                       check=True, stdout=subprocess.DEVNULL)
        print(f"{args.messages} messages from {min(args.residents, args.messages)} residents in {args.seconds:g} s "
              f"(+10% retries), gunicorn {args.workers}x{args.threads}, {args.rq_workers} workers, {os.cpu_count()} CPUs")
        try:
            bare = run_bare(args, plan, env)
            service = run_service(args, plan, env)
            report(args, service, bare, _figures(database), telegram, sent)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
