"""The rq worker (with its scheduler) that runs deliveries, timers and digests for one desk."""
from __future__ import annotations

import logging

from rq import SimpleWorker

from . import queue, runtime
from .desk import Desk
from .jobs import RegistryJob
from .delivery import send as delivery
from .console import jobs as console_jobs
from .incidents import alerts as incident_alerts, restore as incident_restore  # noqa: F401  (their jobs register)
from .privacy import jobs as privacy_jobs
from .tickets import deadlines, digest, timers  # noqa: F401  (timers: its job registers itself)

log = logging.getLogger(__name__)


def recover(desk: Desk) -> None:
    """On start: re-create what Redis may have lost. The database is the truth for timers and
    outbox messages, so a flushed or restarted Redis loses nothing."""
    deadlines.restore(desk)
    delivery.requeue_pending(desk)
    delivery.settle_stuck(desk)
    digest.ensure_scheduled(desk)
    console_jobs.ensure_scheduled(desk)
    incident_restore.recover(desk)
    privacy_jobs.ensure_scheduled(desk)


def run(desk: Desk, burst: bool = False) -> bool:
    """Work the queue with this desk (installed for the jobs of this process). SimpleWorker runs jobs
    in-process: no fork per job, so the database pool and NLU model are shared and a due timer starts
    in milliseconds."""
    runtime.install(desk)
    recover(desk)
    worker = SimpleWorker([queue.queue_of(desk.jobs.connection)], connection=desk.jobs.connection,
                          job_class=RegistryJob)
    return worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
