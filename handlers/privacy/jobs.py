"""The daily purge as an rq job, at PRIVACY_PURGE_TIME local time (a quiet hour), one per day however
many workers start (the job id carries the date)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from rq.exceptions import DuplicateJobError
from rq.job import Job

from .. import jobs
from ..desk import Desk
from . import purge

PURGE_TIME = time(3, 30)  # local: before the desk gets busy, after the digest's figures are taken


def next_run(desk: Desk, after_utc: datetime) -> datetime:
    """The next purge time after a moment, as naive UTC."""
    local = desk.local(after_utc)
    candidate = local.replace(hour=PURGE_TIME.hour, minute=PURGE_TIME.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return desk.to_utc(candidate)


def job_id(desk: Desk, when: datetime) -> str:
    """The rq job id of the purge at `when` (naive UTC)."""
    return f"privacy-purge-{desk.local(when):%Y%m%d}"


def ensure_scheduled(desk: Desk) -> str:
    """Schedule the next purge once (rq may ignore unique=True on scheduled jobs: the id is checked first)."""
    when = next_run(desk, desk.now())
    queue, name = desk.jobs.queue, job_id(desk, when)
    if Job.exists(name, connection=desk.jobs.connection):
        return name
    job = queue.create_job(jobs.PURGE_PERSONAL_DATA, job_id=name, result_ttl=86400, failure_ttl=7 * 86400)
    try:
        queue.schedule_job(job, when.replace(tzinfo=timezone.utc), unique=True)
    except DuplicateJobError:
        pass
    return name


@jobs.job(jobs.PURGE_PERSONAL_DATA)
def run(desk: Desk) -> str:
    """The job: purge, then schedule tomorrow's (even when this one failed)."""
    try:
        report = purge.purge(desk, actor="system:daily")
    finally:
        ensure_scheduled(desk)
    return f"privacy purge: {report.counts}"
