"""The roster in bulk: a file's rows are staged in a temporary table (COPY on PostgreSQL), then
buildings, units and houses are upserted from it in three set-based statements.

Nothing is ever deleted by an import. A house already known keeps what a row leaves blank (an empty
phone cell does not erase a phone) and takes what a row changes (a new owner phone replaces the old).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Iterable

from sqlalchemy import (Column, Connection, DateTime, Integer, MetaData, Table, Text, and_, bindparam, cast, func,
                        literal_column, or_, select, true)
from sqlalchemy.dialects import postgresql, sqlite

from .estate_models import Building, House, Unit

STAGING_COLUMNS = ("row_no", "estate_id", "building", "building_label", "unit", "room", "owner_name",
                   "owner_phone", "occupancy")
staging = Table(
    "roster_staging", MetaData(),
    Column("row_no", Integer, nullable=False), Column("estate_id", Integer, nullable=False),
    Column("building", Text, nullable=False), Column("building_label", Text, nullable=False),
    Column("unit", Text, nullable=False), Column("room", Text), Column("owner_name", Text),
    Column("owner_phone", Text), Column("occupancy", Text),
    prefixes=["TEMPORARY"],
)
_BATCH = 5000
_COPY_BATCH = 50_000
# psycopg forgets the count of an INSERT ... SELECT once SQLAlchemy closes its cursor: keep it.
_COUNTED = {"preserve_rowcount": True}


@dataclass
class UpsertCounts:
    """What one import changed."""
    buildings_added: int = 0
    units_added: int = 0
    houses_added: int = 0
    houses_updated: int = 0
    houses_unchanged: int = 0


def _insert(connection: Connection):
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def begin_staging(connection: Connection) -> None:
    """An empty staging table on this connection (temporary: other sessions never see it)."""
    staging.drop(connection, checkfirst=True)
    staging.create(connection)


def end_staging(connection: Connection) -> None:
    """Drop the staging table (pooled connections live on)."""
    staging.drop(connection, checkfirst=True)


def stage(connection: Connection, rows: Iterable[tuple]) -> int:
    """Append rows (tuples in STAGING_COLUMNS order) to the staging table; returns how many."""
    if connection.dialect.name == "postgresql":
        return _copy(connection, rows)
    count, rows = 0, iter(rows)
    insert = staging.insert()
    while batch := list(islice(rows, _BATCH)):
        connection.execute(insert, [dict(zip(STAGING_COLUMNS, row)) for row in batch])
        count += len(batch)
    return count


def _copy(connection: Connection, rows: Iterable[tuple]) -> int:
    """COPY ... FROM STDIN through psycopg: the fastest way rows get into PostgreSQL."""
    cursor = connection.connection.driver_connection.cursor()
    count, rows = 0, iter(rows)
    # Batches: producing rows may need the connection (a new estate), which a running COPY holds.
    while batch := list(islice(rows, _COPY_BATCH)):
        with cursor.copy(f"COPY roster_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        count += len(batch)
    cursor.close()
    connection.exec_driver_sql("ANALYZE roster_staging")  # the planner must know it holds millions
    return count


def refresh_statistics(connection: Connection) -> None:
    """Let PostgreSQL's planner know the tables' new sizes right after a large import (autovacuum
    would, later): with stale statistics a house lookup by phone is planned as hash joins, ten times slower."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE buildings, units, houses")


def take_duplicates(connection: Connection) -> list[tuple[int, int]]:
    """(row, first row) of every row naming a house an earlier row of the file named; they are
    removed from the staging table (the first one counts)."""
    first = func.min(staging.c.row_no).over(partition_by=(staging.c.estate_id, staging.c.building,
                                                         staging.c.unit, staging.c.room))
    ranked = select(staging.c.row_no, first.label("first_row")).where(staging.c.room.is_not(None)).subquery()
    found = [tuple(row) for row in connection.execute(
        select(ranked.c.row_no, ranked.c.first_row).where(ranked.c.row_no != ranked.c.first_row)
        .order_by(ranked.c.row_no))]
    if found:
        duplicate = select(ranked.c.row_no).where(ranked.c.row_no != ranked.c.first_row)
        connection.execute(staging.delete().where(staging.c.row_no.in_(duplicate)))
    return found


