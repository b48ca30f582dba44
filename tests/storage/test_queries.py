"""Named queries that decide races and duplicates, on SQLite and PostgreSQL: the database, not the code
around it, makes sure of exactly-once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from storage import queries
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade
from storage.models import OPEN_STATUSES, UNCONFIRMED_STATUSES, Staff, utcnow


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def _ticket(sessions, code="BX-20251125-0001"):
    with session_scope(sessions) as session:
        now = utcnow()
        ticket = queries.insert_ticket(session, code=code, kind="repair", status="new", description="灯不亮",
                                       created_at=now, updated_at=now, due_at=now + timedelta(hours=2))
        staff = [Staff(telegram_user_id=1001, name="张师傅"), Staff(telegram_user_id=1002, name="李师傅")]
        session.add_all(staff)
        session.flush()
        return ticket.id, [s.id for s in staff]


def test_of_two_accepting_the_same_ticket_exactly_one_wins(sessions):
    ticket_id, (zhang, li) = _ticket(sessions)
    first, second = sessions(), sessions()
    assert queries.accept(first, ticket_id, zhang, utcnow()) is True
    first.commit()
    assert queries.accept(second, ticket_id, li, utcnow()) is False
    second.commit()
    with session_scope(sessions) as session:
        ticket = queries.ticket(session, ticket_id)
        assert (ticket.status, ticket.assignee_id) == ("accepted", zhang)


def test_a_staff_update_is_handled_once(sessions):
    with session_scope(sessions) as session:
        assert queries.first_staff_update(session, 837261501, utcnow()) is True
    with session_scope(sessions) as session:
        assert queries.first_staff_update(session, 837261501, utcnow()) is False


def test_one_pending_timer_per_ticket_and_kind(sessions):
    ticket_id, _ = _ticket(sessions)
    now = utcnow()
    goal = {"accept_due": (now + timedelta(minutes=30), now + timedelta(minutes=30)), "followup": (now, None)}
    with session_scope(sessions) as session:
        added = queries.add_timers(session, ticket_id, goal, now)
    assert len(added) == 2
    with session_scope(sessions) as session:
        assert queries.add_timers(session, ticket_id, goal, now) == []  # what a concurrent plan would add
        for timer in queries.timers_of(session, ticket_id):
            timer.status = "cancelled"
    with session_scope(sessions) as session:
        assert len(queries.add_timers(session, ticket_id, goal, now)) == 2  # cancelled ones leave room


def test_ticket_codes_count_per_prefix_and_day(sessions):
    with session_scope(sessions) as session:
        numbers = [queries.next_code_number(session, "BX", "20251125") for _ in range(3)]
        numbers += [queries.next_code_number(session, "TS", "20251125"), queries.next_code_number(session, "BX", "20251126")]
    assert numbers == [1, 2, 3, 1, 1]


def test_an_alert_key_alerts_once(sessions):
    ticket_id, _ = _ticket(sessions)
    for expected in (True, False):
        with session_scope(sessions) as session:
            assert queries.record_alert(session, f"{ticket_id}:missed_accept:1", ticket_id=ticket_id, staff_id=None,
                                        reason="missed_accept", level=1, text="🚨", created_at=utcnow()) is expected


def test_the_backlog_counts_the_open_statuses_only(sessions):
    ticket_id, _ = _ticket(sessions)
    with session_scope(sessions) as session:
        assert queries.open_kinds(session) == ["repair"]
        queries.ticket(session, ticket_id).status = "done"
    with session_scope(sessions) as session:
        assert queries.open_kinds(session) == []
        assert [t.id for t in queries.unplanned(session)] == [ticket_id]  # done still waits for its follow-up
    assert "done" not in OPEN_STATUSES and "done" in UNCONFIRMED_STATUSES
