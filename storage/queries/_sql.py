"""What the query modules share: running a statement on the session's connection, adopting a row as an
ORM object, and INSERT ... ON CONFLICT statements built once per dialect.

The functions on the resident's 5-second path run table-level statements on the session's connection
and adopt the rows they need as ORM objects: an ORM-enabled statement costs several times the CPU of
the same SQL (measured in benchmarks/intake_load.py's notes in the README).
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Executable, bindparam, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached


def dialect_insert(session: Session, model):
    """The dialect's INSERT (with ON CONFLICT) for a model or table."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def adopt(session: Session, model, row):
    """A row just read or written (a Row or a mapping of every column), as a clean persistent ORM
    object of this session (no query)."""
    values = row._mapping if hasattr(row, "_mapping") else row
    key = session.identity_key(model, tuple(values[column.key] for column in inspect(model).primary_key))
    found = session.identity_map.get(key)
    if found is not None:
        return found
    instance = model(**values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def run(session: Session, statement, params: dict | None = None):
    """Execute a table-level statement on the session's connection (inside its transaction)."""
    return session.connection().execute(statement, params or {})


def per_dialect(build: Callable) -> Callable[[Session], Executable]:
    """A dialect's INSERT ... ON CONFLICT statement with bind parameters, built once per dialect:
    building one per call, and its cache key, costs about twice as much CPU as executing it."""
    built: dict[str, Executable] = {}

    def statement(session: Session) -> Executable:
        dialect = session.get_bind().dialect.name
        if dialect not in built:
            built[dialect] = build(postgresql.insert if dialect == "postgresql" else sqlite.insert)
        return built[dialect]

    return statement


def binds(*names: str) -> dict:
    """Bind parameters of the same names, for .values(...)."""
    return {name: bindparam(name) for name in names}
