"""Queries of incidents, their reports and events (see incident_models). None of them commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .incident_models import Incident, IncidentEvent, IncidentReport
from .models import Resident, Ticket
from .queries._sql import adopt, run
from .queries.tickets import next_code_number


def next_code(session: Session, day: str) -> str:
    """SG-20261201-0003: the next incident code of the day (the same atomic counter as ticket codes)."""
    return f"SG-{day}-{next_code_number(session, 'SG', day):04d}"


def insert_incident(session: Session, **values) -> Incident | None:
    """A new incident, or None when an open outage of the same scope exists already (the unique index
    decides between two processes; the caller's transaction is kept by a savepoint)."""
    try:
        with session.begin_nested():
            incident = Incident(**values)
            session.add(incident)
            session.flush()
        return incident
    except IntegrityError:
        return None


def open_outage(session: Session, scope: str, lock: bool = False) -> Incident | None:
    """The open outage of this scope."""
    query = select(Incident).where(Incident.scope == scope, Incident.status == "open", Incident.kind == "outage")
    return session.scalars(query.with_for_update() if lock else query).first()


_I = Incident.__table__.c
# The resident's hot path (every outage report): a planned notice covering now first, else the oldest open
# outage, of any of the scopes, in one table-level statement adopted as an ORM object (see queries/_sql).
_CURRENT = (select(Incident.__table__)
            .where(_I.scope.in_(bindparam("scopes", expanding=True)), _I.status == "open",
                   or_(_I.kind == "outage", and_(_I.kind == "planned", _I.starts_at <= bindparam("now"),
                                                 _I.ends_at >= bindparam("now"))))
            .order_by(case((_I.kind == "planned", 0), else_=1), _I.id).limit(1))


def current(session: Session, scopes: list[str], now: datetime) -> Incident | None:
    """What residents of these scopes are told now: the planned notice covering this moment, else the
    oldest open outage."""
    row = run(session, _CURRENT, {"scopes": scopes, "now": now}).first()
    return adopt(session, Incident, row) if row is not None else None


_R = IncidentReport.__table__.c
# A report that names no place: the estate's open outages of its kind, the one this household joined first
# (it writes again without its address), in one statement.
_JOINED = (select(_R.id).where(_R.incident_id == _I.id, _R.resident_id == bindparam("resident"),
                               _R.detached_at.is_(None)).exists())
_OPEN_OF_KIND = (select(Incident.__table__, _JOINED.label("joined"))
                 .where(_I.estate_id == bindparam("estate"), _I.category == bindparam("category"),
                        _I.kind == "outage", _I.status == "open")
                 .order_by(_JOINED.desc(), _I.id).limit(20))


def open_of_kind(session: Session, estate_id: int, category: str, resident_id: int) -> list[tuple[Incident, bool]]:
    """The estate's open outages of a category, each with whether this household is attached to it (that
    one first)."""
    rows = run(session, _OPEN_OF_KIND, {"estate": estate_id, "category": category, "resident": resident_id}).all()
    return [(adopt(session, Incident, {k: v for k, v in row._mapping.items() if k != "joined"}), bool(row.joined))
            for row in rows]


def incident(session: Session, incident_id: int, lock: bool = False) -> Incident | None:
    """An incident by id (locked for this transaction when asked)."""
    query = select(Incident).where(Incident.id == incident_id)
    if lock:  # re-read under the lock, over what this session saw before
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def incident_by_code(session: Session, code: str) -> Incident | None:
    """An incident by its code (SG-...)."""
    return session.scalars(select(Incident).where(Incident.code == code)).one_or_none()


def incident_by_card(session: Session, chat_id: int, message_id: int) -> Incident | None:
    """The incident whose card is this message."""
    return session.scalars(select(Incident).where(Incident.staff_chat_id == chat_id,
                                                  Incident.card_message_id == message_id)).first()


def incidents(session: Session, statuses: tuple[str, ...] | None = None, limit: int = 100) -> list[Incident]:
    """Incidents, newest first."""
    query = select(Incident).order_by(Incident.id.desc()).limit(limit)
    if statuses:
        query = query.where(Incident.status.in_(statuses))
    return list(session.scalars(query))


def add_report(session: Session, **values) -> IncidentReport:
    """A household's report (a signal when incident_id is None)."""
    report = IncidentReport(**values)
    session.add(report)
    session.flush()
    return report


def add_household(session: Session, **values) -> tuple[IncidentReport, bool]:
    """A household's report in an incident (True), or the one it has already (False): when two of its
    messages arrive at the same moment the unique key decides; a savepoint keeps the caller's transaction."""
    try:
        with session.begin_nested():
            return add_report(session, **values), True
    except IntegrityError:
        return report_of(session, values["incident_id"], values["resident_id"]), False


def signals(session: Session, scope: str, since: datetime) -> list[IncidentReport]:
    """Unattached reports of this scope since a moment, oldest first. Not locked: two reports counting
    at once may both open the incident, and the unique index lets exactly one of them (insert_incident);
    locking here would order these rows before the ticket-code counter in one transaction and after it
    in another (a deadlock)."""
    return list(session.scalars(select(IncidentReport).where(
        IncidentReport.scope == scope, IncidentReport.incident_id.is_(None), IncidentReport.detached_at.is_(None),
        IncidentReport.reported_at >= since).order_by(IncidentReport.id)))


def unanswered(session: Session, before: datetime, limit: int = 100) -> list[IncidentReport]:
    """Reports that named no place, still waiting for their building since before a moment (the scope ends
    in ":?"), locked, skipping rows another worker holds."""
    return list(session.scalars(select(IncidentReport).where(
        IncidentReport.incident_id.is_(None), IncidentReport.detached_at.is_(None), IncidentReport.ticket_id.is_(None),
        IncidentReport.scope.like("%:?"), IncidentReport.reported_at <= before)
        .order_by(IncidentReport.id).limit(limit).with_for_update(skip_locked=True)))


def heard_since(session: Session, resident_id: int, since: datetime) -> bool:
    """Whether the household has joined an outage or got a ticket since a moment."""
    joined = select(IncidentReport.id).where(IncidentReport.resident_id == resident_id,
                                             IncidentReport.incident_id.is_not(None),
                                             IncidentReport.reported_at >= since)
    ticket = select(Ticket.id).where(Ticket.resident_id == resident_id, Ticket.created_at >= since)
    return bool(session.scalar(select(joined.exists() | ticket.exists())))


def report_of(session: Session, incident_id: int, resident_id: int) -> IncidentReport | None:
    """The report of a household in an incident."""
    return session.scalars(select(IncidentReport).where(IncidentReport.incident_id == incident_id,
                                                        IncidentReport.resident_id == resident_id)).one_or_none()


def report_by_ticket(session: Session, ticket_id: int) -> IncidentReport | None:
    """The attached report a ticket belongs to."""
    return session.scalars(select(IncidentReport).where(IncidentReport.ticket_id == ticket_id,
                                                        IncidentReport.incident_id.is_not(None))).first()


def attached(session: Session, incident_id: int) -> list[IncidentReport]:
    """Reports attached to an incident (not detached), oldest first."""
    return list(session.scalars(select(IncidentReport).where(IncidentReport.incident_id == incident_id)
                                .order_by(IncidentReport.id)))


def count_households(session: Session, incident_id: int) -> int:
    """Households attached to an incident."""
    return session.scalar(select(func.count()).select_from(IncidentReport)
                          .where(IncidentReport.incident_id == incident_id)) or 0


def unrestored(session: Session, incident_id: int) -> list[tuple[IncidentReport, Resident]]:
    """Attached reports with no restore message written yet, with their residents, locked."""
    return list(session.execute(select(IncidentReport, Resident).join(Resident, Resident.id == IncidentReport.resident_id)
                                .where(IncidentReport.incident_id == incident_id,
                                       IncidentReport.restore_outbox_id.is_(None))
                                .order_by(IncidentReport.id).with_for_update(of=IncidentReport)))


def restore_report(session: Session, outbox_id: int) -> IncidentReport | None:
    """The report whose restore message is this outbox row."""
    return session.scalars(select(IncidentReport).where(IncidentReport.restore_outbox_id == outbox_id)).first()


def move_reports(session: Session, from_id: int, to_id: int) -> int:
    """Move every report of one incident to another (a merge); a household in both keeps the target's."""
    there = set(session.scalars(select(IncidentReport.resident_id).where(IncidentReport.incident_id == to_id)))
    moved = 0
    for report in attached(session, from_id):
        if report.resident_id in there:
            report.incident_id, report.detached_at = None, report.detached_at or report.reported_at
            continue
        report.incident_id = to_id
        moved += 1
    session.flush()
    return moved


def add_event(session: Session, incident: Incident, actor: str, action: str, at: datetime,
              detail: dict | None = None) -> IncidentEvent:
    """Record one step of an incident."""
    event = IncidentEvent(incident_id=incident.id, actor=actor, action=action, at=at, detail=detail)
    session.add(event)
    return event


def events(session: Session, incident_id: int) -> list[IncidentEvent]:
    """The steps of an incident, in order."""
    return list(session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)
                                .order_by(IncidentEvent.id)))


