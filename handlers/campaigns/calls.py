"""A problem a household raises on a campaign phone call (电话回访) becomes a ticket, as a survey answer's does.

The desk records the call (`wuye campaign call 12 --problem "厨房水管漏水"`, or an opinion the NLU reads as a
fault or a complaint); the ticket is at the called house, in its estate, for its bound resident when there is
one (so WeChat updates reach them), else with the roster owner's phone for the desk to call back.
"""
from __future__ import annotations

from dataclasses import dataclass

from storage import campaigns

from ..desk import Turn, Work
from ..resident.parsed import Parsed
from .answers import open_problem, raises_problem


@dataclass
class Household:
    """Who a ticket raised on a call is for when nobody is bound to the house (no WeChat to write to)."""
    id: None = None
    phone: str | None = None
    name: str | None = None
    openid: None = None


@dataclass
class CallTurn(Turn):
    """The call as a resident's turn: the ticket's events name who phoned, not the household."""
    caller: str = "system"

    @property
    def actor(self) -> str:
        return self.caller


def ticket_from_call(work: Work, contact, caller: str, problem: str | None, opinion: str | None):
    """The ticket of the problem raised (an explicit `problem` always is one; an opinion when it reads as
    a fault or a complaint), None when nothing was raised."""
    said = problem or opinion
    if not said:
        return None
    parsed = Parsed.from_nlu(work.desk.nlu.parse(said))
    if problem is None and not raises_problem(parsed):
        return None
    today = work.desk.local(work.now).date()
    resident = campaigns.household_resident(work.session, contact.house_id, today) or Household()
    turn = CallTurn(work.desk, work.session, work.now, work.after_commit, work.jobs_after_commit,
                    resident=resident, caller=caller)
    return open_problem(turn, contact.house_id, parsed)
