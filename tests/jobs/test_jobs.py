"""The job registry: stable names, and jobs an earlier version queued under dotted import paths.

A deployment upgrades with timers and deliveries waiting in Redis under the old names; each test
queues such a job straight through rq (as the old code did), runs the real worker in burst mode and
asserts the job's effect.
"""
from __future__ import annotations

import pytest
from rq import Queue

from handlers import jobs, runtime
from handlers.queue import QUEUE_NAME
from handlers.worker import run
from storage import queries
from storage.models import OutboxMessage, Ticket, Timer

from ..conftest import WeChatUser, rows
from ..staffing import STAFF_CHAT, drain, register_staff, settings, ticket

MANAGERS = -1002000000002
RESIDENT = "o_resident_jobs_0001"


@pytest.fixture
def build(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_MANAGER_CHAT_IDS=str(MANAGERS),
                              SLA_ACCEPT_MINUTES=30))
    desk = app.extensions["wuye"]
    register_staff(desk)
    return app, desk, WeChatUser(app.test_client(), RESIDENT)


def _queue_the_old_way(desk, name: str, *args, job_id: str | None = None):
    """What the earlier code did: rq's own Queue and Job, the function named by its import path."""
    return Queue(QUEUE_NAME, connection=desk.jobs.connection).enqueue(name, *args, job_id=job_id)


def test_every_name_has_a_function_and_every_old_name_a_new_one():
    assert jobs.NAMES == {jobs.DELIVER, jobs.FIRE_TIMER, jobs.PLAN_TICKET, jobs.SEND_DIGEST, jobs.REFRESH_ROLLUPS,
                          jobs.PURGE_PERSONAL_DATA, jobs.BINDING_DEADLINE, jobs.INCIDENT_CHECK, jobs.INCIDENT_RESTORE,
                          jobs.INCIDENT_FOLLOWUP}
    for name in jobs.NAMES | set(jobs.LEGACY_NAMES):
        assert callable(jobs.function(name))  # the worker module registered them all
    # every job that earlier versions queued keeps a name (the console's, the privacy purge's, the binding
    # deadline's and the incidents' jobs are newer than dotted names)
    assert set(jobs.LEGACY_NAMES.values()) == jobs.NAMES - {jobs.REFRESH_ROLLUPS, jobs.PURGE_PERSONAL_DATA,
                                                             jobs.BINDING_DEADLINE, jobs.INCIDENT_CHECK,
                                                             jobs.INCIDENT_RESTORE, jobs.INCIDENT_FOLLOWUP}
    with pytest.raises(LookupError):
        jobs.function("handlers.nothing.here")
    with pytest.raises(ValueError):
        jobs.job("not.a.listed.name")


def test_a_delivery_queued_under_its_old_name_still_goes(build, fake_telegram):
    app, desk, user = build
    with desk.work() as work:  # a row as the old code wrote it: buttons as [label, callback data]
        row = queries.add_outbox(work.session, channel="telegram", kind="text", recipient=str(STAFF_CHAT),
                                 payload={"text": "旧版本排队的通知", "reply_to": None,
                                          "buttons": [[["接单", "t:7:accept"], ["转派", "t:7:transfer"]]]},
                                 status="pending", created_at=work.now)
    _queue_the_old_way(desk, "bot.delivery.deliver", row.id, job_id=f"outbox-{row.id}")
    drain(desk)
    [sent] = [m for m in fake_telegram.sent_to(STAFF_CHAT) if m["text"] == "旧版本排队的通知"]
    data = [b["callback_data"] for line in sent["reply_markup"]["inline_keyboard"] for b in line]
    assert data == ["t:7:accept", "t:7:transfer"]  # old cards' buttons keep their wire format
    assert rows(desk, OutboxMessage, id=row.id)[0].status == "sent"


def test_a_timer_queued_under_its_old_name_still_fires(build, fake_telegram):
    app, desk, user = build
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)  # the ticket's timers are planned and scheduled under the new name
    t = ticket(desk)
    [due] = rows(desk, Timer, ticket_id=t.id, kind="accept_due")
    desk.jobs.queue.scheduled_job_registry.remove(f"timer-{due.id}", delete_job=True)
    _queue_the_old_way(desk, "handlers.deadlines.fire", due.id, job_id=f"timer-{due.id}")
    drain(desk, lookahead=0)
    assert rows(desk, Timer, id=due.id)[0].status == "fired"
    assert ticket(desk).breached and any("超过接单时限" in m["text"] for m in fake_telegram.sent_to(MANAGERS))


def test_planning_queued_under_its_old_name_still_runs(build):
    app, desk, user = build
    user.say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=0)
    t = ticket(desk)
    assert {"accept_due", "accept_remind"} <= {x.kind for x in rows(desk, Timer, ticket_id=t.id, status="pending")}
    with desk.work() as work:  # the ticket moved on; only a re-plan drops its accept timers
        work.session.get(Ticket, t.id).status = "accepted"
    _queue_the_old_way(desk, "handlers.deadlines.ticket_moved", t.id)
    drain(desk, lookahead=0)
    pending = {x.kind for x in rows(desk, Timer, ticket_id=t.id, status="pending")}
    assert "accept_due" not in pending and "arrive_due" in pending


def test_the_digest_queued_under_its_old_name_still_goes(build, fake_telegram):
    app, desk, user = build
    _queue_the_old_way(desk, "handlers.digest.send")
    drain(desk, lookahead=0)
    assert [m["text"].splitlines()[0] for m in fake_telegram.sent_to(MANAGERS)][0].startswith("📊 物业服务日报")


def test_jobs_run_with_the_desk_the_worker_bootstrap_installs(build, monkeypatch):
    app, desk, user = build
    monkeypatch.setattr(runtime, "_desk", None)
    with pytest.raises(RuntimeError, match="wuye worker"):  # nothing builds an app behind the caller's back
        runtime.desk()
    run(desk, burst=True)
    assert runtime.desk() is desk
