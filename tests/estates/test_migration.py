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


def _row_for(table: sqlalchemy.Table, references: dict[str, int]) -> dict:
    """A row with a value in every column (foreign keys point at the row 1 of their table)."""
    values = {}
    for column in table.columns:
        if column.name == "id":  # serial
            continue
        foreign = next(iter(column.foreign_keys), None)
        kind = column.type
        if foreign is not None:
            values[column.name] = references.get(foreign.column.table.name, 1)
        elif isinstance(kind, sqlalchemy.Boolean):
            values[column.name] = False
        elif isinstance(kind, (sqlalchemy.Integer, sqlalchemy.Float, sqlalchemy.Numeric)):
            values[column.name] = 7
        elif isinstance(kind, sqlalchemy.DateTime):
            values[column.name] = sqlalchemy.func.now()
        elif isinstance(kind, sqlalchemy.Date):
            values[column.name] = sqlalchemy.func.current_date()
        elif column.name in ("detail", "payload", "slots", "groups", "location", "value", "aliases"):
            values[column.name] = "{}" if column.name != "groups" else "[]"
        elif column.name == "building":
            values[column.name] = "3"
        else:
            values[column.name] = f"{table.name[:4]}{column.name[:4]}"[: getattr(kind, "length", None) or 64]
    return values


def test_upgrading_a_deployment_with_data_in_every_table_loses_no_row(empty_postgres):
    """Item 6: a database at 0003 with a row in every table, upgraded to the newest revision: every
    ticket, resident, timer and outbox row is still there, attached to the default estate."""
    upgrade(empty_postgres, "0003")
    metadata = sqlalchemy.MetaData()
    metadata.reflect(empty_postgres)
    tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
    with empty_postgres.begin() as connection:
        for table in tables:
            connection.execute(table.insert().values(_row_for(table, {})))
        before = {t.name: connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(t)).scalar()
                  for t in tables}
        tickets_before = connection.exec_driver_sql("SELECT id, code, status, resident_id FROM tickets").all()
    assert all(count == 1 for count in before.values()), before

    upgrade(empty_postgres)

    with empty_postgres.connect() as connection:
        after = {name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() for name in before}
        assert after == before
        assert connection.exec_driver_sql("SELECT id, code, status, resident_id FROM tickets").all() == tickets_before
        assert connection.exec_driver_sql("SELECT estate_id, house_id FROM tickets").all() == [(1, None)]
        assert connection.exec_driver_sql("SELECT estate_id FROM residents").all() == [(1,)]   # had an address
        assert connection.exec_driver_sql("SELECT estate_ids FROM staff").all() == [(None,)]  # every estate
        assert connection.exec_driver_sql("SELECT e.name FROM tickets t JOIN estates e ON e.id = t.estate_id"
                                          ).scalar() == "默认小区"
    with empty_postgres.begin() as connection:  # the new foreign key holds
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            with connection.begin_nested():
                connection.exec_driver_sql("UPDATE tickets SET estate_id = 99")


def test_the_estate_columns_come_off_again(engine_at_0003):
    upgrade(engine_at_0003)
    command.downgrade(alembic_config(engine_at_0003.url.render_as_string(hide_password=False)), "0006a")
    columns = {c["name"] for c in sqlalchemy.inspect(engine_at_0003).get_columns("tickets")}
    assert "estate_id" not in columns and "house_id" not in columns
    upgrade(engine_at_0003)
    with engine_at_0003.connect() as connection:
        assert connection.exec_driver_sql("SELECT code, estate_id FROM tickets").all() == [("BX-1", 1)]
