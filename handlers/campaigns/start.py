"""Starting a campaign: one contact per occupied house, a WeChat survey to its bound residents, or a
phone call for the desk when nobody is bound (or nobody still follows the Official Account).

A resident in the middle of another conversation (a repair half told) is not interrupted: the survey
is sent, but only an idle resident's next message is read as its answer.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from storage import bindings, campaigns, queries

from .. import outbox
from ..desk import Desk
from ..bindings import context, service
from ..bindings.context import Estates
from . import words

STATE = "campaign"
TARGETS = {"monthly": 1.0, "quarterly": 0.6, "campaign": 1.0}  # seed 001: 每月常住户, 季度≥60%, 专项100%
KINDS = tuple(TARGETS)


class CampaignError(Exception):
    """A campaign that cannot be started as asked; the message says why."""


def period_end(kind: str, period: str, today: date) -> date:
    """The last day answers count: the month or quarter named (2026-12, 2026Q4), else 30 days on."""
    try:
        if kind == "monthly":
            year, month = map(int, period.split("-"))
            return date(year, month, calendar.monthrange(year, month)[1])
        if kind == "quarterly":
            year, quarter = int(period[:4]), int(period[-1])
            month = quarter * 3
            return date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, IndexError):
        raise CampaignError(f"period {period!r} is not a {'month like 2026-12' if kind == 'monthly' else 'quarter like 2026Q4'}"
                            " (回访周期格式不正确)") from None
    return today + timedelta(days=30)


def start(desk: Desk, estate_name: str, kind: str, period: str, actor: str, target: float | None = None) -> dict:
    """Start the estate's campaign for the period; returns its counts (houses, surveyed, to call)."""
    if kind not in KINDS:
        raise CampaignError(f"kind must be one of {', '.join(KINDS)}")
    if target is not None and not 0 < target <= 1:
        raise CampaignError("target must be a share between 0 and 1, e.g. 0.6 (目标回访率应在0到1之间)")
    with desk.work() as work:
        with context.lent(work) as estates:
            estate = _estate(estates, estate_name)
        local_today = desk.local(work.now).date()
        until = desk.to_utc(datetime.combine(period_end(kind, period, local_today) + timedelta(days=1), time.min))
        row = campaigns.add_campaign(work.session, estate_id=estate.id, kind=kind, period=period,
                                     target=target or TARGETS[kind], started_at=work.now, started_by=actor,
                                     answer_until=until)
        if row is None:
            raise CampaignError(f"{estate.name} already has a {kind} campaign for {period} (该周期的回访已开始)")
        houses = campaigns.occupied_houses(work.session, estate.id, local_today)
        if not houses:
            raise CampaignError(f"{estate.name} has no occupied house in its roster (花名册中没有已入住的房屋)")
        ids = campaigns.add_contacts(work.session, [
            {"campaign_id": row.id, "house_id": house_id, "channel": "wechat" if people else "phone",
             "state": "sent" if people else "to_call"} for house_id, people in houses.items()])
        surveyed = _send_surveys(work, row, estate.name, houses, ids)
        return {"campaign": row.id, "estate": estate.name, "kind": kind, "period": period, "target": row.target,
                "houses": len(houses), "surveyed": surveyed, "to_call": len(houses) - surveyed}


def _estate(estates: Estates, name: str):
    found = estates.directory.named(name)
    if found is None:
        raise CampaignError(f"no estate named {name!r} (没有名为“{name}”的小区)")
    return found


def _send_surveys(work, row, estate_name: str, houses: dict, ids: dict[int, int]) -> int:
    bound = [house_id for house_id, people in houses.items() if people]
    addresses = {h.house_id: service.address(h) for h in bindings.houses(work.session, bound)}
    surveyed = 0
    for house_id, people in houses.items():
        if not people:
            continue
        surveyed += 1
        text = words.survey(estate_name, row.kind, addresses[house_id])
        for resident_id, openid in people:
            outbox.to_resident(work, openid, text, ticket_id=None, actor=f"campaign:{row.id}")
            if queries.conversation(work.session, resident_id, work.now) is None:
                queries.save_conversation(work.session, resident_id, STATE, {"contact_id": ids[house_id]},
                                          row.answer_until)
    return surveyed
