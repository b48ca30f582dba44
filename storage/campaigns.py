"""Queries of household callback campaigns (住户回访): the houses to reach, contacts, coverage."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from .binding_models import Campaign, CampaignContact, ResidentHouse
from .db import insert_unless_taken
from .estate_models import Building, Estate, House, Unit
from .models import Resident

REACHED = ("answered", "reached")


def occupied_houses(session: Session, estate_id: int, today: date) -> dict[int, list[tuple[int, str]]]:
    """Every occupied house of the estate -> the (resident id, openid) of its current, still-following
    bound residents (an empty list: nobody to survey on WeChat, the house is phoned)."""
    query = (select(House.id, Resident.id, Resident.openid)
             .outerjoin(ResidentHouse, (ResidentHouse.house_id == House.id) & (ResidentHouse.state == "active") &
                        or_(ResidentHouse.tenant_until.is_(None), ResidentHouse.tenant_until >= today))
             .outerjoin(Resident, (Resident.id == ResidentHouse.resident_id) & Resident.active.is_(True))
             .where(House.estate_id == estate_id, House.occupancy == "occupied").order_by(House.id))
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for house_id, resident_id, openid in session.execute(query):
        found[house_id]
        if resident_id is not None:
            found[house_id].append((resident_id, openid))
    return dict(found)


def add_campaign(session: Session, **values) -> Campaign | None:
    """A new campaign; None when the estate already has one of this kind and period."""
    return insert_unless_taken(session, Campaign(**values))


def add_contacts(session: Session, rows: list[dict]) -> dict[int, int]:
    """Insert the campaign's contacts; returns house id -> contact id."""
    if not rows:
        return {}
    inserted = session.execute(CampaignContact.__table__.insert().returning(
        CampaignContact.__table__.c.house_id, CampaignContact.__table__.c.id), rows)
    return {house_id: contact_id for house_id, contact_id in inserted}


def campaign(session: Session, estate_id: int, kind: str | None = None, period: str | None = None) -> Campaign | None:
    """The estate's campaign of this kind and period, or its latest."""
    query = select(Campaign).where(Campaign.estate_id == estate_id)
    if kind:
        query = query.where(Campaign.kind == kind)
    if period:
        query = query.where(Campaign.period == period)
    return session.scalars(query.order_by(Campaign.id.desc()).limit(1)).first()


def contact(session: Session, contact_id: int, lock: bool = False) -> CampaignContact | None:
    """A contact by id (locked for this transaction when `lock`)."""
    query = select(CampaignContact).where(CampaignContact.id == contact_id)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def waiting_survey(session: Session, house_ids: list[int], now: datetime) -> CampaignContact | None:
    """The newest WeChat survey of one of these houses still waiting for its answer, if any."""
    if not house_ids:
        return None
    return session.scalars(
        select(CampaignContact).join(Campaign, Campaign.id == CampaignContact.campaign_id)
        .where(CampaignContact.house_id.in_(sorted(house_ids)), CampaignContact.channel == "wechat",
               CampaignContact.state == "sent", Campaign.answer_until > now)
        .order_by(CampaignContact.id.desc()).limit(1)).first()


def figures(session: Session, campaign_ids: list[int]) -> dict[int, dict]:
    """Per campaign: houses, reached (by WeChat answer or phone), waiting, unreachable, ratings, tickets, opinions."""
    c = CampaignContact
    query = (select(c.campaign_id, func.count(), func.sum(case((c.state == "answered", 1), else_=0)),
                    func.sum(case((c.state == "reached", 1), else_=0)),
                    func.sum(case((c.state.in_(("sent", "to_call")), 1), else_=0)),
                    func.sum(case((c.state == "unreachable", 1), else_=0)), func.count(c.rating),
                    func.sum(case((c.rating >= 3, 1), else_=0)), func.avg(c.rating), func.count(c.ticket_id),
                    func.count(c.opinion), func.sum(case((c.channel == "wechat", 1), else_=0)))
             .where(c.campaign_id.in_(campaign_ids)).group_by(c.campaign_id))
    names = ("houses", "answered_wechat", "reached_phone", "waiting", "unreachable", "rated", "satisfied",
             "average_rating", "tickets", "opinions", "surveyed_wechat")
    return {row[0]: dict(zip(names, (v if isinstance(v, float) else int(v or 0) for v in row[1:])))
            for row in session.execute(query)}


def _with_house():
    return (select(CampaignContact, Estate.name.label("estate"), Building.key.label("building"),
                   Building.label.label("building_label"), Unit.key.label("unit"), House.room, House.owner_name,
                   House.owner_phone)
            .join(House, CampaignContact.house_id == House.id).join(Unit, House.unit_id == Unit.id)
            .join(Building, Unit.building_id == Building.id).join(Estate, House.estate_id == Estate.id))


def to_call(session: Session, campaign_row: Campaign, now: datetime) -> list:
    """Houses the desk must phone: nobody bound, or a WeChat survey unanswered once its time is over."""
    waiting = CampaignContact.state == "to_call"
    if now >= campaign_row.answer_until:
        waiting = CampaignContact.state.in_(("to_call", "sent"))
    query = _with_house().where(CampaignContact.campaign_id == campaign_row.id, waiting)
    return list(session.execute(query.order_by(CampaignContact.id)))


def opinions(session: Session, campaign_id: int) -> list:
    """What residents said (业主意见), with their house, lowest ratings first."""
    query = _with_house().where(CampaignContact.campaign_id == campaign_id, CampaignContact.opinion.is_not(None))
    return list(session.execute(query.order_by(CampaignContact.rating.asc().nulls_last(), CampaignContact.id)))


def started_between(session: Session, start: datetime, end: datetime, estate_ids=None) -> list:
    """(campaign, estate name) of the campaigns started in [start, end), for the reports (of these
    estates only when `estate_ids` is given)."""
    query = (select(Campaign, Estate.name).join(Estate, Campaign.estate_id == Estate.id)
             .where(Campaign.started_at >= start, Campaign.started_at < end).order_by(Estate.name, Campaign.id))
    if estate_ids is not None:
        query = query.where(Campaign.estate_id.in_(sorted(estate_ids)))
    return list(session.execute(query))


def household_resident(session: Session, house_id: int, today: date) -> Resident | None:
    """The house's first current bound resident who still follows the account (the resident of a ticket
    raised on a campaign call), None when nobody is bound."""
    query = (select(Resident).join(ResidentHouse, ResidentHouse.resident_id == Resident.id)
             .where(ResidentHouse.house_id == house_id, ResidentHouse.state == "active", Resident.active.is_(True),
                    or_(ResidentHouse.tenant_until.is_(None), ResidentHouse.tenant_until >= today))
             .order_by(ResidentHouse.id).limit(1))
    return session.scalars(query).first()