def _staged_units():
    """Staging rows joined to their building and unit rows."""
    building, unit = Building.__table__, Unit.__table__
    return (staging.join(building, and_(building.c.estate_id == staging.c.estate_id,
                                        building.c.key == staging.c.building))
            .join(unit, and_(unit.c.building_id == building.c.id, unit.c.key == staging.c.unit)))


def upsert(connection: Connection, now: datetime) -> UpsertCounts:
    """Add the buildings, units and houses of the staging table; update houses whose row changed them."""
    insert, counts = _insert(connection), UpsertCounts()
    building, unit, house = Building.__table__, Unit.__table__, House.__table__
    new_buildings = (select(staging.c.estate_id, staging.c.building, func.min(staging.c.building_label),
                            literal_column("'[]'")).where(true())
                     .group_by(staging.c.estate_id, staging.c.building))
    counts.buildings_added = connection.execute(
        insert(building).from_select(["estate_id", "key", "label", "aliases"], new_buildings)
        .on_conflict_do_nothing(index_elements=["estate_id", "key"]), execution_options=_COUNTED).rowcount
    joined = staging.join(building, and_(building.c.estate_id == staging.c.estate_id,
                                         building.c.key == staging.c.building))
    # SQLite needs a WHERE before ON CONFLICT when rows come from a join (its parser's ambiguity).
    new_units = select(building.c.id, staging.c.unit).select_from(joined).where(true()).distinct()
    counts.units_added = connection.execute(
        insert(unit).from_select(["building_id", "key"], new_units)
        .on_conflict_do_nothing(index_elements=["building_id", "key"]), execution_options=_COUNTED).rowcount
    counts.houses_added = _count_new_houses(connection)
    counts.houses_updated = _upsert_houses(connection, insert, now) - counts.houses_added
    staged = connection.scalar(select(func.count()).where(staging.c.room.is_not(None)))
    counts.houses_unchanged = staged - counts.houses_added - counts.houses_updated
    return counts


def _count_new_houses(connection: Connection) -> int:
    house, unit = House.__table__, Unit.__table__
    missing = (select(func.count()).select_from(_staged_units().outerjoin(
        house, and_(house.c.unit_id == unit.c.id, house.c.room == staging.c.room)))
        .where(staging.c.room.is_not(None), house.c.id.is_(None)))
    return connection.scalar(missing)


def _upsert_houses(connection: Connection, insert, now: datetime) -> int:
    house, unit = House.__table__, Unit.__table__
    at = bindparam("now", type_=DateTime())
    if connection.dialect.name == "postgresql":  # a bare parameter in a SELECT list is text there; on SQLite
        at = cast(at, DateTime())                # CAST(... AS DATETIME) would store the year as a number
    rows = (select(staging.c.estate_id, unit.c.id, staging.c.room, staging.c.owner_name, staging.c.owner_phone,
                   staging.c.occupancy, at, at)
            .select_from(_staged_units()).where(staging.c.room.is_not(None)))
    statement = insert(house).from_select(
        ["estate_id", "unit_id", "room", "owner_name", "owner_phone", "occupancy", "created_at", "updated_at"], rows)
    kept = {name: func.coalesce(statement.excluded[name], house.c[name])
            for name in ("owner_name", "owner_phone", "occupancy")}
    changed = or_(*(kept[name].is_distinct_from(house.c[name]) for name in kept))
    statement = statement.on_conflict_do_update(index_elements=["unit_id", "room"],
                                                set_={**kept, "updated_at": statement.excluded.updated_at},
                                                where=changed)
    return connection.execute(statement, {"now": now}, execution_options=_COUNTED).rowcount
