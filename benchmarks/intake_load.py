"""Load on the WeChat intake path under gunicorn, next to a bare Flask endpoint on the same settings.

    .venv/bin/python benchmarks/intake_load.py [--messages 3000] [--connections 16] [--workers 3] [--rate 0]

All servers run under gunicorn with the same worker settings on loopback: the bare endpoint, the
minimal intake (a ceiling: signature, XML, NLU, one INSERT chain, one job, reply; see
benchmarks/minimal_intake.py) and the service itself. The full path gets signed
pushes (complete repair reports that become tickets, complaints, inquiries, and 10% exact retries)
and is measured end to end: signature, XML, NLU, ticket and events written to PostgreSQL, job queued
in Redis, passive reply. Prints throughput, p50/p99 latency, errors and duplicate tickets.
Needs PostgreSQL (WUYE_BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/test) and
Redis (WUYE_BENCH_REDIS, default redis://127.0.0.1:6379/14).
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.wechat import push as wechat_push  # noqa: E402

TOKEN = "bench-token"
POSTGRES = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/14")

REPAIRS = ["{b}栋{u}单元{r} 厨房水龙头关不紧一直滴水 电话138{p} 随时都可以",
           "{b}号楼{u}单元{r}室 卫生间马桶堵了 麻烦明天上午来 手机139{p}",
           "救命 {b}栋{u}单元{r} 水管爆了 水漫了一地 电话137{p}",
           "{b}栋{r} 卧室的灯不亮了 电话136{p} 下午三点以后在家"]
OTHERS = ["楼上天天半夜装修 吵得睡不着 {b}栋{u}单元", "请问物业费可以用微信交吗", "快递柜在哪里 大件快递怎么取",
          "保安态度太差了 进门还凶我 {b}栋的"]


# The baseline, the yardstick (the least an intake must do: see benchmarks/minimal_intake.py) and the
# real service, all on the same gunicorn settings.
SERVERS = (("bare endpoint", "benchmarks.bare_app:app"),
           ("minimal intake", "benchmarks.minimal_intake:create_app()"),
           ("full intake", "app:create_app()"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_requests(count: int, first: int = 0, retries: bool = True) -> list[tuple[str, bytes, str]]:
    """(path with signed query, body, msg key) for `count` messages from residents numbered from
    `first`, plus 10% exact retries."""
    rng = random.Random(7 + first)
    requests = []
    for i in range(first, first + count):
        template = rng.choice(REPAIRS if i % 3 else OTHERS)
        text = template.format(b=rng.randint(1, 18), u=rng.randint(1, 4), r=rng.randint(1, 30) * 100 + rng.randint(1, 4),
                               p=f"{rng.randint(0, 99999999):08d}")
        xml = wechat_push.text(f"o_bench_{i:06d}", text, msg_id=10**12 + i)
        requests.append(("/wechat?" + urlencode(wechat_push.query(TOKEN)), xml.encode(), str(i)))
    if retries:
        requests += rng.sample(requests, count // 10)
    rng.shuffle(requests)
    return requests


def run_load(port: int, requests: list, connections: int, keep_alive: bool = True, rate: float = 0) -> dict:
    """Send the requests over `connections` clients, each as fast as it can, or together at `rate`
    requests per second (latency then counts from when a request was due, so a stalled server
    cannot hide its queue)."""
    latencies, errors, lock = [], [], threading.Lock()
    chunks = [requests[i::connections] for i in range(connections)]
    started = time.perf_counter()

    def worker(index, chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "text/xml"} if keep_alive else {"Content-Type": "text/xml", "Connection": "close"}
        local, failed = [], []
        for n, (path, body, _) in enumerate(chunk):
            t0 = time.perf_counter()
            if rate:
                t0 = started + (n * connections + index) / rate
                time.sleep(max(0.0, t0 - time.perf_counter()))
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != 200 or not data:
                    failed.append(response.status)
            except (OSError, http.client.HTTPException) as exc:
                failed.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if not keep_alive:
                conn.close()
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            errors.extend(failed)

    threads = [threading.Thread(target=worker, args=(index, chunk)) for index, chunk in enumerate(chunks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "throughput": len(latencies) / elapsed, "errors": len(errors),
            "p50": latencies[len(latencies) // 2] * 1000, "p99": latencies[int(len(latencies) * 0.99)] * 1000}


def serve(app_spec: str, port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), app_spec, "--bind", f"127.0.0.1:{port}", "--workers",
               str(workers), "--worker-class", "gthread", "--threads", str(threads), "--log-level", "warning",
               "--max-requests", "0"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn for {app_spec} exited with {process.returncode}")
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {app_spec} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0,
                        help="requests per second offered to each server (0: as many as the clients can send); "
                             "shows latency at a given load rather than at saturation")
    parser.add_argument("--mode", choices=("close", "keep-alive", "both"), default="both",
                        help="close: a new connection per request, as a reverse proxy such as nginx opens "
                             "to its upstream by default; keep-alive: 16 long-lived connections")
    args = parser.parse_args()

    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wuye_bench_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = {"DATABASE_URL": database, "REDIS_URL": REDIS, "WECHAT_TOKEN": TOKEN, "ADMIN_TOKEN": "bench",
           "LOG_LEVEL": "warning"}
    subprocess.run([str(ROOT / ".venv" / "bin" / "wuye"), "db", "upgrade"], cwd=ROOT, env={**os.environ, **env},
                   check=True, stdout=subprocess.DEVNULL)
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    modes = ("close", "keep-alive") if args.mode == "both" else (args.mode,)
    print(f"{args.messages} messages + {args.messages // 10} retries per run, {args.connections} connections"
          f"{f' at {args.rate:g} req/s' if args.rate else ''}, gunicorn {args.workers} workers x {args.threads} threads")
    results, first = {}, 0
    try:
        for mode in modes:
            keep_alive = mode == "keep-alive"
            for label, spec in SERVERS:
                # Fresh residents for every run; the warm-up's own messages are not measured again.
                warm_up, requests = build_requests(200, first, retries=False), build_requests(args.messages, first + 200)
                first += 200 + args.messages
                port = _free_port()
                process = serve(spec, port, args.workers, args.threads, env)
                try:
                    run_load(port, warm_up, args.connections, keep_alive)
                    results[mode, label] = r = run_load(port, requests, args.connections, keep_alive, args.rate)
                finally:
                    stop(process)
                print(f"{mode:<10} {label:<14} {r['throughput']:8.0f} req/s   p50 {r['p50']:6.1f} ms   "
                      f"p99 {r['p99']:6.1f} ms   errors {r['errors']}")
            for label in ("minimal intake", "full intake") if not args.rate else ():  # at a set rate all keep up
                ratio = results[mode, label]["throughput"] / results[mode, "bare endpoint"]["throughput"]
                print(f"{mode:<10} {label} at {ratio:.0%} of the bare endpoint's throughput")
        engine = sqlalchemy.create_engine(database)
        with engine.connect() as connection:
            tickets = connection.exec_driver_sql("SELECT count(*) FROM tickets").scalar()
            messages = connection.exec_driver_sql("SELECT count(*) FROM inbound_messages").scalar()
            duplicated = connection.exec_driver_sql(
                "SELECT count(*) FROM (SELECT resident_id FROM tickets GROUP BY resident_id HAVING count(*) > 1) d"
            ).scalar()
        engine.dispose()
        print(f"{messages} messages stored, {tickets} tickets (both intakes), "
              f"{duplicated} residents with more than one ticket (duplicates)")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
