"""Queries of residents' bindings to houses (resident_houses), with the address each one names."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, bindparam, or_, select
from sqlalchemy.orm import Session

from .binding_models import LIVE_STATES, ResidentHouse
from .db import insert_unless_taken
from .estate_models import Building, Estate, House, Unit
from .models import Resident

_ADDRESS = (Estate.name.label("estate"), Building.key.label("building"), Building.label.label("building_label"),
            Unit.key.label("unit"), House.room.label("room"), House.owner_name, House.owner_phone,
            House.occupancy)


def _houses():
    return (select(House.id.label("house_id"), House.estate_id, *_ADDRESS)
            .join(Unit, House.unit_id == Unit.id).join(Building, Unit.building_id == Building.id)
            .join(Estate, House.estate_id == Estate.id))


def house(session: Session, house_id: int):
    """One house with its estate, building, unit and roster owner (None when it does not exist)."""
    return session.execute(_houses().where(House.id == house_id)).one_or_none()


_HOUSES_IN = _houses().where(House.id.in_(bindparam("ids", expanding=True)))


def houses(session: Session, house_ids: list[int]) -> list:
    """Several houses with their addresses, in the order asked (a statement built once, run on the
    session's connection: on the repair path the Python around a query costs more than the query)."""
    found = {row.house_id: row for row in session.connection().execute(_HOUSES_IN, {"ids": house_ids})}
    return [found[i] for i in house_ids if i in found]


def _bindings():
    return (select(ResidentHouse, *_ADDRESS, Resident.openid)
            .join(House, ResidentHouse.house_id == House.id).join(Unit, House.unit_id == Unit.id)
            .join(Building, Unit.building_id == Building.id).join(Estate, House.estate_id == Estate.id)
            .join(Resident, ResidentHouse.resident_id == Resident.id))


def _current(today: date):
    """Active, and for a tenant not past the end of the tenancy."""
    return (ResidentHouse.state == "active",
            or_(ResidentHouse.tenant_until.is_(None), ResidentHouse.tenant_until >= today))


@dataclass(frozen=True)
class Binding:
    """The columns of a current binding the intake reads (never written through: unbinding locks the row)."""
    id: int
    resident_id: int
    house_id: int
    estate_id: int
    role: str
    tenant_until: date | None


@dataclass(frozen=True)
class Bound:
    """A current binding with its house's address (the attributes of the joined rows)."""
    ResidentHouse: Binding
    estate: str
    building: str
    building_label: str
    unit: str
    room: str
    owner_name: str | None
    owner_phone: str | None
    occupancy: str | None


_BINDING = (ResidentHouse.id, ResidentHouse.resident_id, ResidentHouse.house_id, ResidentHouse.estate_id,
            ResidentHouse.role, ResidentHouse.tenant_until)
# One statement, built once, plain columns: on the repair path the round trips and the ORM's objects
# cost more than the query (benchmarks/bindings.py). psycopg prepares a statement run this often, so
# the five-table join is planned once per connection, not per call.
_BOUND = (select(*_BINDING, *_ADDRESS)
          .join(House, ResidentHouse.house_id == House.id).join(Unit, House.unit_id == Unit.id)
          .join(Building, Unit.building_id == Building.id).join(Estate, ResidentHouse.estate_id == Estate.id)
          .where(ResidentHouse.resident_id == bindparam("resident"), *_current(bindparam("today", type_=Date())))
          .order_by(ResidentHouse.id))
_SPLIT = len(_BINDING)


def bound_houses(session: Session, resident_id: int, today: date) -> list[Bound]:
    """The resident's current bindings (a tenancy past its end date no longer counts), oldest first:
    one indexed query on the turn's connection (a resident with none costs one index probe)."""
    rows = session.connection().execute(_BOUND, {"resident": resident_id, "today": today})
    return [Bound(Binding(*row[:_SPLIT]), *row[_SPLIT:]) for row in rows]


def pending_of(session: Session, resident_id: int) -> list:
    """The resident's requests still waiting for the desk."""
    query = _bindings().where(ResidentHouse.resident_id == resident_id, ResidentHouse.state == "pending")
    return list(session.execute(query.order_by(ResidentHouse.id)))


def live_binding(session: Session, resident_id: int, house_id: int) -> ResidentHouse | None:
    """The pending or active binding of this resident to this house, if any."""
    return session.scalars(select(ResidentHouse).where(
        ResidentHouse.resident_id == resident_id, ResidentHouse.house_id == house_id,
        ResidentHouse.state.in_(LIVE_STATES))).one_or_none()


def add_binding(session: Session, **values) -> ResidentHouse | None:
    """Insert a binding or request; None when the resident already has a live one for that house
    (the partial unique index decides, so two requests at the same moment give one row)."""
    return insert_unless_taken(session, ResidentHouse(**values))


def binding(session: Session, binding_id: int, lock: bool = False) -> ResidentHouse | None:
    """A binding by id (locked for this transaction when `lock`)."""
    query = select(ResidentHouse).where(ResidentHouse.id == binding_id)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def binding_detail(session: Session, binding_id: int):
    """A binding with its address and the resident's openid."""
    return session.execute(_bindings().where(ResidentHouse.id == binding_id)).one_or_none()


def listing(session: Session, estate_id: int | None = None, state: str | None = None, limit: int = 500) -> list:
    """Bindings for the command line and the API, newest first, optionally of one estate and state."""
    query = _bindings()
    if estate_id is not None:
        query = query.where(ResidentHouse.estate_id == estate_id)
    if state is not None:
        query = query.where(ResidentHouse.state == state)
    return list(session.execute(query.order_by(ResidentHouse.id.desc()).limit(limit)))


def waiting_deadlines(session: Session) -> list[tuple[int, datetime]]:
    """(id, deadline) of every pending request whose deadline has not been acted on yet."""
    query = select(ResidentHouse.id, ResidentHouse.deadline_at).where(
        ResidentHouse.state == "pending", ResidentHouse.overdue.is_(False), ResidentHouse.deadline_at.is_not(None))
    return [(row.id, row.deadline_at) for row in session.execute(query)]
