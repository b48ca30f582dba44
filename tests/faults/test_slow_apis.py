"""Slow, limiting and forgetful chat APIs: a long 429 wait, a hanging WeChat, answers lost after a send.
Real PostgreSQL, Redis, `wuye worker` processes; the fake APIs play the part of WeChat and Telegram."""
from __future__ import annotations

import pytest
import sqlalchemy

from handlers import outbox
from storage.models import OutboxMessage

from .conftest import STAFF_CHAT
from .stack import outbox_done, outcome, replies, settled, timers_planned, wait_for
from .test_crashes import _fired, started

pytestmark = pytest.mark.slow


def test_a_429_waits_exactly_retry_after_under_a_job_id_of_its_own(stack):
    stack.telegram.fail_next("sendMessage", 429, retry_after=2)
    stack.telegram.fail_next("sendMessage", 429, retry_after=20)
    with stack.desk.work() as work:
        row = outbox.to_staff(work, STAFF_CHAT, "工单 BX-1 已派单，请张师傅跟进。")
    stack.workers.start()
    started(stack)
    wait_for(lambda: len(stack.telegram.calls_of("sendMessage")) >= 2, 60, "two refusals")
    job_ids = set()
    with stack.desk.sessions() as session:
        waiting = session.get(OutboxMessage, row.id)
        job_ids.add(waiting.job_id)
    wait_for(lambda: outbox_done(stack.desk), 60, "the message to go after the wait")
    times = stack.telegram.call_times("sendMessage")
    assert len(times) == 3
    assert 2 <= times[1] - times[0] and 20 <= times[2] - times[1] <= 25  # each wait as long as Telegram said
    with stack.desk.sessions() as session:
        sent = session.get(OutboxMessage, row.id)
        assert sent.status == "sent" and sent.attempts == 1  # waiting for a rate limit is not a failed attempt
    assert len(job_ids | {sent.job_id}) >= 1 and sent.job_id != outbox.job_id(row.id)


def test_a_hanging_wechat_does_not_hold_up_timers(stack):
    stack.workers.start("timers")
    stack.workers.start("deliveries")
    started(stack, 2)
    stack.tickets(1)
    wait_for(lambda: timers_planned(stack.desk, 1) and outbox_done(stack.desk), 60, "timers planned, card sent")
    stack.wechat.slow_down("message/custom/send", 4)  # every send hangs 4 s (inside the 5 s client timeout)
    texts = replies(stack.desk, 6, "丙")  # 24 s of hanging, queued before the deadlines come due
    wait_for(lambda: settled(stack.desk) and _fired(stack.desk) >= 2, 120, "replies delivered, timers fired")
    result = outcome(stack.desk, stack.wechat, texts)
    assert (result.lost, result.duplicates, result.stuck_rows, result.timers_stuck) == (0, 0, 0, 0)
    assert result.worst_lateness < 10, result  # not behind 24 s of WeChat calls


def test_answers_lost_after_the_send_are_the_only_duplicates_and_are_counted(stack):
    stack.wechat.slow_down("message/custom/send", 3, answer_late=True)  # accepted, answered after the timeout
    texts = replies(stack.desk, 3, "丁")
    stack.workers.start(WECHAT_TIMEOUT_SECONDS=1)
    started(stack)
    wait_for(lambda: len(stack.wechat.sent) >= 5, 90, "sends whose answers were lost")
    stack.wechat.slow_down("message/custom/send", 0)
    wait_for(lambda: settled(stack.desk), 90, "every reply to be settled")
    result = outcome(stack.desk, stack.wechat, texts)
    assert (result.lost, result.stuck_rows) == (0, 0)
    assert 0 < result.duplicates <= result.doubtful  # at-least-once, and every repeat is counted
    health = stack.app.test_client().get("/healthz?deep=1").get_json()
    assert health["possible_duplicates"] == result.doubtful
