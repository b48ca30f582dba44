"""A household joining an open incident in one statement: the resident's hot path during an outage
(PostgreSQL; on SQLite the caller joins through the ORM, handlers/incidents/incidents.join)."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .incident_models import Incident
from .queries._sql import adopt, run


class Joined(NamedTuple):
    """A household's report joined to an incident in one statement (join_household)."""
    report_id: int
    ticket_id: int | None
    new: bool            # the household was not counted before


# A household joins an open incident (PostgreSQL): its report is inserted, or its words added to the one it
# has (the unique key decides between two messages at once); a new household gets its "joined" event
# (detail as JSONText writes it) and is counted; the incident takes the latest words and one more card
# version. One round trip instead of six (read, savepoint, insert, release, event, incident update).
# `target` is the incident (id, scope): given, or found as incident_queries.current finds it.
_JOINING = """
report AS (
    INSERT INTO incident_reports (incident_id, scope, resident_id, building, unit, room, words, reported_at)
    SELECT id, scope, :resident_id, :building, :unit, :room, :words, :now FROM target
    ON CONFLICT (incident_id, resident_id) DO UPDATE
        SET words = right(concat_ws(E'\\n', nullif(incident_reports.words, ''), nullif(excluded.words, '')), 2000)
    RETURNING id, incident_id, ticket_id, xmax = 0 AS new),
joined AS (
    INSERT INTO incident_events (incident_id, at, actor, action, detail)
    SELECT incident_id, :now, :actor, 'joined',
           format('{{"report": %s, "resident": %s, "ticket": %s}}', id, :resident_id, coalesce(ticket_id::text, 'null'))
    FROM report WHERE new),
counted AS (
    UPDATE incidents SET latest_words = :latest_words, updated_at = :now, card_version = card_version + 1,
        households = households + (SELECT CASE WHEN new THEN 1 ELSE 0 END FROM report)
    WHERE id = (SELECT incident_id FROM report)
    RETURNING households, card_version, card_row_id, latest_words, updated_at)
SELECT {target} report.id AS joined_report_id, report.ticket_id AS joined_ticket_id, report.new AS joined_new,
       counted.households AS joined_households, counted.card_version AS joined_card_version,
       counted.card_row_id AS joined_card_row_id, counted.latest_words AS joined_latest_words,
       counted.updated_at AS joined_updated_at
FROM {tables}"""
_JOIN = text("WITH target AS (SELECT CAST(:incident_id AS integer) AS id, CAST(:scope AS varchar) AS scope),"
             + _JOINING.format(target="", tables="report, counted"))
# What residents of these scopes are told now (a planned notice covering this moment, else the oldest open
# outage: incident_queries.current), and the household joined to it, in one round trip.
_CURRENT_JOIN = text("""WITH target AS (
    SELECT * FROM incidents
    WHERE scope = ANY(:scopes) AND status = 'open'
      AND (kind = 'outage' OR (kind = 'planned' AND starts_at <= :now AND ends_at >= :now))
    ORDER BY CASE WHEN kind = 'planned' THEN 0 ELSE 1 END, id LIMIT 1),""" +
                     _JOINING.format(target="target.*,", tables="target, report, counted"))
_WRITTEN = ("households", "card_version", "card_row_id", "latest_words", "updated_at")


def one_statement(session: Session) -> bool:
    """Whether this database joins households in one statement (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def _params(resident_id: int, place: tuple, words: str, actor: str, now: datetime) -> dict:
    building, unit, room = place
    return {"resident_id": resident_id, "building": building, "unit": unit, "room": room, "words": words,
            "now": now, "actor": actor, "latest_words": words[:500]}


def _joined(incident: Incident, values) -> Joined:
    """The incident object takes the values the statement wrote as its own (nothing left to flush)."""
    for name in _WRITTEN:
        set_committed_value(incident, name, values[f"joined_{name}"])
    return Joined(values["joined_report_id"], values["joined_ticket_id"], values["joined_new"])


def join_household(session: Session, incident: Incident, *, resident_id: int, place: tuple, words: str,
                   actor: str, now: datetime) -> Joined | None:
    """The household joins the incident in one statement; None on SQLite (the caller joins through the ORM)."""
    if not one_statement(session):
        return None
    row = run(session, _JOIN, {"incident_id": incident.id, "scope": incident.scope,
                               **_params(resident_id, place, words, actor, now)}).one()
    return _joined(incident, row._mapping)


def current_joined(session: Session, scopes: list[str], *, resident_id: int, place: tuple, words: str, actor: str,
                   now: datetime) -> tuple[Incident, Joined] | None:
    """PostgreSQL only (one_statement): the incident residents of these scopes are told about now, with the
    household joined to it; None when there is none (nothing written)."""
    row = run(session, _CURRENT_JOIN, {"scopes": scopes, **_params(resident_id, place, words, actor, now)}).first()
    if row is None:
        return None
    values = row._mapping
    incident = adopt(session, Incident, {column.key: values[column.key] for column in Incident.__table__.c})
    return incident, _joined(incident, values)