def set_card_row(session: Session, incident_id: int, row_id: int | None) -> None:
    """Remember the outbox row that refreshes the card (None: none pending)."""
    session.execute(update(Incident).where(Incident.id == incident_id).values(card_row_id=row_id))


def between(session: Session, first: datetime, last: datetime) -> list[Incident]:
    """Outages opened in [first, last)."""
    return list(session.scalars(select(Incident).where(Incident.kind == "outage", Incident.opened_at >= first,
                                                       Incident.opened_at < last,
                                                       Incident.status != "merged").order_by(Incident.id)))


def residents_of(session: Session, building: str | None) -> list[Resident]:
    """Active residents who gave this building as theirs (every active resident when None)."""
    query = select(Resident).where(Resident.active.is_(True)).order_by(Resident.id)
    if building is not None:
        query = query.where(Resident.building == building)
    return list(session.scalars(query))


def count_open_outages(session: Session, estate_ids: frozenset[int] | None) -> int:
    """Open outages in these estates (None: every estate)."""
    query = select(func.count()).select_from(Incident).where(Incident.kind == "outage", Incident.status == "open")
    if estate_ids is not None:
        query = query.where(Incident.estate_id.in_(sorted(estate_ids)))
    return session.scalar(query) or 0


def open_cards_in(session: Session, chat_id: int) -> int:
    """Open outages whose card is in this staff group (their edits share the group's messages)."""
    return session.scalar(select(func.count()).select_from(Incident).where(
        Incident.status == "open", Incident.staff_chat_id == chat_id)) or 0


