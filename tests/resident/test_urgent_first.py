"""Urgent first (首问责任制, 急修30分钟, issue 11 item 16): an urgent repair opens its ticket on the first
message with whatever is known; the resident is told help is coming and what to do meanwhile, then asked
for what is missing, and each answer is added to the open ticket. Non-urgent repairs keep collecting first."""
from __future__ import annotations

from datetime import timedelta

from storage.models import Conversation, Ticket, TicketEvent

from ..conftest import rows


def events(desk):
    return [e.action for e in rows(desk, TicketEvent)]


def test_a_trapped_lift_opens_its_ticket_before_the_phone_is_known(resident, desk):
    reply = resident.say("救命 电梯困人了 5栋")
    [ticket] = rows(desk, Ticket)
    assert ticket.urgent and ticket.status == "new" and (ticket.category, ticket.building) == ("lift", "5")
    assert ticket.contact_phone is None and ticket.due_at - ticket.created_at == timedelta(minutes=30)
    assert ticket.code in reply and "30分钟" in reply and "保持冷静" in reply  # help is coming, and safety first
    assert reply.index("保持冷静") < reply.index("手机号码")  # asked for the phone only afterwards
    reply = resident.say("13812345678")
    [ticket] = rows(desk, Ticket)
    assert ticket.contact_phone == "13812345678" and "13812345678" in ticket.resident_words
    assert ticket.code in reply and "已补充" in reply
    assert rows(desk, Conversation) == []
    assert events(desk).count("created") == 1 and "details_added" in events(desk)
    assert "repeat_report" not in events(desk) and "escalated" not in events(desk)  # its own answer is no repeat


def test_a_burst_pipe_with_an_address_is_a_ticket_at_once_and_the_phone_is_added(resident, desk):
    reply = resident.say("3栋2单元1201厨房水管爆了,水喷得到处都是")
    [ticket] = rows(desk, Ticket)
    assert ticket.urgent and (ticket.building, ticket.unit, ticket.room) == ("3", "2", "1201")
    assert "进水总阀" in reply and "手机" in reply and ticket.code in reply
    resident.say("电话139 1234 5678")
    assert rows(desk, Ticket)[0].contact_phone == "13912345678" and len(rows(desk, Ticket)) == 1


def test_each_missing_detail_is_asked_after_the_ticket_and_added_to_it(resident, desk):
    reply = resident.say("救命 家里燃气味很重")
    [ticket] = rows(desk, Ticket)
    assert ticket.urgent and ticket.building is None and "燃气总阀" in reply and "地址" in reply
    reply = resident.say("十七栋一单元901")
    ticket = rows(desk, Ticket)[0]
    assert (ticket.building, ticket.unit, ticket.room) == ("17", "1", "901")
    assert "已补充" in reply and "手机" in reply
    reply = resident.say("13812345678")
    ticket = rows(desk, Ticket)[0]
    assert ticket.contact_phone == "13812345678" and "17栋1单元901" in reply
    added = [e.detail for e in rows(desk, TicketEvent) if e.action == "details_added"]
    assert [d["fields"] for d in added] == [["building", "unit", "room"], ["phone"]]
    assert len(rows(desk, Ticket)) == 1 and rows(desk, Conversation) == []


def test_an_unanswerable_detail_leaves_the_urgent_ticket_for_a_phone_call(resident, desk):
    resident.say("救命 电梯困人了 5栋")
    resident.say("不知道")
    reply = resident.say("不清楚")
    assert rows(desk, Conversation) == [] and len(rows(desk, Ticket)) == 1
    assert "needs_phone_call" in events(desk) and "维修人员正在赶来" in reply


def test_calling_off_while_details_are_asked_cancels_the_urgent_ticket(resident, desk):
    resident.say("救命 电梯困人了 5栋")
    reply = resident.say("算了 已经出来了")
    [ticket] = rows(desk, Ticket)
    assert ticket.status == "cancelled" and ticket.code in reply and rows(desk, Conversation) == []


def test_a_non_urgent_repair_still_collects_first(resident, desk):
    assert "地址" in resident.say("卫生间的马桶堵了 冲不下去")
    assert rows(desk, Ticket) == []


def test_a_repair_that_turns_urgent_midway_is_opened_at_once(resident, desk):
    assert "地址" in resident.say("卫生间的水管在漏水")
    reply = resident.say("3栋2单元1201 现在水漫出来了 很急")
    [ticket] = rows(desk, Ticket)
    assert ticket.urgent and ticket.room == "1201" and ticket.code in reply and "手机" in reply
