"""Workers killed with kill -9 (their pid, their process group) and restarted: nothing lost, nothing stuck,
no transaction left open, timers on time. Real PostgreSQL, Redis, `wuye worker` processes, fake APIs."""
from __future__ import annotations

import time

import pytest
import sqlalchemy

from storage.models import Timer

from .stack import (children, idle_in_transaction, outbox_done, outcome, replies, settled, timers_planned,
                    wait_for, waiting_on_locks)

pytestmark = pytest.mark.slow


def started(stack, count: int = 1) -> None:
    """Wait until `count` workers beat (each writes a heartbeat once its upkeep thread runs)."""
    wait_for(lambda: len(list(stack.redis.client.scan_iter("wuye:heartbeat:worker:*"))) >= count, 120,
             "the workers to start")


def test_kill9_of_the_worker_pid_mid_delivery_loses_and_locks_nothing(stack):
    stack.wechat.slow_down("message/custom/send", 3, answer_late=True)  # kill while an answer is awaited
    texts = replies(stack.desk, 5, "甲")
    worker = stack.workers.start()
    started(stack)
    assert children(worker) == []  # the scheduler is a thread: no child can outlive the worker
    wait_for(lambda: stack.wechat.sent, 60, "the first send")
    stack.workers.kill_pid(worker)
    assert wait_for(lambda: idle_in_transaction(stack.database_url) == 0 or None, 10, "no open transaction")
    stack.wechat.slow_down("message/custom/send", 0)
    stack.workers.start()
    wait_for(lambda: settled(stack.desk), 90, "every reply to be delivered")
    result = outcome(stack.desk, stack.wechat, texts)
    assert (result.lost, result.stuck_rows) == (0, 0), stack.workers.log_tail()
    assert result.duplicates <= result.doubtful  # a repeat only where an answer was lost, and counted
    assert idle_in_transaction(stack.database_url) == 0


def test_kill9_of_the_group_mid_fire_then_a_new_worker_a_second_later(stack):
    worker = stack.workers.start()
    started(stack)
    stack.tickets(2)
    wait_for(lambda: timers_planned(stack.desk, 2) and outbox_done(stack.desk), 60, "timers planned, cards sent")
    holder = sqlalchemy.create_engine(stack.database_url).connect()
    try:
        transaction = holder.begin()
        holder.exec_driver_sql("SELECT id FROM tickets WHERE id = 1 FOR UPDATE")  # fire() will wait here
        wait_for(lambda: waiting_on_locks(stack.database_url), 60, "a timer's fire to be under way")
        stack.workers.kill_group(worker)
        time.sleep(1)
        lock = stack.redis.client.get("rq:scheduler-lock:wuye")
        stack.workers.start()
        transaction.rollback()  # the dead worker's session now ends; its timer is still pending
    finally:
        holder.close()
    # The dead worker's scheduler lock is taken over at once (its pid is gone), not after its 60 s expiry.
    wait_for(lambda: stack.redis.client.get("rq:scheduler-lock:wuye") not in (None, lock), 60, "a new scheduler")
    wait_for(lambda: settled(stack.desk) and _all_fired(stack.desk), 120, "every timer to fire")
    result = outcome(stack.desk, stack.wechat, [])
    assert (result.timers_stuck, result.stuck_rows) == (0, 0), stack.workers.log_tail()
    assert result.timers_fired >= 4 and result.worst_lateness <= 60
    with stack.desk.sessions() as session:  # the fire that died was given a new job by the reconciler
        assert session.scalar(sqlalchemy.select(sqlalchemy.func.max(Timer.requeued))) >= 1
    assert idle_in_transaction(stack.database_url) == 0


def _all_fired(desk) -> bool:
    """Both reminders and both missed acceptances have fired (20 s after the tickets opened)."""
    with desk.sessions() as session:
        return session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Timer)
                              .where(Timer.status == "fired")) >= 4


def test_a_database_error_while_firing_is_retried(stack):
    stack.workers.start()
    started(stack)
    stack.tickets(1)
    wait_for(lambda: timers_planned(stack.desk, 1) and outbox_done(stack.desk), 60, "timers planned, card sent")
    engine = sqlalchemy.create_engine(stack.database_url)
    with engine.begin() as connection:  # the table a fire writes to is briefly unavailable
        connection.exec_driver_sql("ALTER TABLE ticket_events RENAME TO ticket_events_away")
    try:
        wait_for(lambda: "ticket_events" in stack.workers.log_tail(), 60, "a fire to fail")
        time.sleep(2)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE ticket_events_away RENAME TO ticket_events")
        engine.dispose()
    wait_for(lambda: settled(stack.desk) and _fired(stack.desk) >= 2, 120, "the timers to fire after all")
    result = outcome(stack.desk, stack.wechat, [])
    assert (result.timers_stuck, result.stuck_rows) == (0, 0) and result.worst_lateness <= 60, result


def _fired(desk) -> int:
    with desk.sessions() as session:
        return session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Timer)
                              .where(Timer.status == "fired"))


def test_redis_flushed_with_timers_and_replies_pending(stack):
    worker = stack.workers.start()
    started(stack)
    stack.tickets(2)
    wait_for(lambda: timers_planned(stack.desk, 2) and outbox_done(stack.desk), 60, "timers planned, cards sent")
    worker.terminate()
    worker.wait(30)
    texts = replies(stack.desk, 5, "乙")
    stack.redis.client.flushall()
    health = stack.app.test_client().get("/healthz?deep=1")
    assert health.status_code == 503 and "no worker with a scheduler" in " ".join(health.get_json()["problems"])
    stack.workers.start()
    wait_for(lambda: settled(stack.desk) and _fired(stack.desk) >= 4, 120, "replies delivered, timers fired")
    result = outcome(stack.desk, stack.wechat, texts)
    assert (result.lost, result.duplicates, result.stuck_rows, result.timers_stuck) == (0, 0, 0, 0)
    assert result.worst_lateness <= 60
    health = stack.app.test_client().get("/healthz?deep=1")
    assert health.status_code == 200, health.get_json()
    assert health.get_json()["workers"] == 1 and health.get_json()["oldest_due_timer_seconds"] == 0
