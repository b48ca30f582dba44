"""Under a real gunicorn (gthread, keep-alive, as in production): a refused oversized body closes its
connection, so the client's next request goes on a fresh one instead of failing (issue 11 item 10)."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.wechat import push as wechat_push

from ..conftest import ADMIN_TOKEN, REDIS, WECHAT_TOKEN

TELEGRAM_SECRET = "test-telegram-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, nlu, nlu_var_dir):
    """`gunicorn 'app:create_app()' -k gthread` on SQLite and the test Redis; yields its port once /healthz
    answers (gunicorn accepts connections before its worker has loaded the application)."""
    port, tmp_path = _free_port(), tmp_path_factory.mktemp("gunicorn")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'wuye.db'}", "REDIS_URL": REDIS,
           "VAR_DIR": str(nlu_var_dir), "WECHAT_TOKEN": WECHAT_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN,
           "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET, "WECHAT_MAX_BODY_BYTES": "4096", "LOG_LEVEL": "warning"}
    root, log = Path(__file__).resolve().parents[2], (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:create_app()", "-k", "gthread",
                                "-w", "1", "--threads", "2", "--keep-alive", "5", "-b", f"127.0.0.1:{port}"],
                               cwd=root, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 180
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"gunicorn did not start: {(tmp_path / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _wechat_path() -> str:
    return "/wechat?" + "&".join(f"{k}={v}" for k, v in wechat_push.query(WECHAT_TOKEN).items())


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_413_closes_the_connection_and_the_next_request_works(gunicorn, chunked):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
    body = b"<xml>" + b"a" * 6000 + b"</xml>"
    if chunked:
        connection.request("POST", _wechat_path(), body=iter([body[:3000], body[3000:]]),
                           headers={"Content-Type": "text/xml"}, encode_chunked=True)
    else:
        connection.request("POST", _wechat_path(), body=body, headers={"Content-Type": "text/xml"})
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Connection") == "close"
    response.read()
    connection.request("GET", "/healthz")  # http.client opens a new connection after a close
    again = connection.getresponse()
    assert again.status == 200 and json.loads(again.read()) == {"status": "ok"}
    connection.close()


def test_a_telegram_update_over_the_limit_is_413_also_when_chunked(gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
    update = json.dumps({"update_id": 1, "message": {"text": "x" * (1 << 20)}}).encode()
    pieces = [update[i:i + 65536] for i in range(0, len(update), 65536)]
    connection.request("POST", "/telegram/webhook", body=iter(pieces), encode_chunked=True,
                       headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    response = connection.getresponse()
    assert response.status == 413 and response.getheader("Connection") == "close"
    response.read()
    connection.close()
