"""Fixtures of the estates tests: sessions on a fresh, migrated database (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

import storage.estate_models  # noqa: F401  (the estate tables are emptied between tests too)
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def write(tmp_path):
    """Write a roster file: CSV text, or rows for an XLSX file."""
    def write_file(name: str, content, encoding: str = "utf-8"):
        path = tmp_path / name
        if name.endswith(".xlsx"):
            from openpyxl import Workbook
            book = Workbook()
            for row in content:
                book.active.append(row)
            book.save(path)
        else:
            path.write_bytes(content.encode(encoding))
        return path
    return write_file
