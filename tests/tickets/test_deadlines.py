"""Deadlines, escalations and follow-ups with the real Redis and a real rq worker (burst, scheduler).

Deadlines are set to seconds (minute settings accept decimals), so timers come due during the test.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rq import Queue

from handlers.tickets import deadlines, timers
from handlers.desk import Work
from handlers.queue import QUEUE_NAME
from config.values import parse_days, parse_hours
from handlers.tickets.servicetime import ServiceClock
from storage.db import session_scope
from storage.models import Alert, PhoneTask, Ticket, TicketEvent, Timer, utcnow

from ..conftest import WeChatUser, rows
from ..staffing import STAFF_CHAT, ZHANG, drain, push, register_staff, settings, ticket

MANAGERS = -1002000000002
RESIDENT = "o_resident_sla_0001"
SECONDS = 1 / 60  # one second, in minutes
FAST = {"SLA_URGENT_ACCEPT_MINUTES": 2 * SECONDS, "SLA_ACCEPT_MINUTES": 2 * SECONDS,
        "SLA_URGENT_ARRIVAL_MINUTES": 60, "SLA_ARRIVAL_MINUTES": 60, "TELEGRAM_MANAGER_CHAT_IDS": str(MANAGERS)}


@pytest.fixture
def build(make_app, fake_telegram, fake_wechat):
    def make(**extra):
        app = make_app(**settings(fake_telegram, fake_wechat, **{**FAST, **extra}))
        register_staff(app.extensions["wuye"])
        return app, app.extensions["wuye"], WeChatUser(app.test_client(), RESIDENT)
    return make


def _wait_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - utcnow()).total_seconds()) + 0.05)


def _pending(desk, ticket_id):
    return {t.kind: t for t in rows(desk, Timer, ticket_id=ticket_id, status="pending")}


def _timer(desk, ticket_id, kind):
    """The ticket's latest timer of this kind, pending or not: on a slow machine a 2-second timer
    may already have fired by the time the test looks."""
    return max(rows(desk, Timer, ticket_id=ticket_id, kind=kind), key=lambda timer: timer.id)


def test_a_missed_deadline_fires_once_reminds_and_escalates(build, fake_telegram):
    app, desk, user = build()
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    due = _timer(desk, t.id, "accept_due")
    assert (due.fire_at - t.created_at).total_seconds() == pytest.approx(2, abs=0.01)
    _wait_until(due.fire_at)
    drain(desk)
    t = ticket(desk)
    assert t.breached and t.escalated and t.escalation_reason == "超过接单时限仍无人接单"
    actions = [e.action for e in rows(desk, TicketEvent)]
    assert actions.count("deadline_missed") == 1 and actions.count("reminded") == 1
    reminder = next(m for m in fake_telegram.sent_to(STAFF_CHAT) if m["text"].startswith("⏰"))
    assert t.code in reminder["text"]
    [alert] = [m for m in fake_telegram.sent_to(MANAGERS)]
    assert "超过接单时限" in alert["text"] and t.code in alert["text"] and "尚未接单" in alert["text"]
    assert "超时" in alert["text"] and "卧室灯不亮" in alert["text"]
    labels = [b["text"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["查看处理记录", "我来接手"]
    fired = [x for x in rows(desk, Timer, ticket_id=t.id) if x.kind == "accept_due"]
    timers.fire(desk, fired[0].id)  # a duplicate wake-up of the same timer
    drain(desk)
    assert len(fake_telegram.sent_to(MANAGERS)) == 1 and len(rows(desk, Alert)) == 1


def test_accepting_cancels_the_accept_timers_and_keeps_the_others(build, fake_telegram):
    app, desk, user = build(SLA_ACCEPT_MINUTES=30)
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    drain(desk)
    t = ticket(desk)
    before = _pending(desk, t.id)
    assert {"accept_remind", "accept_due", "arrive_remind", "arrive_due", "resolve_remind", "resolve_due"} <= set(before)
    card = fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]
    push(app, fake_telegram.callback_update(STAFF_CHAT, ZHANG, card, f"t:{t.id}:accept"))
    drain(desk)
    after = _pending(desk, t.id)
    assert "accept_due" not in after and "accept_remind" not in after
    assert after["arrive_due"].id == before["arrive_due"].id  # untouched, not rescheduled
    cancelled = rows(desk, Timer, ticket_id=t.id, status="cancelled")
    assert {x.kind for x in cancelled} == {"accept_remind", "accept_due"}
    scheduled = set(Queue(QUEUE_NAME, connection=desk.jobs.connection).scheduled_job_registry.get_job_ids())
    assert not {deadlines.job_id(x.id) for x in cancelled} & scheduled
    assert {deadlines.job_id(x.id) for x in after.values()} <= scheduled


def test_a_new_agreed_time_moves_the_arrival_timers(build):
    app, desk, user = build()
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 明天上午十点来")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    old = _pending(desk, t.id)["arrive_due"]
    reply = user.say("上门时间能不能改到后天下午三点")
    drain(desk, lookahead=0)
    assert "改为" in reply and t.code in reply
    new = _pending(desk, t.id)["arrive_due"]
    assert new.id != old.id and desk.local(new.fire_at).hour == 15
    assert rows(desk, Timer, id=old.id)[0].status == "cancelled"


def test_redis_flushed_and_worker_restarted_loses_nothing(build, fake_telegram):
    app, desk, user = build()
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    desk.jobs.connection.flushdb()  # Redis lost every job, the card's and the timers'
    _wait_until(_timer(desk, t.id, "accept_due").fire_at)
    drain(desk)  # the worker starts, restores from the database, runs what is due
    t = ticket(desk)
    assert t.breached and t.card_message_id is not None
    assert len(fake_telegram.sent_to(MANAGERS)) == 1


def test_concurrent_updates_never_schedule_a_timer_twice(build):
    app, desk, user = build(SLA_ACCEPT_MINUTES=30)
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    with session_scope(desk.sessions) as session:  # forget the timers, as if never planned
        session.query(Timer).delete()
    desk.jobs.connection.flushdb()
    barrier, errors = threading.Barrier(6), []

    def replan():
        try:
            barrier.wait()
            with session_scope(desk.sessions) as session:
                work = Work(desk, session, desk.now())
                deadlines.plan(work, session.get(Ticket, t.id))
            work.flush_jobs()
        except Exception as exc:  # a lost race must not fail the update
            errors.append(exc)

    threads = [threading.Thread(target=replan) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    pending = rows(desk, Timer, ticket_id=t.id, status="pending")
    kinds = [x.kind for x in pending]
    assert len(kinds) == len(set(kinds)) == 6
    scheduled = Queue(QUEUE_NAME, connection=desk.jobs.connection).scheduled_job_registry.get_job_ids()
    assert sorted(scheduled) == sorted(deadlines.job_id(x.id) for x in pending)


def test_a_second_escalation_level_when_it_stays_open(build, fake_telegram):
    app, desk, user = build(ESCALATION_LEVEL2_MINUTES=5 * SECONDS)
    with session_scope(desk.sessions) as session:
        from storage.models import Staff
        session.add(Staff(telegram_user_id=7001, name="周主管", role="supervisor", groups=[]))
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    _wait_until(_timer(desk, t.id, "accept_due").fire_at)
    drain(desk, lookahead=0)  # only what is due now: level 2 must not fire yet
    assert [m["text"].splitlines()[0] for m in fake_telegram.sent_to(7001)] == ["🚨 升级提醒（主管）：超过接单时限仍无人接单"]
    _wait_until(_timer(desk, t.id, "escalate_level2").fire_at)
    drain(desk)
    texts = [m["text"].splitlines()[0] for m in fake_telegram.sent_to(MANAGERS)]
    assert "🚨 升级提醒（项目经理）：升级后仍未解决" in texts
    manager_dm = [m["text"] for m in fake_telegram.sent_to(1003)]  # 王经理, role manager
    assert any("项目经理" in text for text in manager_dm)


def test_a_manager_can_take_over_from_the_alert(build, fake_telegram):
    app, desk, user = build()
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    t = ticket(desk)
    _wait_until(_timer(desk, t.id, "accept_due").fire_at)
    drain(desk)
    alert = fake_telegram.sent_to(MANAGERS)[0]
    take = alert["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    push(app, fake_telegram.callback_update(MANAGERS, ZHANG, alert, take))  # staff, not a manager
    drain(desk)
    assert ticket(desk).assignee_id is None
    push(app, fake_telegram.callback_update(MANAGERS, 1003, alert, take))
    drain(desk)
    t = ticket(desk)
    assert t.status == "accepted" and "taken_over" in [e.action for e in rows(desk, TicketEvent)]


def test_service_hours_skip_breaks_nights_and_days_off():
    zone = ZoneInfo("Asia/Shanghai")
    clock = ServiceClock(parse_hours("08:30-12:00,13:30-18:00"), parse_days("1-5"), zone)

    def utc(y, m, d, hh, mm):
        return datetime(y, m, d, hh, mm, tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    local = lambda moment: moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%a %H:%M")
    assert local(clock.add(utc(2026, 11, 20, 11, 50), 30)) == "Fri 13:50"   # over lunch
    assert local(clock.add(utc(2026, 11, 20, 17, 30), 120)) == "Mon 10:00"  # over the weekend
    assert local(clock.add(utc(2026, 11, 21, 22, 0), 30)) == "Mon 09:00"    # asked on Saturday night
    assert clock.between(utc(2026, 11, 20, 11, 0), utc(2026, 11, 20, 14, 0)) == timedelta(minutes=90)


def test_urgent_work_ignores_service_hours_and_ordinary_work_follows_them(build):
    app, desk, user = build(SERVICE_HOURS="00:00-00:01", SLA_ACCEPT_MINUTES=30, SLA_URGENT_ACCEPT_MINUTES=5)
    user.say("救命 5栋2单元电梯困人了 电话13812345678")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    urgent = ticket(desk)
    assert (_pending(desk, urgent.id)["accept_due"].fire_at - urgent.created_at) == timedelta(minutes=5)
    WeChatUser(app.test_client(), "o_other_0002").say("6栋1单元502 卧室灯不亮 电话13900001111 随时")
    drain(desk, lookahead=0)  # the worker plans the new ticket's timers
    ordinary = ticket(desk)
    # one staffed minute a day: 30 service minutes are a month away
    assert _pending(desk, ordinary.id)["accept_due"].fire_at - ordinary.created_at > timedelta(days=25)


def test_a_lost_planning_job_is_made_good_when_a_worker_starts(build):
    app, desk, user = build(SLA_ACCEPT_MINUTES=30)
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    t = ticket(desk)
    assert _pending(desk, t.id) == {}  # planning is the worker's job, off the webhook path
    desk.jobs.connection.flushdb()     # ... and Redis lost it
    drain(desk, lookahead=0)
    assert {"accept_due", "arrive_due", "resolve_due"} <= set(_pending(desk, t.id))
