"""The rq worker that runs deliveries, timers and digests for one desk, with its upkeep thread."""
from __future__ import annotations

import logging
import os
import socket
import uuid

from rq import SimpleWorker

from . import queue, runtime, upkeep
from .desk import Desk
from .jobs import RegistryJob
from .console import jobs as console_jobs
from .delivery import send as delivery  # noqa: F401  (its job registers itself)
from .incidents import alerts as incident_alerts, restore as incident_restore  # noqa: F401  (their jobs register)
from .incidents import followups as incident_followups  # noqa: F401  (its job registers itself)
from .privacy import jobs as privacy_jobs
from .bindings import deadline as binding_deadlines
from .tickets import deadlines, digest, timers  # noqa: F401  (timers: its job registers itself)

log = logging.getLogger(__name__)


def recover(desk: Desk) -> None:
    """On start: re-create what Redis may have lost. The database is the truth for timers and
    outbox messages, so a flushed or restarted Redis loses nothing; the reconciler keeps doing this
    for what is due while the worker runs."""
    deadlines.restore(desk)
    upkeep.reconcile(desk)
    digest.ensure_scheduled(desk)
    console_jobs.ensure_scheduled(desk)
    incident_restore.recover(desk)
    privacy_jobs.ensure_scheduled(desk)
    binding_deadlines.restore(desk)


def _fork_safe(desk: Desk) -> None:
    """A process forked from this one (a library's helper, say) must not use, or keep alive, the
    parent's database connections: its pool is dropped in the child (SQLAlchemy's advice for forks)."""
    engine = desk.sessions.kw.get("bind")
    if engine is not None:
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


def run(desk: Desk, burst: bool = False, queues: str = "all") -> bool:
    """Work the queues with this desk (installed for the jobs of this process). SimpleWorker runs jobs
    in-process: no fork per job, so the database pool and NLU model are shared and a due timer starts
    in milliseconds. The scheduler runs in the upkeep thread, not in a forked child (see upkeep)."""
    runtime.install(desk)
    _fork_safe(desk)
    recover(desk)
    name = f"wuye-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    keeper = upkeep.Upkeep(desk, name)
    if burst:
        keeper.tick()  # due scheduled jobs onto their queues, once
    else:
        keeper.start()
    worker = SimpleWorker([queue.queue_of(desk.jobs.connection, n) for n in queue.queue_names(queues)],
                          connection=desk.jobs.connection, job_class=RegistryJob, name=name)
    try:
        return worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
    finally:
        keeper.stop()
