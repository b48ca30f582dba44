"""Workers killed with kill -9 (their pid, their process group) and restarted: nothing lost, nothing stuck,
no transaction left open, timers on time. Real PostgreSQL, Redis, `wuye worker` processes, fake APIs."""
from __future__ import annotations

import time

import pytest

from .stack import children, idle_in_transaction, outcome, replies, settled, wait_for

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
