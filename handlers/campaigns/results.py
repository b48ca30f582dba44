"""A campaign's coverage against its target, the calls still to make and their results, the opinions."""
from __future__ import annotations

from storage import campaigns

from ..bindings import context, service
from ..desk import Desk
from . import calls
from .start import CampaignError


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def coverage(row, counts: dict) -> dict:
    """The figures of one campaign: reached share against the target, satisfaction, problems raised."""
    reached = counts.get("answered_wechat", 0) + counts.get("reached_phone", 0)
    share = _ratio(reached, counts.get("houses", 0))
    return {"campaign": row.id, "kind": row.kind, "period": row.period, "target": row.target,
            "houses": counts.get("houses", 0), "reached": reached, "coverage": share,
            "target_met": share is not None and share >= row.target,
            "answered_wechat": counts.get("answered_wechat", 0), "reached_phone": counts.get("reached_phone", 0),
            "waiting": counts.get("waiting", 0), "unreachable": counts.get("unreachable", 0),
            "satisfaction_rate": _ratio(counts.get("satisfied", 0), counts.get("rated", 0)),
            "average_rating": round(counts["average_rating"], 2) if counts.get("average_rating") else None,
            "tickets": counts.get("tickets", 0), "opinions": counts.get("opinions", 0)}


def status(desk: Desk, estate_name: str, kind: str | None = None, period: str | None = None) -> dict:
    """The estate's campaign (latest, or of this kind and period) with its coverage, calls and opinions."""
    with desk.work() as work:
        row = _campaign(work, estate_name, kind, period)
        figures = coverage(row, campaigns.figures(work.session, [row.id]).get(row.id, {}))
        figures["estate"] = estate_name
        figures["to_call"] = [{"contact": r.CampaignContact.id, "address": service.address(r),
                               "owner": r.owner_name, "phone": r.owner_phone,
                               "unanswered_survey": r.CampaignContact.channel == "wechat"}
                              for r in campaigns.to_call(work.session, row, work.now)]
        figures["opinion_list"] = [{"address": service.address(r), "rating": r.CampaignContact.rating,
                                    "opinion": r.CampaignContact.opinion, "ticket_id": r.CampaignContact.ticket_id}
                                   for r in campaigns.opinions(work.session, row.id)]
        return figures


def record_call(desk: Desk, contact_id: int, reached: bool, actor: str, rating: int | None = None,
                opinion: str | None = None, problem: str | None = None) -> dict:
    """The result of a campaign call made by the desk (电话回访); a problem raised becomes a ticket."""
    if rating is not None and not 1 <= rating <= 5:
        raise CampaignError("rating must be 1 to 5 (评分应为1到5)")
    with desk.work() as work:
        contact = campaigns.contact(work.session, contact_id, lock=True)
        if contact is None:
            raise CampaignError(f"no campaign contact {contact_id} (没有编号为{contact_id}的回访对象)")
        if contact.state in ("answered", "reached"):
            raise CampaignError(f"contact {contact_id} was already reached (该户已回访)")
        contact.state = "reached" if reached else "unreachable"
        contact.answered_by, contact.answered_at = actor, work.now
        contact.rating, contact.opinion = (rating, opinion) if reached else (None, None)
        ticket = calls.ticket_from_call(work, contact, actor, problem, opinion) if reached else None
        contact.ticket_id = ticket.id if ticket is not None else None
        return {"contact": contact.id, "state": contact.state, "ticket": ticket.code if ticket is not None else None}


def _campaign(work, estate_name: str, kind: str | None, period: str | None):
    with context.lent(work) as estates:
        estate = estates.directory.named(estate_name)
    if estate is None:
        raise CampaignError(f"no estate named {estate_name!r} (没有名为“{estate_name}”的小区)")
    row = campaigns.campaign(work.session, estate.id, kind, period)
    if row is None:
        raise CampaignError(f"{estate.name} has no such campaign (该小区没有这次回访)")
    return row


def for_report(session, start, end, estate_ids: frozenset[int] | None = None) -> list[dict]:
    """Coverage and results per estate of the campaigns started in the period (for /api/reports and the
    console's report page; of these estates only when `estate_ids` is given)."""
    found = campaigns.started_between(session, start, end, estate_ids)
    counts = campaigns.figures(session, [row.Campaign.id for row in found])
    return [{"estate": row.name, **coverage(row.Campaign, counts.get(row.Campaign.id, {}))} for row in found]
