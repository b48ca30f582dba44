"""Opening an incident, households joining it, tickets attached and detached, merging and splitting.

Every step is an incident event (and, for a ticket, a ticket event), naming who did it. A ticket attached
to an incident has status "incident": its own deadlines are cancelled, the incident's replace them; it
comes back with its deadlines counted from when it was reported if it is detached.
"""
from __future__ import annotations

from datetime import datetime

from storage import incident_join, incident_queries as iq
from storage import queries
from storage.incident_models import Incident, IncidentReport
from storage.models import Resident, Ticket

from .. import jobs
from ..desk import Turn, Work
from ..tickets import deadlines
from ..tickets.cards import show_card
from . import alerts, card
from .kinds import scope

ATTACHED = "incident"   # the status of a ticket attached to an incident


def open_incident(work: Work, *, estate_id: int | None, category: str, place: str, source: str, actor: str,
                  notice: str | None = None, expected_at: datetime | None = None) -> tuple[Incident, bool]:
    """The open outage of this estate, category and place: a new one (True) or the one already open."""
    key = scope(estate_id, category, place)
    day = work.desk.local(work.now).strftime("%Y%m%d")
    incident = iq.insert_incident(work.session, code=iq.next_code(work.session, day), kind="outage", status="open",
                                  source=source, estate_id=estate_id, category=category, place=place, scope=key,
                                  notice=notice, expected_at=expected_at, households=0, card_version=0,
                                  card_shown_version=-1, created_by=actor, opened_at=work.now, updated_at=work.now)
    if incident is None:
        return iq.open_outage(work.session, key), False
    iq.add_event(work.session, incident, actor, "opened", work.now,
                 {"source": source, "category": category, "place": place, "estate_id": estate_id})
    card.refresh(work, incident)
    alerts.opened(work, incident)
    work.later(jobs.INCIDENT_CHECK, incident.id, job_id=f"incident-{incident.id}-ack", retries=0,
               at=work.now + work.desk.minutes("SLA_URGENT_ACCEPT_MINUTES"))
    if expected_at:
        work.later(jobs.INCIDENT_CHECK, incident.id, job_id=f"incident-{incident.id}-due", retries=0, at=expected_at)
    return incident, True


def join(work: Work, incident: Incident, resident: Resident, words: str, actor: str,
         place: tuple = (None, None, None), ticket: Ticket | None = None,
         report: IncidentReport | None = None) -> IncidentReport:
    """A household joins the incident (once: a second message adds its words)."""
    existing = iq.report_of(work.session, incident.id, resident.id)
    if existing is None and report is None:
        building, unit, room = place
        report, new = iq.add_household(work.session, incident_id=incident.id, scope=incident.scope,
                                       resident_id=resident.id, building=building, unit=unit, room=room,
                                       words=words, reported_at=work.now)
        existing = None if new else report
    if existing is not None:
        existing.words = "\n".join(filter(None, [existing.words, words]))[-2000:]
        report = existing
    elif report.incident_id is None:  # a signal counted before the incident existed
        report.incident_id = incident.id
    if ticket is not None and report.ticket_id is None:
        report.ticket_id = ticket.id
    if report.ticket_id is not None:
        attach_ticket(work, incident, iq_ticket(work, report.ticket_id), actor)
    if existing is None:
        iq.add_event(work.session, incident, actor, "joined", work.now,
                     {"resident": resident.id, "report": report.id, "ticket": report.ticket_id})
    incident.latest_words, incident.updated_at = words[:500], work.now
    if existing is None:
        incident.households = Incident.households + 1  # in SQL: two joiners at once both count
    card.refresh(work, incident)
    return report


def join_household(work: Work, incident: Incident, resident: Resident, words: str, actor: str,
                   place: tuple = (None, None, None)) -> None:
    """A household's own report joins the incident: as join() does, in one statement where the database
    allows (a burst's every outage report comes here)."""
    joined = incident_join.join_household(work.session, incident, resident_id=resident.id, place=place, words=words,
                                          actor=actor, now=work.now)
    if joined is None:
        join(work, incident, resident, words, actor, place=place)
    else:
        _after_join(work, incident, joined, actor)


def current_joined(work: Work, scopes: list[str], resident: Resident, words: str, actor: str,
                   place: tuple) -> Incident | None:
    """The incident these scopes' residents are told about now, with the household's own report joined to
    it in the same statement (only where incident_join.one_statement); None when there is none."""
    found = incident_join.current_joined(work.session, scopes, resident_id=resident.id, place=place, words=words,
                                         actor=actor, now=work.now)
    if found is None:
        return None
    incident, joined = found
    _after_join(work, incident, joined, actor)
    return incident


