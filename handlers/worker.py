"""`wuye worker`: the rq worker (with its scheduler) that runs notifications, deliveries and timers."""
from __future__ import annotations

import logging

import click
from rq import SimpleWorker

from . import queue, runtime

log = logging.getLogger(__name__)


@click.command("worker")
@click.option("--burst", is_flag=True, help="run the jobs that are due, then exit (tests, cron)")
def worker_command(burst: bool) -> None:
    """Run jobs from the queue, including scheduled ones (SLA timers, follow-ups)."""
    from app import create_app

    create_app()
    run(burst=burst)


def recover(desk) -> None:
    """On start: re-create what Redis may have lost. The database is the truth for timers and
    outbox messages, so a flushed or restarted Redis loses nothing."""
    from bot.delivery import requeue_pending

    from . import deadlines, digest
    from .console import jobs as console_jobs

    deadlines.restore(desk)
    requeue_pending(desk)
    digest.ensure_scheduled(desk)
    console_jobs.ensure_scheduled(desk)


def run(burst: bool = False) -> bool:
    """Work the queue with this process's desk. SimpleWorker runs jobs in-process: no fork per job,
    so the database pool and NLU model are shared and a due timer starts in milliseconds."""
    desk = runtime.desk()
    recover(desk)
    worker = SimpleWorker([queue.QUEUE_NAME], connection=desk.jobs.connection)
    return worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
