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
    """Send yesterday's figures: the whole company's to those who serve every estate, and with
    several estates each estate's own to those who serve it; then schedule tomorrow's digest."""
    yesterday = desk.local(desk.now()).date() - timedelta(days=1)
    sent = 0
    with desk.work() as work:
        estates = desk.estates.estates()
        everyone = _chats(work, None, every_estate=len(estates) > 1)
        sent += _send(work, reports.summary(desk, work.session, yesterday, yesterday), everyone)
        for estate in estates if len(estates) > 1 else ():
            chats = [chat for chat in _chats(work, estate.id) if chat not in everyone]
            if chats:  # an estate nobody reads separately costs no queries
                figures = reports.summary(desk, work.session, yesterday, yesterday, frozenset({estate.id}))
                sent += _send(work, {**figures, "estate_name": estate.name}, chats)
    ensure_scheduled(desk)
    return f"digest for {yesterday} to {sent} chats"


def _chats(work, estate_id: int | None, every_estate: bool = False) -> list[int]:
    """Who reads a digest: the company's (estate None) or one estate's managers' chats and managing staff."""
    return list(dict.fromkeys(escalation.recipients(work, 1, estate_id, every_estate)
                              + escalation.recipients(work, 2, estate_id, every_estate)))


def _send(work, figures: dict, chats: list[int]) -> int:
    text = reports.digest_text(figures)
    for chat in chats:
        outbox.to_staff(work, chat, text)
    return len(chats)
