"""Shared fixtures: real SQLite and PostgreSQL, real Redis, the trained NLU model shared by the session.

Environment: WUYE_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test) and
WUYE_TEST_REDIS (default redis://127.0.0.1:6379/15; under `pytest -n N` the test processes use that
database and the N-1 below it). Tests needing one that is not reachable are
skipped with the reason printed.
"""
from __future__ import annotations

import os
import uuid
from xml.etree import ElementTree

import pytest
import redis
import sqlalchemy

from bot.wechat import push as wechat_push
from nlu.service import NLU
from storage import estate_queries
from storage.db import make_sessionmaker, session_scope

from .fakes.telegram_api import FakeTelegram
from .fakes.wechat_api import FakeWeChat

POSTGRES = os.environ.get("WUYE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _redis_of_this_process(url: str) -> str:
    """Under pytest-xdist each test process (gw0, gw1, …) empties a Redis database of its own: the base
    one for gw0, the one below it for gw1, and so on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, db = url.rpartition("/")
    return f"{base}/{int(db or 0) - int(worker[2:])}"


REDIS = _redis_of_this_process(os.environ.get("WUYE_TEST_REDIS", "redis://127.0.0.1:6379/15"))
WECHAT_TOKEN = "test-wechat-token"
ADMIN_TOKEN = "test-admin-token"


@pytest.fixture(scope="session")
def nlu_var_dir(tmp_path_factory):
    """A VAR_DIR holding the embedded model, trained once per test session."""
    return tmp_path_factory.mktemp("nlu-var")


@pytest.fixture(scope="session")
def nlu(nlu_var_dir) -> NLU:
    """The embedded NLU, trained from the repository's nlu.yml."""
    service = NLU(var_dir=nlu_var_dir)
    service.parse("你好")
    return service


@pytest.fixture(scope="session")
def postgres_url():
    """A database of its own on the PostgreSQL server, migrated once; dropped at the end."""
    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = f"wuye_test_{uuid.uuid4().hex[:8]}"
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc.orig}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    from storage.migrate import upgrade
    engine = sqlalchemy.create_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, migrated database for each test, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wuye.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    from storage.models import Base
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    with session_scope(make_sessionmaker(engine)) as session:  # as the migrations leave it: the default estate
        estate_queries.default_estate(session)
    engine.dispose()
    yield url


@pytest.fixture
def redis_url():
    """The real Redis server, with the test database emptied before each test."""
    connection = redis.Redis.from_url(REDIS)
    try:
        connection.flushdb()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {REDIS}: {exc}")
    yield REDIS
    connection.flushdb()


@pytest.fixture
def make_app(database_url, redis_url, nlu_var_dir):
    """Build an application on this test's database with extra settings."""
    from app import create_app

    built = []

    def build(**settings):
        built.append(create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "VAR_DIR": str(nlu_var_dir),
                                 "WECHAT_TOKEN": WECHAT_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN, **settings}))
        return built[-1]
    yield build
    for made in built:  # close the test's pooled connections now, not whenever the app is collected
        desk = made.extensions.get("wuye")
        engine = desk.sessions.kw.get("bind") if desk is not None else None
        if engine is not None:
            engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def desk(app):
    return app.extensions["wuye"]


@pytest.fixture
def fake_telegram():
    """A local stand-in for Telegram's Bot API (python-telegram-bot is pointed at it)."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def fake_wechat():
    """A local stand-in for WeChat's API (wechatpy is pointed at it)."""
    with FakeWeChat() as server:
        yield server


class WeChatUser:
    """A resident on WeChat: sends signed pushes to POST /wechat and reads the passive replies."""

    def __init__(self, client, openid: str):
        self.client, self.openid = client, openid

    def post(self, xml: str, **query):
        return self.client.post("/wechat", query_string={**wechat_push.query(WECHAT_TOKEN), **query},
                                data=xml.encode("utf-8"), content_type="text/xml")

    def send(self, xml: str) -> str | None:
        response = self.post(xml)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_data(as_text=True)
        if body.strip() != "success":
            tree = ElementTree.fromstring(body)
            assert tree.findtext("ToUserName") == self.openid
            assert tree.findtext("FromUserName") == wechat_push.ACCOUNT
            assert tree.findtext("MsgType") == "text"
        return wechat_push.reply_text(body)

    def say(self, text: str) -> str | None:
        return self.send(wechat_push.text(self.openid, text))


@pytest.fixture
def resident(client):
    return WeChatUser(client, "o_resident_test_0001")


def rows(desk, model, **filters) -> list:
    """All rows of a table (detached), read in a short transaction of their own."""
    with desk.sessions() as session:
        query = sqlalchemy.select(model).filter_by(**filters).order_by(*model.__table__.primary_key.columns)
        found = list(session.scalars(query))
        for row in found:
            session.expunge(row)
        return found
