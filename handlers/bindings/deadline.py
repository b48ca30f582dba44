"""A binding request's deadline: the rq job (id binding-<id>) that acts when the desk did not decide in
time. The row is the truth: the job re-reads it, so a request decided meanwhile makes it do nothing, and
a worker starting up re-creates the job of every request still waiting (restore)."""
from __future__ import annotations

import logging

from rq.job import Job

from storage import bindings

from .. import jobs, outbox
from ..desk import Desk
from . import context, words
from .service import address, job_id

log = logging.getLogger(__name__)


@jobs.job(jobs.BINDING_DEADLINE)
def overdue(desk: Desk, binding_id: int) -> str:
    """The deadline came: the request stays open (首位责任制), the resident is told it is being
    followed up, and the estate's group and managers are told it is late."""
    with desk.work() as work:
        row = bindings.binding(work.session, binding_id, lock=True)
        if row is None or row.state != "pending" or row.overdue:
            return f"nothing to do ({row.state if row else 'no such request'})"
        if row.deadline_at and row.deadline_at > work.now:
            # an id of its own per deadline: this job's own id expires with its result once it finishes
            again = f"{job_id(row.id)}-{row.deadline_at:%Y%m%d%H%M%S}"
            work.later(jobs.BINDING_DEADLINE, row.id, job_id=again, at=row.deadline_at, retries=0)
            return "not yet due"
        row.overdue = True
        detail = bindings.binding_detail(work.session, row.id)
        where = address(detail)
        outbox.to_resident(work, detail.openid, words.delayed(where), ticket_id=None, actor="system")
        with context.lent(work) as estates:
            estate = estates.settings(row.estate_id)
        note = words.overdue_note(row.id, where)
        for chat in dict.fromkeys([row.request_chat_id, *estate["manager_chats"]]):
            if chat:
                outbox.to_staff(work, chat, note, actor="system")
    log.info("binding request %s is overdue", binding_id)
    return "overdue"


def restore(desk: Desk) -> int:
    """Re-create the deadline job of every waiting request that lost it (Redis flushed or restarted)."""
    restored = 0
    with desk.work() as work:
        for binding_id, deadline_at in bindings.waiting_deadlines(work.session):
            if not Job.exists(job_id(binding_id), connection=desk.jobs.connection):
                work.later(jobs.BINDING_DEADLINE, binding_id, job_id=job_id(binding_id), at=deadline_at, retries=0)
                restored += 1
    if restored:
        log.warning("re-created %s lost binding deadline jobs", restored)
    return restored
