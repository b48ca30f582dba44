"""Where residents' reports meet incidents (called by the resident dialogue).

- A report of an outage the desk knows (an open incident, or a planned notice covering now) is answered
  at once with its notice; the household joins it; no ticket, timer, card or escalation of its own.
- Otherwise the report is a signal: when INCIDENT_THRESHOLD households (the estate's setting) report
  the same outage of the same place within INCIDENT_WINDOW_MINUTES, an incident opens and the
  signals, with any tickets they became, are attached to it.
Words that also report something else (停电了，而且冰箱冒烟) are left to the ordinary intake.
"""
from __future__ import annotations

from datetime import timedelta

from storage import incident_queries as iq
from storage.incident_models import ESTATE_WIDE, Incident
from storage.models import Ticket

from ..desk import Turn
from . import kinds, places, wording
from .incidents import join, open_incident
from .kinds import scope


Address = tuple  # (building, unit, room) as parsed; any of them None


def known(turn: Turn, text: str, address: Address, ticket: Ticket | None = None) -> str | None:
    """The answer when these words report an outage the desk already knows (and the household joins);
    None when they do not."""
    found = _read(turn, text, address[0])
    if found is None:
        return None
    outage, estate_id, place = found
    scopes = [scope(estate_id, outage.category, ESTATE_WIDE)]
    if place and place != ESTATE_WIDE:
        scopes.insert(0, scope(estate_id, outage.category, place))
    planned = iq.planned_now(turn.session, scopes, turn.now)
    if planned is not None:
        _join(turn, planned, text, address, None)
        return wording.planned(turn, planned)
    current = iq.open_outages_of(turn.session, scopes)
    if current:
        _join(turn, current[0], text, address, ticket)
        return wording.notice(turn, current[0])
    return None


def signal(turn: Turn, text: str, address: Address, ticket: Ticket | None = None) -> str | None:
    """Count this report towards an incident of its place; the incident's notice when it opens one."""
    found = _read(turn, text, address[0])
    if found is None or found[2] is None:
        return None
    outage, estate_id, place = found
    key = scope(estate_id, outage.category, place)
    since = turn.now - timedelta(minutes=places.setting(turn.desk, turn.session, estate_id, "incident_window_minutes"))
    pending = iq.signals(turn.session, key, since)
    own = next((s for s in pending if s.resident_id == turn.resident.id), None)
    if own is None:
        building, unit, room = _household(turn, address)
        own = iq.add_report(turn.session, incident_id=None, scope=key, resident_id=turn.resident.id,
                            building=building, unit=unit, room=room, words=text, reported_at=turn.now,
                            ticket_id=ticket.id if ticket else None)
        pending.append(own)
    elif ticket is not None and own.ticket_id is None:
        own.ticket_id = ticket.id
    if len({s.resident_id for s in pending}) < places.setting(turn.desk, turn.session, estate_id, "incident_threshold"):
        return None
    incident, _ = open_incident(turn, estate_id=estate_id, category=outage.category, place=place,
                                source="detected", actor="system")
    for report in pending:
        resident = turn.session.get(type(turn.resident), report.resident_id)
        join(turn, incident, resident, report.words, "system", report=report)
    return wording.notice(turn, incident)


def _read(turn: Turn, text: str, building: str | None):
    outage = kinds.read(text)
    if outage is None or not outage.only_outage or turn.resident is None:
        return None
    estate_id = places.estate_of(turn.desk, turn.session, text)
    return outage, estate_id, places.place_of(turn, outage, building)


def _household(turn: Turn, address: Address) -> Address:
    """The household's address: as written in the report, else as the resident gave it before."""
    resident = turn.resident
    if address[0] or address[2]:
        return address[0] or resident.building, address[1], address[2]
    return resident.building, resident.unit, resident.room


def _join(turn: Turn, incident: Incident, text: str, address: Address, ticket: Ticket | None) -> None:
    join(turn, incident, turn.resident, text, turn.actor, place=_household(turn, address), ticket=ticket)


# Intents whose words may report an outage (a complaint about one stays a complaint).
REPORTING = frozenset({"repair", "inquiry", "progress", "other", "inform", "greet"})


def on_message(turn: Turn, text: str, intent: str, urgent: bool, address: Address) -> str | None:
    """A fresh message (not inside a conversation): the incident's or planned notice's answer, or None."""
    if intent not in REPORTING and not urgent:
        return None
    return known(turn, text, address) or signal(turn, text, address)
