"""The daily digest to managers at DIGEST_TIME: yesterday's tickets, breaches, backlog, satisfaction."""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone

from rq.exceptions import DuplicateJobError

from .. import jobs, outbox
from ..desk import Desk
from . import escalation, reports

log = logging.getLogger(__name__)


def next_run(desk: Desk, after_utc: datetime) -> datetime:
    """The next DIGEST_TIME after a moment, as naive UTC."""
    local = desk.local(after_utc)
    at = time.fromisoformat(desk.config["DIGEST_TIME"])
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return desk.to_utc(candidate)


def ensure_scheduled(desk: Desk) -> None:
    """Schedule the next digest once (the job id carries its date, so it is never doubled)."""
    when = next_run(desk, desk.now())
    queue = desk.jobs.queue
    job = queue.create_job(jobs.SEND_DIGEST, job_id=f"digest-{desk.local(when):%Y%m%d}", result_ttl=86400)
    try:
        queue.schedule_job(job, when.replace(tzinfo=timezone.utc), unique=True)
    except DuplicateJobError:
        pass


@jobs.job(jobs.SEND_DIGEST)
def send(desk: Desk) -> str:
    """Send yesterday's figures to the managers, then schedule tomorrow's digest."""
    yesterday = desk.local(desk.now()).date() - timedelta(days=1)
    with desk.work() as work:
        figures = reports.summary(desk, work.session, yesterday, yesterday)
        text = reports.digest_text(figures)
        chats = list(dict.fromkeys(escalation.recipients(work, 1) + escalation.recipients(work, 2)))
        for chat in chats:
            outbox.to_staff(work, chat, text)
    ensure_scheduled(desk)
    return f"digest for {yesterday} to {len(chats)} chats"
