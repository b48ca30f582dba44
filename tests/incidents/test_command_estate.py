"""/incident and /notice in a staff group: the estate the words name, else the group's (its estate's own
settings), else the member's single estate; asked when still unclear, never the default estate silently."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from handlers.estates import admin
from handlers.estates.settings import SettingsStore
from storage.db import session_scope
from storage.models import DEFAULT_ESTATE_ID, Staff

from ..staffing import STAFF_CHAT, ZHANG
from .conftest import command, drain, incidents


def _two_estates(desk) -> int:
    return admin.add_estate(desk.sessions, "阳光城")


def _group_of(desk, estate_id: int, name: str) -> None:
    """The estate's own settings name the staff group (`wuye estate set 阳光城 staff_group …`)."""
    SettingsStore(desk.sessions, desk.config).change(estate_id, name, "staff_group", str(STAFF_CHAT), "test")
    desk.settings.freshness.expire()


def _replies(app, fake_telegram, desk, text: str) -> list[str]:
    command(app, fake_telegram, text)
    drain(desk)
    return [m["text"] for m in fake_telegram.sent_to(STAFF_CHAT)]


def test_the_groups_estate_when_the_words_name_none(build, fake_telegram):
    app, desk = build()
    other = _two_estates(desk)
    _group_of(desk, other, "阳光城")
    command(app, fake_telegram, "/incident 停电 3栋")
    [incident] = incidents(desk)
    assert incident.estate_id == other


def test_the_words_name_the_estate_over_the_group(build, fake_telegram):
    app, desk = build()
    other = _two_estates(desk)
    _group_of(desk, other, "阳光城")
    default_name = desk.estate_name(DEFAULT_ESTATE_ID)
    command(app, fake_telegram, f"/incident {default_name} 停电 3栋")
    assert [i.estate_id for i in incidents(desk)] == [DEFAULT_ESTATE_ID]


def test_the_members_single_estate(build, fake_telegram):
    app, desk = build()
    other = _two_estates(desk)
    with session_scope(desk.sessions) as session:
        session.execute(update(Staff).where(Staff.telegram_user_id == ZHANG).values(estate_ids=[other]))
    command(app, fake_telegram, "/incident 停电 全小区")
    assert [i.estate_id for i in incidents(desk)] == [other]


def test_asked_when_unclear_and_nothing_is_declared(build, fake_telegram):
    app, desk = build()
    _two_estates(desk)
    now = desk.local(desk.now())
    start, end = now + timedelta(hours=1), now + timedelta(hours=3)
    for text in ("/incident 停电 3栋", f"/notice 停水 3栋 {start:%m-%d %H:%M} {end:%m-%d %H:%M} 管道维修"):
        replies = _replies(app, fake_telegram, desk, text)
        assert "请问是哪个小区" in replies[-1] and "阳光城" in replies[-1]
    assert incidents(desk) == []


def test_a_notice_takes_the_groups_estate(build, fake_telegram):
    app, desk = build()
    other = _two_estates(desk)
    _group_of(desk, other, "阳光城")
    now = desk.local(desk.now())
    start, end = now + timedelta(hours=1), now + timedelta(hours=3)
    command(app, fake_telegram, f"/notice 停水 3栋 {start:%m-%d %H:%M} {end:%m-%d %H:%M} 管道维修")
    [notice] = incidents(desk)
    assert (notice.kind, notice.estate_id) == ("planned", other)
