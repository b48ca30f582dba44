"""The binding code reads estates through the desk's own caches (one cache per process, not two)."""
from __future__ import annotations

from handlers.bindings import context
from handlers.desk import Work
from handlers.estates import admin
from storage.db import session_scope


def test_bindings_see_what_the_desk_sees(desk):
    with desk.work() as work, context.lent(work) as estates:
        assert estates.directory is desk.estates and estates.store is desk.settings
        assert estates.directory.named("翠湖苑") is None
    admin.add_estate(desk.sessions, "翠湖苑", "CH")
    desk.estates.freshness.expire()  # the desk's one version check: nothing else to refresh
    with desk.work() as work, context.lent(work) as estates:
        assert estates.directory.named("CH").name == "翠湖苑"


def test_work_made_by_hand_reads_through_its_own_session(desk):
    with session_scope(desk.sessions) as session:
        work = Work(desk, session, desk.now())
        with context.lent(work) as estates:
            assert estates.directory.named("锦绣").name == "锦绣花园"
            assert estates.settings(estates.directory.named("锦绣").id) is not None
