"""Queries behind the console's outage figures: the outages opened in a period within some estates, and
what became of their households (restore message, 回访). None of them commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .incident_models import Incident, IncidentReport


def _opened(first: datetime | None, last: datetime | None, estate_ids: frozenset[int] | None,
            estate_id: int | None = None, no_estate: bool = False):
    query = select(Incident).where(Incident.kind == "outage")
    if first is not None:
        query = query.where(Incident.opened_at >= first)
    if last is not None:
        query = query.where(Incident.opened_at < last)
    if estate_ids is not None:
        query = query.where(Incident.estate_id.in_(sorted(estate_ids)))
    if estate_id is not None:
        query = query.where(Incident.estate_id == estate_id)
    if no_estate:
        query = query.where(Incident.estate_id.is_(None))
    return query


def opened_between(session: Session, first: datetime, last: datetime,
                   estate_ids: frozenset[int] | None) -> list[Incident]:
    """Outages (merged ones left out: their households count in the incident they joined) opened in
    [first, last) in these estates (None: every estate), oldest first."""
    return list(session.scalars(_opened(first, last, estate_ids).where(Incident.status != "merged")
                                .order_by(Incident.id)))


def listed(session: Session, estate_ids: frozenset[int] | None, statuses: tuple[str, ...], estate_id: int | None,
           first: datetime | None, last: datetime | None, no_estate: bool = False, limit: int = 200) -> list[Incident]:
    """Outages of these statuses in these estates (None: every estate), optionally of one estate (or of
    none) and opened in [first, last), newest first."""
    query = _opened(first, last, estate_ids, estate_id, no_estate).where(Incident.status.in_(statuses))
    return list(session.scalars(query.order_by(Incident.id.desc()).limit(limit)))


def household_states(session: Session, incident_ids: list[int]) -> list[tuple[int, str | None, str | None, int | None, int]]:
    """(incident id, restore status, 回访 status, rating, households) of the attached households of these
    incidents, counted per combination."""
    if not incident_ids:
        return []
    r = IncidentReport
    return [tuple(row) for row in session.execute(
        select(r.incident_id, r.restore_status, r.followup_status, r.rating, func.count())
        .where(r.incident_id.in_(incident_ids))
        .group_by(r.incident_id, r.restore_status, r.followup_status, r.rating))]
