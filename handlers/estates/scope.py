"""Which estates a member of staff serves, and so which tickets they see and act on (issue 14 item 5).

A member's estates are `staff.estate_ids` (`wuye staff add … --estate 锦绣花园 --estate 阳光城`); a member
with none listed serves every estate, as every member did before estates existed. The Telegram ids an
estate names in its `supervisors` and `managers` settings serve that estate too, so a 项目经理 may hold
several estates from either side. The staff desk, the console and the reports ask here; escalations and
the digest reach the same people through escalation.recipients (the settings' ids and the staff rows).
"""
from __future__ import annotations


def _named(desk, member, estate_id: int | None) -> bool:
    """The member's Telegram id is among the estate's supervisors or managers (its settings)."""
    settings = desk.estate_settings(estate_id)
    return member.telegram_user_id in (*settings["supervisors"], *settings["managers"])


def serves(desk, member, estate_id: int | None) -> bool:
    """True when the member may see and act on a ticket of this estate: no estates listed (every
    estate), the estate listed, or their Telegram id among the estate's supervisors or managers."""
    if member is None:
        return False
    listed = getattr(member, "estate_ids", None)
    return not listed or estate_id in listed or _named(desk, member, estate_id)


def estates_of(desk, member) -> frozenset[int] | None:
    """Every estate the member serves (None: all of them), for the console's and the reports' filters:
    the listed estates and those whose settings name the member, by the same rule as `serves`."""
    listed = getattr(member, "estate_ids", None)
    if not listed:
        return None
    return frozenset({*listed, *(e.id for e in desk.estates.estates() if _named(desk, member, e.id))})
