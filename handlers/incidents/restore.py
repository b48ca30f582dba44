"""Resolution: one restore message to every affected household, exactly once, paced within WeChat's limits.

Marking the incident resolved queues one job. The job writes, per household still without one, an outbox
row and stores its id on the household's report in the same transaction (under the report's row lock),
so a job that runs twice, or again after its worker was killed, writes no second message. Each row is
delivered by its own outbox job at INCIDENT_RESTORE_PER_SECOND; WeChat's 48-hour window decides the
form (customer-service message, else template, else a phone task, see delivery/outcomes).
"""
from __future__ import annotations

from datetime import timedelta

from storage import incident_queries as iq
from storage import queries
from storage.incident_models import Incident
from storage.models import OutboxMessage

from .. import jobs, outbox
from ..desk import Desk, Work
from ..tickets import deadlines
from . import card, followups, wording
from .incidents import ATTACHED

BATCH = 200  # households written per transaction
# Why staff must phone a household about the restore, by how its message was settled.
PHONE_WHY = {"phone": "超过48小时未在公众号留言，微信无法送达恢复通知",
             "failed": "的恢复通知多次发送失败",
             "unknown": "的恢复通知发送时系统中断，无法确认是否送达（为免重复不再自动发送）"}


def resolve(work: Work, incident: Incident, actor: str) -> bool:
    """Mark the outage over and queue the restore messages; False when it was not open."""
    if incident.status != "open":
        return False
    incident.status, incident.resolved_at, incident.updated_at = "resolved", work.now, work.now
    iq.add_event(work.session, incident, actor, "resolved", work.now,
                 {"households": iq.count_households(work.session, incident.id)})
    card.refresh(work, incident)
    work.later(jobs.INCIDENT_RESTORE, incident.id, job_id=f"incident-{incident.id}-restore", retries=3)
    return True


@jobs.job(jobs.INCIDENT_RESTORE)
def broadcast(desk: Desk, incident_id: int) -> str:
    """Write the restore message of every household that has none yet (the rq job); idempotent."""
    written = 0
    while True:
        with desk.work() as work:
            incident = iq.incident(work.session, incident_id)
            if incident is None or incident.status != "resolved":
                return "not resolved"
            batch = iq.unrestored(work.session, incident_id)[:BATCH]
            pace = 1 / desk.config["INCIDENT_RESTORE_PER_SECOND"]
            chosen = followups.sample(work, incident) if batch else set()
            for report, resident in batch:
                row = outbox.to_resident(work, resident.openid, wording.restored(work, incident),
                                         ticket_id=report.ticket_id, actor="system", hold=True)
                row.payload = {**row.payload, "incident": incident.id, "report": report.id, "once": True}
                row.status = "pending"
                report.restore_outbox_id, report.restore_status = row.id, "queued"
                work.later(jobs.DELIVER, row.id, job_id=outbox.job_id(row.id), retries=0,
                           at=work.now + timedelta(seconds=(written + 1) * pace))
                written += 1
                followups.decide(work, incident, report, report.id in chosen)   # before its ticket plans one
                _close_ticket(work, incident, report.ticket_id)
            followups.schedule(work, incident)
        if len(batch) < BATCH:
            return f"{written} restore messages"


def _close_ticket(work: Work, incident: Incident, ticket_id: int | None) -> None:
    """An attached ticket is done when its incident is: its follow-up (回访) follows the estate's policy."""
    ticket = queries.ticket(work.session, ticket_id, lock=True) if ticket_id else None
    if ticket is None or ticket.status != ATTACHED:
        return
    ticket.status, ticket.done_at, ticket.updated_at = "done", work.now, work.now
    queries.add_event(work.session, ticket, "system", "done", work.now, {"incident": incident.code})
    deadlines.plan(work, ticket)


def settled(work: Work, row: OutboxMessage, how: str) -> None:
    """Called by delivery when a restore row is settled: sent, template, phone (48-hour window closed),
    failed (WeChat refused it for good) or unknown (its worker died while sending it)."""
    report = iq.restore_report(work.session, row.id)
    if report is None:
        return
    report.restore_status = how
    if how not in PHONE_WHY:
        return
    incident = iq.incident(work.session, report.incident_id) if report.incident_id else None
    if incident is not None:
        iq.add_event(work.session, incident, "system", "phone_task", work.now, {"report": report.id})
        chat = card.staff_chat(work.desk.config, incident)
        place = f"{report.building or ''}栋{report.unit or ''}{'单元' if report.unit else ''}{report.room or ''}"
        why = PHONE_WHY[how]
        if chat:
            outbox.to_staff(work, chat, f"📞 事件 {incident.code} 已恢复，住户（{place}）{why}，请电话告知住户。")


def recover(desk: Desk) -> None:
    """On worker start: the restore of every resolved incident finishes, the checks of open ones stand."""
    with desk.work() as work:
        for incident in iq.incidents(work.session, ("open", "resolved"), limit=500):
            if incident.kind != "outage":
                continue
            if incident.status == "resolved" and iq.unrestored(work.session, incident.id):
                work.later(jobs.INCIDENT_RESTORE, incident.id, job_id=f"incident-{incident.id}-restore", retries=3)
            elif incident.status == "resolved":
                followups.schedule(work, incident)   # surveys still waiting
            elif incident.status == "open":
                for name, at in (("ack", incident.opened_at + desk.minutes("SLA_URGENT_ACCEPT_MINUTES")),
                                 ("due", incident.expected_at)):
                    if at is not None:
                        work.later(jobs.INCIDENT_CHECK, incident.id, job_id=f"incident-{incident.id}-{name}",
                                   retries=0, at=max(at, work.now))
