"""Outages in the managers' figures, apart from tickets: one outage is one incident with N households
and a duration, not N failures of the desk."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy.orm import Session

from storage import incident_queries as iq
from storage.incident_models import Incident

from ..desk import Desk
from ..tickets.followup import SATISFIED_AT
from ..tickets.reports import period_bounds
from .kinds import NAMES, place_name


def minutes(incident: Incident, now: datetime) -> int:
    """How long the outage lasted (so far, when still open)."""
    return int(((incident.resolved_at or now) - incident.opened_at).total_seconds() // 60)


def summary(desk: Desk, session: Session, first: date, last: date) -> dict:
    """Outages opened in local dates first..last: how many, households affected, how long they lasted."""
    start, end = period_bounds(desk, first, last)
    found, now = iq.between(session, start, end), desk.now()
    resolved = [minutes(i, now) for i in found if i.resolved_at]
    per_category: Counter = Counter()
    households_per_category: Counter = Counter()
    tickets, followups, ratings = 0, Counter(), []
    for incident in found:
        per_category[incident.category] += 1
        households_per_category[incident.category] += incident.households
        for report in iq.attached(session, incident.id):
            tickets += bool(report.ticket_id)
            followups[report.followup_status] += 1
            if report.followup_status == "answered" and report.rating is not None:
                ratings.append(report.rating)
    return {
        "incidents": len(found), "open": sum(i.status == "open" for i in found),
        "households_affected": sum(i.households for i in found),
        "tickets_attached": tickets,
        "outage_minutes": {"total": sum(resolved), "average": round(sum(resolved) / len(resolved), 1) if resolved else None,
                           "longest": max(resolved) if resolved else None},
        "by_category": {NAMES.get(c, c): {"incidents": n, "households": households_per_category[c]}
                        for c, n in per_category.most_common()},
        "followups": followup_figures(followups, ratings),
    }


def followup_figures(statuses: Counter, ratings: list[int]) -> dict:
    """The households' 回访 after their outages: asked on WeChat (surveyed), answered, handed to the
    phone, asked through their own ticket's survey (counted with the tickets), or not asked (not sampled
    or the estate's policy); the satisfaction rate of the answers (基本满意 and better)."""
    satisfied = sum(rating >= SATISFIED_AT for rating in ratings)
    return {"surveyed": sum(statuses[s] for s in ("sent", "reminded", "answered", "phone")),
            "answered": statuses["answered"], "by_phone": statuses["phone"], "through_tickets": statuses["ticket"],
            "not_asked": statuses["skipped"], "satisfied_rate": round(satisfied / len(ratings), 3) if ratings else None}


def incident_json(desk: Desk, incident: Incident, session: Session | None = None) -> dict:
    """The API shape of an incident (with its households and events when a session is given)."""
    local = lambda moment: desk.local(moment).isoformat(timespec="seconds") if moment else None  # noqa: E731
    data = {"id": incident.id, "code": incident.code, "kind": incident.kind, "status": incident.status,
            "source": incident.source, "estate_id": incident.estate_id, "category": incident.category,
            "place": place_name(incident.place), "households": incident.households, "notice": incident.notice,
            "opened_at": local(incident.opened_at), "expected_at": local(incident.expected_at),
            "resolved_at": local(incident.resolved_at), "starts_at": local(incident.starts_at),
            "ends_at": local(incident.ends_at), "minutes": minutes(incident, desk.now()),
            "merged_into": incident.merged_into_id}
    if session is not None:
        data["reports"] = [{"resident_id": r.resident_id, "ticket_id": r.ticket_id, "building": r.building,
                            "unit": r.unit, "room": r.room, "reported_at": local(r.reported_at),
                            "restore": r.restore_status, "followup": r.followup_status, "rating": r.rating}
                           for r in iq.attached(session, incident.id)]
        data["events"] = [{"at": local(e.at), "actor": e.actor, "action": e.action, "detail": e.detail}
                          for e in iq.events(session, incident.id)]
    return data
