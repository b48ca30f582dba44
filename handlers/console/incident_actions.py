"""What a manager or supervisor does to an outage from the console: declare one, change its expected
restore time, resolve it. The same steps as the staff group's commands, each an incident event
naming the viewer."""
from __future__ import annotations

from datetime import datetime

from storage import estate_queries, incident_queries as iq
from storage.incident_models import ESTATE_WIDE

from .. import jobs
from ..desk import Desk
from ..incidents import card, incidents, restore
from ..incidents.kinds import NAMES
from .incidents import visible


class Refused(ValueError):
    """The step cannot be done; the message is for the viewer."""


def declare(desk: Desk, viewer, estate_id: int, category: str, place: str,
            expected_at: datetime | None) -> tuple[int, bool]:
    """Open an outage (or find the one open for that place): (incident id, whether it is new)."""
    if category not in NAMES:
        raise Refused("请选择停电、停水等事件类别。")
    with desk.work() as work:
        known = {estate.id for estate in estate_queries.estates(work.session)}
        if estate_id not in known or (viewer.estate_ids is not None and estate_id not in viewer.estate_ids):
            raise Refused("这个小区不在您负责的范围内。")
        if expected_at is not None and expected_at <= work.now:
            raise Refused("预计恢复时间须晚于现在。")
        incident, new = incidents.open_incident(work, estate_id=estate_id, category=category,
                                                place=place or ESTATE_WIDE, source="console", actor=viewer.actor,
                                                expected_at=expected_at)
        if not new and expected_at is not None:
            _expect(work, incident, expected_at, viewer.actor)
        return incident.id, new


def set_expected(desk: Desk, viewer, incident_id: int, expected_at: datetime) -> None:
    """A new expected restore time: residents who report from now on are told it, the card shows it,
    and the overdue check moves to it."""
    with desk.work() as work:
        incident = _open(work, viewer, incident_id)
        if expected_at <= work.now:
            raise Refused("预计恢复时间须晚于现在。")
        _expect(work, incident, expected_at, viewer.actor)


def resolve(desk: Desk, viewer, incident_id: int) -> int:
    """The outage is over: every household is told once (through the outbox); returns how many."""
    with desk.work() as work:
        incident = _open(work, viewer, incident_id)
        restore.resolve(work, incident, viewer.actor)
        return iq.count_households(work.session, incident.id)


def _open(work, viewer, incident_id: int):
    incident = iq.incident(work.session, incident_id, lock=True)
    if not visible(viewer, incident) or incident.kind != "outage":
        raise LookupError(incident_id)
    if incident.status != "open":
        raise Refused("该事件已不在处理中。")
    return incident


def _expect(work, incident, expected_at: datetime, actor: str) -> None:
    incident.expected_at, incident.updated_at = expected_at, work.now
    iq.add_event(work.session, incident, actor, "expected_changed", work.now,
                 {"expected_at": work.desk.local(expected_at).strftime("%m-%d %H:%M")})
    card.refresh(work, incident)
    # The same job id: the overdue check moves to the new time instead of firing at the old one.
    work.later(jobs.INCIDENT_CHECK, incident.id, job_id=f"incident-{incident.id}-due", retries=0, at=expected_at)
