"""A household joining an open incident in one statement: the resident's hot path during an outage
(PostgreSQL; on SQLite the caller joins through the ORM, handlers/incidents/incidents.join)."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .incident_models import Incident
from .queries._sql import run


class Joined(NamedTuple):
    """A household's report joined to an incident in one statement (join_household)."""
    report_id: int
    ticket_id: int | None
    new: bool            # the household was not counted before


# A household joins an open incident (PostgreSQL): its report is inserted, or its words added to the one it
# has (the unique key decides between two messages at once); a new household gets its "joined" event
# (detail as JSONText writes it) and is counted; the incident takes the latest words and one more card
# version. One round trip instead of six (read, savepoint, insert, release, event, incident update).
_JOIN = text("""
WITH report AS (
    INSERT INTO incident_reports (incident_id, scope, resident_id, building, unit, room, words, reported_at)
    VALUES (:incident_id, :scope, :resident_id, :building, :unit, :room, :words, :now)
    ON CONFLICT (incident_id, resident_id) DO UPDATE
        SET words = right(concat_ws(E'\\n', nullif(incident_reports.words, ''), nullif(excluded.words, '')), 2000)
    RETURNING id, ticket_id, xmax = 0 AS new),
joined AS (
    INSERT INTO incident_events (incident_id, at, actor, action, detail)
    SELECT :incident_id, :now, :actor, 'joined',
           format('{"report": %s, "resident": %s, "ticket": %s}', id, :resident_id, coalesce(ticket_id::text, 'null'))
    FROM report WHERE new),
counted AS (
    UPDATE incidents SET latest_words = :latest_words, updated_at = :now, card_version = card_version + 1,
        households = households + (SELECT CASE WHEN new THEN 1 ELSE 0 END FROM report)
    WHERE id = :incident_id
    RETURNING households, card_version, card_row_id, latest_words, updated_at)
SELECT report.id, report.ticket_id, report.new, counted.households, counted.card_version, counted.card_row_id,
       counted.latest_words, counted.updated_at
FROM report, counted""")


def join_household(session: Session, incident: Incident, *, resident_id: int, building: str | None,
                   unit: str | None, room: str | None, words: str, actor: str, now: datetime) -> Joined | None:
    """The household joins the incident in one statement (see _JOIN); the incident object takes the
    values written (households, latest words, card version, the waiting card refresh) as its own.
    None on SQLite: the caller joins through the ORM."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    row = run(session, _JOIN, {"incident_id": incident.id, "scope": incident.scope, "resident_id": resident_id,
                               "building": building, "unit": unit, "room": room, "words": words, "now": now,
                               "actor": actor, "latest_words": words[:500]}).one()
    for name in ("households", "card_version", "card_row_id", "latest_words", "updated_at"):
        set_committed_value(incident, name, getattr(row, name))
    return Joined(row.id, row.ticket_id, row.new)
