"""A problem raised on a campaign phone call becomes a ticket at the called house, in its estate, as a
WeChat survey answer's does (issue 14 item 8); an opinion that reports nothing opens none."""
from __future__ import annotations

import json

from handlers.campaigns.cli import campaign_cli
from storage.binding_models import CampaignContact
from storage.models import Ticket

from ..conftest import rows


def _run(staffed, *args):
    result = staffed.test_cli_runner().invoke(campaign_cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _sun_call(staffed) -> int:
    _run(staffed, "start", "阳光城", "2026-12")
    [call] = json.loads(_run(staffed, "status", "阳光城", "--json"))["to_call"]
    return call["contact"]


def test_a_problem_raised_on_a_call_becomes_a_ticket_in_the_houses_estate(staffed, desk):
    contact = _sun_call(staffed)
    said = _run(staffed, "call", str(contact), "--rating", "2", "--problem", "卫生间水管漏水了，麻烦派人来看看",
                "--by", "客服小陈")
    [ticket] = rows(desk, Ticket)
    assert ticket.code in said and "已生成工单" in said
    sun = next(e.id for e in desk.estates.estates() if e.name == "阳光城")
    assert (ticket.kind, ticket.estate_id, ticket.building, ticket.room) == ("repair", sun, "1", "101")
    assert ticket.house_id is not None and ticket.contact_phone == "13812345678" and ticket.resident_id is None
    [row] = rows(desk, CampaignContact)
    assert (row.state, row.ticket_id, row.rating) == ("reached", ticket.id, 2)
    figures = json.loads(_run(staffed, "status", "阳光城", "--json"))
    assert (figures["tickets"], figures["coverage"]) == (1, 1.0)


def test_an_opinion_reporting_a_fault_is_a_problem_and_a_kind_word_is_not(staffed, desk):
    contact = _sun_call(staffed)
    assert "工单" not in _run(staffed, "call", str(contact), "--rating", "5", "--opinion", "谢谢你们，服务很好")
    assert rows(desk, Ticket) == []
    _run(staffed, "start", "阳光城", "2026Q4", "--kind", "quarterly")
    quarterly = json.loads(_run(staffed, "status", "阳光城", "--json", "--period", "2026Q4"))["to_call"][0]["contact"]
    assert "已生成工单" in _run(staffed, "call", str(quarterly), "--opinion", "楼道灯坏了好几天了，一直没人修")
    [ticket] = rows(desk, Ticket)
    assert ticket.room == "101"
