"""Where residents' reports meet incidents (called by the resident dialogue).

- A report of an outage the desk knows (an open incident, or a planned notice covering now) is answered
  at once with its notice; the household joins it; no ticket, timer, card or escalation of its own.
- Otherwise the report is a signal: when INCIDENT_THRESHOLD households (the estate's setting) report
  the same outage of the same place within INCIDENT_WINDOW_MINUTES, an incident opens and the
  signals, with any tickets they became, are attached to it.
- A report that names no place (停电了好久了, from someone whose address the desk does not know) is matched
  to the open outage its household already joined; failing that, while the estate has open outages of its
  kind, it is answered with their notice and asked which building, instead of opening an urgent ticket of
  its own: in a burst, most such reports are the outage the desk is already working on.
Words that also report something else (停电了，而且冰箱冒烟) are left to the ordinary intake.
"""
from __future__ import annotations

from datetime import timedelta

from storage import incident_join, incident_queries as iq
from storage import queries
from storage.incident_models import ESTATE_WIDE, Incident
from storage.models import Ticket

from ..desk import Turn
from . import kinds, places, wording
from .incidents import current_joined, join, join_household, open_incident
from .kinds import scope


Address = tuple  # (building, unit, room) as parsed; any of them None
# The conversation of a report that named no place, waiting for the building (see _unplaced).
WHERE_STATE = "incident_where"
UNPLACED = "?"   # the place of a report waiting to be told its building


def known(turn: Turn, text: str, address: Address, estate_id: int | None,
          ticket: Ticket | None = None) -> str | None:
    """The answer when these words report an outage the desk already knows (and the household joins);
    None when they do not. estate_id: the estate the resident's intake settled on (None: not known yet)."""
    return _known(turn, _read(turn, text, address, estate_id, ticket), text, address, ticket)


def _known(turn: Turn, found, text: str, address: Address, ticket: Ticket | None) -> str | None:
    if found is None:
        return None
    outage, estate_id, place = found
    scopes = [scope(estate_id, outage.category, ESTATE_WIDE)]
    if place and place != ESTATE_WIDE:
        scopes.insert(0, scope(estate_id, outage.category, place))
    # this runs for every outage report: the lookup and the household's joining are one statement where
    # the database allows (a ticket to attach goes the long way)
    joined = ticket is None and incident_join.one_statement(turn.session)
    current = (current_joined(turn, scopes, turn.resident, text, turn.actor, _household(turn, address)) if joined
               else iq.current(turn.session, scopes, turn.now))
    if current is None:
        return None
    if not joined:
        _join(turn, current, text, address, None if current.kind == "planned" else ticket)
    return wording.planned(turn, current) if current.kind == "planned" else wording.notice(turn, current)


def signal(turn: Turn, text: str, address: Address, estate_id: int | None,
           ticket: Ticket | None = None) -> str | None:
    """Count this report towards an incident of its place; the incident's notice when it opens one."""
    return _signal(turn, _read(turn, text, address, estate_id, ticket), text, address, ticket)


def _signal(turn: Turn, found, text: str, address: Address, ticket: Ticket | None) -> str | None:
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


def placed(turn: Turn, ticket: Ticket, words: str, address: Address) -> str | None:
    """An urgent outage ticket opened before its place was known, now that it is: it joins the incident of
    that place, or counts towards one (the incident's answer when it does)."""
    found = _read(turn, words, address, ticket.estate_id, ticket)
    return _known(turn, found, words, address, ticket) or _signal(turn, found, words, address, ticket)


def _unplaced(turn: Turn, found, text: str, address: Address) -> str | None:
    """A report that names no place (nor does the desk know the household's): the open outage of its kind the
    household joined before answers it again (还是没电); failing that, while the estate has open outages of its
    kind, their notice and the question which building (the answer joins the household there, or opens its
    own ticket). None when the estate has no open outage of the kind. One statement either way."""
    if found is None or found[2] is not None:
        return None
    outage, estate_id, _ = found
    open_now = iq.open_of_kind(turn.session, estate_id, outage.category, turn.resident.id)
    if not open_now:
        return None
    incident, joined = open_now[0]
    if joined:
        _join(turn, incident, text, address, None)
        return wording.notice(turn, incident)
    waiting = iq.add_report(turn.session, incident_id=None, scope=scope(estate_id, outage.category, UNPLACED),
                            resident_id=turn.resident.id, words=text, reported_at=turn.now)  # see unanswered.py
    queries.save_conversation(turn.session, turn.resident.id, WHERE_STATE,
                              {"words": text, "estate_id": estate_id, "report_id": waiting.id},
                              turn.now + turn.desk.minutes("CONVERSATION_TTL_MINUTES"))
    return wording.which_building(turn, [each for each, _ in open_now])


def where_answered(turn: Turn, slots: dict) -> None:
    """The building asked of a report that named none was answered (or "not there"): it waits no more."""
    report = iq.report(turn.session, slots["report_id"], lock=True) if slots.get("report_id") else None
    if report is not None and report.detached_at is None and report.ticket_id is None:
        report.detached_at = turn.now


def _read(turn: Turn, text: str, address: Address, estate_id: int | None, ticket: Ticket | None):
    """(outage, estate, place) of a report, or None. The estate is the ticket's, else the one the
    resident's intake settled on (named, the resident's, the only one); never a guess: two estates'
    3栋 are two places, and a report whose estate is not known yet is asked about like any repair."""
    outage = kinds.read(text)
    if outage is None or not outage.only_outage or turn.resident is None:
        return None
    if ticket is not None and ticket.estate_id is not None:
        estate_id, address = ticket.estate_id, (ticket.building or address[0], ticket.unit, ticket.room)
    if estate_id is None:
        return None
    building = places.roster_building(turn, estate_id, address[0] or _own_building(turn, estate_id))
    return outage, estate_id, places.place_of(outage, building)


def _own_building(turn: Turn, estate_id: int) -> str | None:
    """The resident's stored building, when it is in this estate."""
    resident = turn.resident
    return resident.building if resident.estate_id in (None, estate_id) else None


def _household(turn: Turn, address: Address) -> Address:
    """The household's address: as written in the report, else as the resident gave it before."""
    resident = turn.resident
    if address[0] or address[2]:
        return address[0] or resident.building, address[1], address[2]
    return resident.building, resident.unit, resident.room


def _join(turn: Turn, incident: Incident, text: str, address: Address, ticket: Ticket | None) -> None:
    if ticket is None:
        join_household(turn, incident, turn.resident, text, turn.actor, place=_household(turn, address))
    else:
        join(turn, incident, turn.resident, text, turn.actor, place=_household(turn, address), ticket=ticket)


# Intents whose words may report an outage (a complaint about one stays a complaint).
REPORTING = frozenset({"repair", "inquiry", "progress", "other", "inform", "greet"})


def on_message(turn: Turn, text: str, intent: str, urgent: bool, address: Address,
               estate_id: int | None) -> str | None:
    """A fresh message (not inside a conversation): the incident's or planned notice's answer, or None."""
    if intent not in REPORTING and not urgent:
        return None
    found = _read(turn, text, address, estate_id, None)  # read once: it resolves the building in the roster
    return (_known(turn, found, text, address, None) or _signal(turn, found, text, address, None)
            or _unplaced(turn, found, text, address))