def ticket_codes(session: Session, ticket_ids: list[int]) -> dict[int, str]:
    """Ticket id -> code, for the tickets of an incident's households."""
    if not ticket_ids:
        return {}
    return dict(session.execute(select(Ticket.id, Ticket.code).where(Ticket.id.in_(ticket_ids))).all())


# 回访 statuses with a step still to come at followup_at: the survey, its one reminder, the phone task
FOLLOWUP_WAITING = ("due", "sent", "reminded")


def followups_due(session: Session, incident_id: int, now: datetime,
                  limit: int) -> list[tuple[IncidentReport, Resident]]:
    """Households of an incident whose 回访 step is due (the survey, its reminder, the phone task), with their
    residents, locked (a second job skips them)."""
    return list(session.execute(select(IncidentReport, Resident).join(Resident, Resident.id == IncidentReport.resident_id)
                                .where(IncidentReport.incident_id == incident_id,
                                       IncidentReport.followup_status.in_(FOLLOWUP_WAITING),
                                       IncidentReport.followup_at <= now)
                                .order_by(IncidentReport.id).limit(limit)
                                .with_for_update(of=IncidentReport, skip_locked=True)))


def next_followup(session: Session, incident_id: int) -> datetime | None:
    """When the next 回访 step of an incident's households is due (None: none waiting)."""
    return session.scalar(select(func.min(IncidentReport.followup_at)).where(
        IncidentReport.incident_id == incident_id, IncidentReport.followup_status.in_(FOLLOWUP_WAITING)))


def report(session: Session, report_id: int, lock: bool = False) -> IncidentReport | None:
    """A household's report by id."""
    query = select(IncidentReport).where(IncidentReport.id == report_id)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()
