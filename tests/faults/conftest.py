"""Fixtures of the fault tests: the stack of tests/faults/stack.py, fresh for each test."""
from __future__ import annotations

import pytest
import sqlalchemy

from storage import estate_queries
from storage.db import make_sessionmaker, session_scope

from ..conftest import ADMIN_TOKEN, WECHAT_TOKEN, WeChatUser
from ..fakes.telegram_api import FakeTelegram
from ..fakes.wechat_api import FakeWeChat
from .stack import SECOND, RedisServer, Workers

STAFF_CHAT, MANAGERS = -1001000000001, -1002000000002
# Deadlines in seconds: a new ticket is reminded after 24 s and misses its acceptance after 30 s.
SETTINGS = {"SLA_ACCEPT_MINUTES": 30 * SECOND, "SLA_URGENT_ACCEPT_MINUTES": 30 * SECOND,
            "SLA_ARRIVAL_MINUTES": 600, "SLA_URGENT_ARRIVAL_MINUTES": 600, "ESCALATION_LEVEL2_MINUTES": 600,
            "RECONCILE_SECONDS": 2, "DELIVERY_LEASE_SECONDS": 10, "WECHAT_TIMEOUT_SECONDS": 5,
            "DELIVERY_RETRY_SECONDS": "1,2,4,8,15,30,60", "TELEGRAM_RATE_PER_SECOND": 1000,
            "TELEGRAM_GROUP_RATE_PER_MINUTE": 60000, "TELEGRAM_STAFF_CHAT_ID": STAFF_CHAT,
            "TELEGRAM_MANAGER_CHAT_IDS": str(MANAGERS), "LOG_LEVEL": "INFO"}


class Stack:
    """Everything one fault test runs against."""

    def __init__(self, app, database_url, redis_server, wechat, telegram, workers):
        self.app, self.desk = app, app.extensions["wuye"]
        self.database_url, self.redis, self.wechat, self.telegram = database_url, redis_server, wechat, telegram
        self.workers = workers

    def tickets(self, count: int) -> None:
        """Residents report `count` repairs through the real webhook; each gets timers once planned."""
        for i in range(count):
            user = WeChatUser(self.app.test_client(), f"o_fault_reporter_{i:04d}")
            assert "BX-" in (user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时") or "")


@pytest.fixture
def stack(postgres_url, nlu_var_dir, tmp_path):
    from app import create_app
    from storage.models import Base

    engine = sqlalchemy.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)} "
                                   "RESTART IDENTITY CASCADE")
    with session_scope(make_sessionmaker(engine)) as session:  # as the migrations leave it: the default estate
        estate_queries.default_estate(session)
    engine.dispose()
    redis_server = RedisServer(tmp_path)
    with FakeWeChat() as wechat, FakeTelegram() as telegram:
        settings = {**SETTINGS, "DATABASE_URL": postgres_url, "REDIS_URL": redis_server.url,
                    "VAR_DIR": str(nlu_var_dir), "WECHAT_TOKEN": WECHAT_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN,
                    "WECHAT_APP_ID": wechat.app_id, "WECHAT_APP_SECRET": wechat.secret,
                    "WECHAT_API_BASE_URL": wechat.base_url, "TELEGRAM_BOT_TOKEN": telegram.token,
                    "TELEGRAM_BASE_URL": telegram.base_url}
        import os
        env = {**os.environ, **{key: str(value) for key, value in settings.items()}}
        workers = Workers(env, tmp_path)
        try:
            yield Stack(create_app(settings), postgres_url, redis_server, wechat, telegram, workers)
        finally:
            workers.stop_all()
            redis_server.stop()
