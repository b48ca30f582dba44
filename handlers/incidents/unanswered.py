"""Reports that named no place, were asked which building, and were never answered.

While an estate has open outages of a kind, a report of that kind that names no place is told of them and
asked which building (intake._unplaced); the question waits as a report whose place is "?" (scope
"<estate>:<category>:?"), and the answer settles it. One still waiting after INCIDENT_WHERE_MINUTES, from
a household that has neither joined an outage nor got a ticket since, becomes its own urgent repair ticket
(as of when it was reported; the address to be settled by phone) and the resident is told. Every worker's
reconciler looks for them (handlers.upkeep), so they live in the database and a flushed Redis loses none.
"""
from __future__ import annotations

from storage import incident_queries as iq
from storage.models import Resident

from .. import outbox
from ..desk import Desk
from ..tickets.tickets import needs_phone_call
from .incidents import _ticket_of
from .kinds import NAMES


def sweep(desk: Desk) -> int:
    """Turn the reports waiting too long for their building into tickets; returns how many were opened."""
    opened = 0
    with desk.work() as work:
        for report in iq.unanswered(work.session, work.now - desk.minutes("INCIDENT_WHERE_MINUTES")):
            report.detached_at = work.now
            if iq.heard_since(work.session, report.resident_id, report.reported_at):
                continue  # it joined an outage or got a ticket since, by other words
            estate, category, _ = report.scope.split(":", 2)
            ticket = _ticket_of(work, report, int(estate) or None, event="where_unanswered")
            report.ticket_id = ticket.id
            needs_phone_call(work, ticket, {"address"})
            resident = work.session.get(Resident, report.resident_id)
            outbox.to_resident(work, resident.openid,
                               f"您好，您反映的{NAMES.get(category, '故障')}问题我们已登记为紧急报修（工单号 {ticket.code}），"
                               "工作人员会尽快与您电话联系确认地址；也可以直接回复您的楼栋和房号。谢谢您的耐心！",
                               ticket_id=ticket.id, actor="system")
            opened += 1
    return opened
