"""The resident_houses table: migration 0006p matches the model, one live binding per resident and house,
a tenancy past its end no longer counts (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from handlers.estates.roster_import import import_roster
from storage import bindings
from storage.binding_models import ResidentHouse
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.estate_models import House
from storage.migrate import upgrade
from storage.models import Base, Resident

from .conftest import ROSTER

NOW = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def sessions(database_url, tmp_path):
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    import_roster(sessions, roster)
    yield sessions
    engine.dispose()


def test_the_migration_creates_what_the_model_declares(sessions):
    with sessions() as session:
        context = MigrationContext.configure(session.connection(), opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, Base.metadata) if "resident_houses" in repr(d)]
    assert diffs == []


def _house_and_resident(session):
    house = session.scalars(select(House).order_by(House.id)).first()
    resident = Resident(openid="o_storage_1")
    session.add(resident)
    session.flush()
    return house, resident


def _values(house, resident, **extra):
    return {"resident_id": resident.id, "house_id": house.id, "estate_id": house.estate_id, "role": "owner",
            "state": "active", "via": "roster", "requested_at": NOW, "overdue": False, **extra}


def test_one_live_binding_per_resident_and_house(sessions):
    with session_scope(sessions) as session:
        house, resident = _house_and_resident(session)
        first = bindings.add_binding(session, **_values(house, resident))
        assert first is not None
        assert bindings.add_binding(session, **_values(house, resident, state="pending")) is None
        first.state = "ended"
        session.flush()
        assert bindings.add_binding(session, **_values(house, resident)) is not None  # bound again after ending
        assert len(session.scalars(select(ResidentHouse)).all()) == 2


def test_a_tenancy_past_its_end_no_longer_counts(sessions):
    with session_scope(sessions) as session:
        house, resident = _house_and_resident(session)
        bindings.add_binding(session, **_values(house, resident, role="tenant", tenant_until=date(2026, 12, 31)))
        assert len(bindings.bound_houses(session, resident.id, date(2026, 12, 31))) == 1
        assert bindings.bound_houses(session, resident.id, date(2027, 1, 1)) == []


def test_imported_houses_keep_their_import_time_as_a_time(sessions):
    """SQLite once stored CAST(? AS DATETIME) from the roster import as the bare year (2026)."""
    with sessions() as session:
        house = session.scalars(select(House).order_by(House.id)).first()
        assert isinstance(house.created_at, datetime) and isinstance(house.updated_at, datetime)


def test_bound_houses_is_one_statement_with_the_addresses(sessions):
    """On the intake path a bound resident's houses cost one round trip (issue 14: under 1 ms); only
    active bindings count, oldest first, each with its roster address."""
    from sqlalchemy import event

    with session_scope(sessions) as session:
        houses = session.scalars(select(House).order_by(House.id)).all()[:3]
        resident = Resident(openid="o_storage_2")
        session.add(resident)
        session.flush()
        for house, state in zip(houses, ("active", "pending", "active")):
            bindings.add_binding(session, **_values(house, resident, state=state, role="family"))
        statements = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            found = bindings.bound_houses(session, resident.id, date(2026, 12, 1))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(statements) == 1
        assert [b.ResidentHouse.house_id for b in found] == [houses[0].id, houses[2].id]
        first = found[0]
        assert (first.ResidentHouse.role, first.ResidentHouse.estate_id) == ("family", houses[0].estate_id)
        assert first.room == houses[0].room and first.estate and first.building
