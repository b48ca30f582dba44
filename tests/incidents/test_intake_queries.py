"""What an outage report costs in statements: one for planned notices and open outages together, and no
read of the directory's version per message (the desk's shared check)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from storage import incident_queries as iq
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade
from storage.models import utcnow

from .conftest import Residents, incidents


def _incident(session, code, scope, kind="outage", status="open", starts_at=None, ends_at=None):
    now = utcnow()
    return iq.insert_incident(session, code=code, kind=kind, status=status, source="staff", estate_id=None,
                              category="power", place="3", scope=scope, households=0, card_version=0,
                              card_shown_version=-1, created_by="test", opened_at=now, updated_at=now,
                              starts_at=starts_at, ends_at=ends_at)


def test_outages_now_answers_the_planned_notice_covering_now_and_the_open_outages(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    sessions, now = make_sessionmaker(engine), utcnow()
    hour = timedelta(hours=1)
    with session_scope(sessions) as session:
        _incident(session, "SG-1", "1:power:3")
        _incident(session, "SG-2", "1:power:3", status="resolved")
        _incident(session, "SG-3", "1:power:*")
        _incident(session, "SG-4", "1:power:4")                                 # another building
        _incident(session, "PL-1", "1:power:3", kind="planned", starts_at=now + hour, ends_at=now + 2 * hour)
        _incident(session, "PL-2", "1:power:*", kind="planned", starts_at=now - hour, ends_at=now + hour)
        _incident(session, "PL-3", "1:power:3", kind="planned", starts_at=now - 2 * hour, ends_at=now - hour)
    with session_scope(sessions) as session:
        planned, current = iq.outages_now(session, ["1:power:3", "1:power:*"], now)
        assert planned.code == "PL-2" and [i.code for i in current] == ["SG-1", "SG-3"]
        assert planned is iq.planned_now(session, ["1:power:3", "1:power:*"], now)   # the session's own object
        assert current == iq.open_outages_of(session, ["1:power:3", "1:power:*"])
        assert iq.outages_now(session, ["1:power:3"], now + 3 * hour) == (None, [current[0]])
        assert iq.outages_now(session, ["1:water:3"], now) == (None, [])
    engine.dispose()


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
