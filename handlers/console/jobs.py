"""The rq job that keeps the console's rollups current, every CONSOLE_ROLLUP_MINUTES.

Registered as jobs.REFRESH_ROLLUPS. Each run schedules the next one under an id
naming its time slot, so however many workers start, one run per slot is queued.
"""
from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta, timezone

from rq.job import Job

from .. import jobs
from ..desk import Desk
from . import rollups

log = logging.getLogger(__name__)

def next_slot(desk: Desk, after: datetime) -> datetime:
    """The next whole multiple of CONSOLE_ROLLUP_MINUTES after a moment (naive UTC)."""
    step = desk.config["CONSOLE_ROLLUP_MINUTES"] * 60
    epoch = (after - datetime(1970, 1, 1)).total_seconds()
    return datetime(1970, 1, 1) + timedelta(seconds=(math.floor(epoch / step) + 1) * step)


def job_id(slot: datetime) -> str:
    """The rq job id of a run (letters, digits and '-' only)."""
    return f"console-rollups-{slot:%Y%m%d%H%M%S}"


def ensure_scheduled(desk: Desk) -> str:
    """Schedule the next run unless it is already there (rq ignores unique=True on scheduled jobs,
    so the slot's job id is checked first)."""
    slot = next_slot(desk, desk.now())
    name = job_id(slot)
    connection = desk.jobs.connection
    if not Job.exists(name, connection=connection):
        queue = desk.jobs.queue
        job = queue.create_job(jobs.REFRESH_ROLLUPS, job_id=name, result_ttl=3600, failure_ttl=7 * 24 * 3600)
        queue.schedule_job(job, slot.replace(tzinfo=timezone.utc))
    return name


@jobs.job(jobs.REFRESH_ROLLUPS)
def refresh_rollups(desk: Desk) -> str:
    """The job: refresh the rollups, then schedule the next run (even when this one failed)."""
    try:
        days = rollups.refresh(desk)
    finally:
        ensure_scheduled(desk)
    return f"console rollups: {days} days refreshed"
