"""What an outage report costs in statements: no read of the directory's version per message (the desk's
shared check)."""
from __future__ import annotations

from sqlalchemy import event

from .conftest import Residents, incidents


def test_outage_reports_do_not_read_the_directory_version_each(build):
    app, desk = build()
    people = Residents(app)
    people.report(1, "3")   # the first message reads the version (and the caches fill)
    desk.estates.freshness.ttl = 3600   # no re-check falls due during the test, however slow the machine
    versions = []

    def count(_conn, _cursor, statement, *_):
        if "companies.version" in statement:
            versions.append(statement)

    event.listen(desk.sessions.kw["bind"], "before_cursor_execute", count)
    try:
        for number in range(2, 7):
            people.report(number, "3")
    finally:
        event.remove(desk.sessions.kw["bind"], "before_cursor_execute", count)
    assert incidents(desk)[0].households == 6
    assert versions == []   # the desk's shared check only; it was one query per report
