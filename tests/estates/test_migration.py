"""Migration 0004 on a database with today's data: the new tables, one default estate, nothing else touched."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy
from alembic import command

from storage.migrate import alembic_config, upgrade

from ..conftest import POSTGRES


@pytest.fixture
def empty_postgres():
    """A database of its own, not migrated, dropped afterwards."""
    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wuye_mig_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc.orig}")
    engine = sqlalchemy.create_engine(admin_url.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0003(request, tmp_path):
    engine = (sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'old.db'}") if request.param == "sqlite"
              else request.getfixturevalue("empty_postgres"))
    upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO residents (openid, address_confirmed, active, created_at, updated_at)"
                                   " VALUES ('o1', true, true, '2026-11-20', '2026-11-20')")
        connection.exec_driver_sql("INSERT INTO tickets (code, kind, status, urgent, description, resident_words,"
                                   " for_manager, escalated, repeat_count, breached, created_at, updated_at,"
                                   " resident_id) VALUES ('BX-1', 'repair', 'new', false, '', '', false, false, 0,"
                                   " false, '2026-11-20', '2026-11-20', 1)")
    return engine


def test_upgrade_creates_the_default_estate_and_keeps_data(engine_at_0003, monkeypatch):
    monkeypatch.setenv("DEFAULT_ESTATE_NAME", "锦绣花园")
    upgrade(engine_at_0003)
    with engine_at_0003.connect() as connection:
        assert connection.exec_driver_sql("SELECT id, name FROM estates").all() == [(1, "锦绣花园")]
        assert connection.exec_driver_sql("SELECT id, version FROM companies").all() == [(1, 1)]
        assert connection.exec_driver_sql("SELECT code, resident_id FROM tickets").all() == [("BX-1", 1)]
        assert connection.exec_driver_sql("SELECT openid FROM residents").all() == [("o1",)]
    with engine_at_0003.begin() as connection:  # ids go on after the default rows
        connection.exec_driver_sql("INSERT INTO estates (company_id, name, created_at) VALUES (1, '阳光城', '2026-12-01')")
        assert connection.exec_driver_sql("SELECT max(id) FROM estates").scalar() == 2


def test_without_a_setting_the_default_estate_is_called_默认小区(tmp_path, monkeypatch):
    monkeypatch.delenv("DEFAULT_ESTATE_NAME", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT name FROM estates").scalar() == "默认小区"


def test_downgrade_removes_only_the_estate_tables(engine_at_0003):
    upgrade(engine_at_0003)
    command.downgrade(alembic_config(engine_at_0003.url.render_as_string(hide_password=False)), "0003")
    tables = set(sqlalchemy.inspect(engine_at_0003).get_table_names())
    assert "estates" not in tables and "houses" not in tables and {"tickets", "residents"} <= tables