def _after_join(work: Work, incident: Incident, joined: incident_join.Joined, actor: str) -> None:
    if joined.ticket_id is not None:
        attach_ticket(work, incident, iq_ticket(work, joined.ticket_id), actor)
    card.queue_refresh(work, incident)


def iq_ticket(work: Work, ticket_id: int) -> Ticket:
    return queries.ticket(work.session, ticket_id)


def attach_ticket(work: Work, incident: Incident, ticket: Ticket, actor: str) -> None:
    """The ticket is part of the incident now: no deadlines or escalations of its own."""
    if ticket.status == ATTACHED or ticket.status not in ("new", "accepted", "on_site", "reopened"):
        return
    ticket.status, ticket.updated_at = ATTACHED, work.now
    queries.add_event(work.session, ticket, actor, "joined_incident", work.now, {"incident": incident.code})
    show_card(work, ticket)
    deadlines.plan(work, ticket)


def detach(work: Work, report: IncidentReport, actor: str) -> Ticket:
    """A report wrongly attached becomes (or gets back) its own ticket, deadlines from when it was reported."""
    incident = iq.incident(work.session, report.incident_id, lock=True)
    ticket = queries.ticket(work.session, report.ticket_id) if report.ticket_id else None
    if ticket is None:
        ticket = _ticket_of(work, report)
        report.ticket_id = ticket.id
    elif ticket.status == ATTACHED:
        ticket.status, ticket.updated_at = "new", work.now
        ticket.due_at = deadlines.promised(work.desk, ticket.kind, ticket.urgent, ticket.created_at)
        queries.add_event(work.session, ticket, actor, "detached_from_incident", work.now, {"incident": incident.code})
        show_card(work, ticket)
        deadlines.plan(work, ticket)
    report.incident_id, report.detached_at = None, work.now
    iq.add_event(work.session, incident, actor, "detached", work.now,
                 {"resident": report.resident_id, "report": report.id, "ticket": ticket.code})
    incident.households = iq.count_households(work.session, incident.id)
    incident.updated_at = work.now
    card.refresh(work, incident)
    return ticket


def _ticket_of(work: Work, report: IncidentReport, estate_id: int | None = None,
               event: str = "detached_from_incident") -> Ticket:
    """Open the urgent ticket a household's report never got, as of when it reported."""
    from ..tickets.tickets import Draft, open_ticket  # the one way a ticket is opened

    resident = work.session.get(Resident, report.resident_id)
    turn = Turn(work.desk, work.session, report.reported_at, work.after_commit, work.jobs_after_commit,
                resident=resident)
    words = [w for w in report.words.split("\n") if w]
    draft = Draft(kind="repair", description=words[0] if words else "", words=words, urgent=True,
                  building=report.building, unit=report.unit, room=report.room, phone=resident.phone)
    if estate_id is not None:
        draft.estate_id = estate_id
    ticket = open_ticket(turn, draft)
    queries.add_event(work.session, ticket, "system", event, work.now, {"report": report.id})
    return ticket


def merge(work: Work, source: Incident, target: Incident, actor: str) -> int:
    """Merge one incident into another: its households move, it closes as merged; returns how many moved."""
    moved = iq.move_reports(work.session, source.id, target.id)
    source.status, source.merged_into_id, source.updated_at = "merged", target.id, work.now
    iq.add_event(work.session, source, actor, "merged_into", work.now, {"into": target.code, "households": moved})
    iq.add_event(work.session, target, actor, "merged_from", work.now, {"from": source.code, "households": moved})
    for incident in (source, target):
        incident.households = iq.count_households(work.session, incident.id)
        card.refresh(work, incident)
    return moved


def split(work: Work, incident: Incident, building: str, actor: str) -> tuple[Incident, int]:
    """Households of one building leave an estate-wide (or wrong) incident for one of their own."""
    target, _ = open_incident(work, estate_id=incident.estate_id, category=incident.category, place=building,
                              source="staff", actor=actor, expected_at=incident.expected_at)
    moved = 0
    for report in iq.attached(work.session, incident.id):
        if report.building == building and target.id != incident.id:
            report.incident_id = target.id
            moved += 1
    iq.add_event(work.session, incident, actor, "split", work.now, {"into": target.code, "households": moved})
    for each in (incident, target):
        each.households = iq.count_households(work.session, each.id)
        card.refresh(work, each)
    return target, moved


def acknowledge(work: Work, incident: Incident, actor: str) -> bool:
    """A member of staff takes charge (the one acknowledgement the incident's deadline waits for)."""
    if incident.acknowledged_by or incident.status != "open":
        return False
    incident.acknowledged_by, incident.acknowledged_at, incident.updated_at = actor, work.now, work.now
    iq.add_event(work.session, incident, actor, "acknowledged", work.now)
    card.refresh(work, incident)
    return True
