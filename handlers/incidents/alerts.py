"""One escalation per incident, not one per household: managers hear when it opens, when nobody has
taken charge within SLA_URGENT_ACCEPT_MINUTES, when the expected restore time passes, and when the
first household answers its 回访 unhappy or still without service (later ones go to the group only)."""
from __future__ import annotations

from storage import incident_queries as iq
from storage import queries
from storage.incident_models import Incident

from .. import jobs, outbox
from ..desk import Desk, Work
from ..tickets.escalation import recipients
from . import wording

TEXTS = {
    "opened": "🚨 新事件 {code}：{what}，已有{n}户反映，工单已合并为一个事件。",
    "unacknowledged": "⚠️ 事件 {code}（{what}）超过接单时限仍无人认领，影响{n}户，请安排处理。",
    "overdue": "⚠️ 事件 {code}（{what}）已超过预计恢复时间仍未恢复，影响{n}户。",
    "unhappy": "🔁 事件 {code}（{what}）恢复后回访：有住户{said}，请主管跟进（影响{n}户，之后的回访意见见值班群）。",
}


def _alert(work: Work, incident: Incident, reason: str, said: str = "") -> bool:
    text = TEXTS[reason].format(code=incident.code, what=wording.what(incident), said=said,
                                n=iq.count_households(work.session, incident.id))
    if not queries.record_alert(work.session, f"incident:{incident.id}:{reason}", ticket_id=None, staff_id=None,
                                reason=f"incident_{reason}"[:32], level=1, text=text, created_at=work.now):
        return False
    iq.add_event(work.session, incident, "system", "escalated", work.now, {"reason": reason})
    for chat in recipients(work, 1, incident.estate_id):   # the incident's estate's managers
        outbox.to_staff(work, chat, text)
    return True


def opened(work: Work, incident: Incident) -> None:
    """Managers hear once that an incident opened."""
    _alert(work, incident, "opened")


def unhappy(work: Work, incident: Incident, said: str) -> bool:
    """Managers hear once per incident that a household answered its 回访 unhappy (`said`: how)."""
    return _alert(work, incident, "unhappy", said)


@jobs.job(jobs.INCIDENT_CHECK)
def check(desk: Desk, incident_id: int) -> str:
    """The incident's deadlines (the rq job): taken charge of in time, restored by the expected time."""
    with desk.work() as work:
        incident = iq.incident(work.session, incident_id, lock=True)
        if incident is None or incident.status != "open":
            return "nothing to do"
        done = []
        if incident.acknowledged_at is None and \
                work.now >= incident.opened_at + desk.minutes("SLA_URGENT_ACCEPT_MINUTES"):
            done += ["unacknowledged"] if _alert(work, incident, "unacknowledged") else []
        if incident.expected_at and work.now >= incident.expected_at:
            done += ["overdue"] if _alert(work, incident, "overdue") else []
        return ", ".join(done) or "in time"
