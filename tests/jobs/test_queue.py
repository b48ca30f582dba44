"""The job queue wrapper on the real Redis: jobs collected during a transaction go out together."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import redis
from rq import Queue

from handlers.queue import Jobs


def test_enqueue_all_queues_every_job_with_its_options(redis_url):
    jobs = Jobs(redis.Redis.from_url(redis_url), name="wuye-test")
    later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)
    assert jobs.enqueue_all([("handlers.deadlines.ticket_moved", (7,), {}),
                             ("bot.delivery.deliver", (8,), {"job_id": "outbox-8", "retries": 0}),
                             ("handlers.deadlines.fire", (9,), {"job_id": "timer-9", "at": later})])
    queue = Queue("wuye-test", connection=jobs.connection)
    queued = {job.id: job for job in queue.get_jobs()}
    assert "outbox-8" not in queued  # deliveries have a queue of their own, so they never hold up a timer
    queued.update({job.id: job for job in Queue("wuye-test-deliveries", connection=jobs.connection).get_jobs()})
    assert "outbox-8" in queued and queued["outbox-8"].args == (8,) and queued["outbox-8"].retries_left is None
    moved = [job for job in queued.values() if job.func_name == "handlers.deadlines.ticket_moved"]
    assert [job.args for job in moved] == [(7,)] and moved[0].retries_left == 3
    assert queue.scheduled_job_registry.get_job_ids() == ["timer-9"]


def test_enqueue_all_logs_an_outage_and_raises_nothing(caplog):
    jobs = Jobs(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5), name="wuye-test")
    with caplog.at_level(logging.ERROR, logger="handlers.queue"):
        assert jobs.enqueue_all([("handlers.deadlines.ticket_moved", (7,), {})]) is False
    assert "could not queue handlers.deadlines.ticket_moved(7,)" in caplog.text


def test_an_id_used_by_a_finished_job_does_not_make_the_new_job_expire(redis_url):
    # rq keeps a finished job's key for its result TTL; a job queued again under that id (an overdue check
    # moved to a new expected time, say) must not inherit that expiry and vanish before it runs.
    jobs = Jobs(redis.Redis.from_url(redis_url), name="wuye-test")
    later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)
    first = jobs.enqueue("handlers.deadlines.fire", 9, job_id="incident-9-due", at=later)
    jobs.connection.expire(first.key, 500)          # as rq leaves it when the job has finished
    again = jobs.enqueue("handlers.deadlines.fire", 9, job_id="incident-9-due", at=later + timedelta(hours=1))
    assert again.id == first.id and jobs.connection.ttl(again.key) == -1
    jobs.connection.expire(again.key, 500)
    assert jobs.enqueue_all([("handlers.deadlines.fire", (9,), {"job_id": "incident-9-due", "at": later}),
                             ("bot.delivery.deliver", (8,), {"job_id": "outbox-8", "retries": 0})])
    assert jobs.connection.ttl(again.key) == -1 and jobs.connection.ttl("rq:job:outbox-8") == -1
