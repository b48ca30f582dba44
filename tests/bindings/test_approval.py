"""Binding by approval: the request in the estate's staff group, 通过 / 不通过 pressed there, its own
deadline, and a polite answer to the resident either way (real rq worker, fake Telegram and WeChat APIs)."""
from __future__ import annotations

import pytest
from rq.job import Job

from handlers.bindings import deadline
from handlers.bindings.words import ASK_ROLE, ASK_TENANT_UNTIL
from storage.binding_models import ResidentHouse

from ..conftest import rows
from ..staffing import LI, STAFF_CHAT, STRANGER, WANG, ZHANG, drain, push
from .conftest import MANAGERS_CHAT

RELATIVE = "o_relative_0002"


def request_binding(relative, desk, role="2"):
    relative.say("绑定房屋 锦绣花园3栋2单元1201")
    assert relative.say("13700001234") == ASK_ROLE
    reply = relative.say(role)
    if role == "3":
        assert reply == ASK_TENANT_UNTIL
        reply = relative.say("2027-06-30")
    assert "已为您提交房屋认证申请" in reply and "物业服务中心会尽快核实" in reply
    drain(desk)
    [row] = rows(desk, ResidentHouse, via="approval")
    return row


def request_message(fake_telegram, row):
    return next(m for m in fake_telegram.sent_to(STAFF_CHAT) if f"#{row.id}" in m.get("text", ""))


def press(staffed, fake_telegram, row, user_id, verdict):
    update = fake_telegram.callback_update(STAFF_CHAT, user_id, request_message(fake_telegram, row),
                                           f"b:{row.id}:{verdict}")
    assert push(staffed, update).status_code == 200


def answers(fake_telegram):
    return [c["text"] for c in fake_telegram.calls_of("answerCallbackQuery")]


def wechat_texts(fake_wechat):
    return [m["content"] for m in fake_wechat.sent_to(RELATIVE)]


def test_a_request_reaches_the_estates_group_with_masked_details(desk, relative, fake_telegram):
    row = request_binding(relative, desk)
    assert (row.state, row.role, row.via, row.request_chat_id) == ("pending", "family", "approval", STAFF_CHAT)
    assert row.deadline_at > row.requested_at
    message = request_message(fake_telegram, row)
    text = message["text"]
    assert "锦绣花园3栋2单元1201" in text and "家属" in text
    assert "137****1234" in text and "13700001234" not in text  # 保守业主隐私
    assert "李*" in text and "李四" not in text and "139****1111" in text
    labels = [b["text"] for line in message["reply_markup"]["inline_keyboard"] for b in line]
    assert labels == ["通过", "不通过"]


def test_approved_the_resident_is_bound_and_told(staffed, desk, relative, fake_telegram, fake_wechat):
    row = request_binding(relative, desk)
    press(staffed, fake_telegram, row, ZHANG, "ok")
    drain(desk)
    [row] = rows(desk, ResidentHouse)
    assert (row.state, row.decided_by) == ("active", "staff:1:张师傅")
    assert any("申请已通过" in text and "家属" in text for text in wechat_texts(fake_wechat))
    assert "已通过，已通知住户。" in answers(fake_telegram)
    assert any(f"#{row.id} 已通过（张师傅）" in m.get("text", "") for m in fake_telegram.sent_to(STAFF_CHAT))
    # bound now: a repair needs no address
    assert "3栋2单元1201" in relative.say("厨房水龙头漏水了，随时可以来")


def test_refused_the_resident_is_told_politely_and_a_second_press_changes_nothing(
        staffed, desk, relative, fake_telegram, fake_wechat):
    row = request_binding(relative, desk)
    press(staffed, fake_telegram, row, LI, "no")
    drain(desk)
    press(staffed, fake_telegram, row, ZHANG, "ok")
    drain(desk)
    [row] = rows(desk, ResidentHouse)
    assert (row.state, row.decided_by) == ("refused", "staff:2:李师傅")
    [told] = [text for text in wechat_texts(fake_wechat) if "未能核实通过" in text]
    assert "非常抱歉" in told and "物业服务中心办理" in told
    assert "该申请已处理（未通过，李师傅）。" in answers(fake_telegram)
    reply = relative.say("厨房水龙头漏水了")  # not bound: the place is asked (with several estates, which first)
    assert "请问需要上门的地址" in reply or "哪个小区" in reply
    assert desk.etiquette.check(told).allowed


def test_only_staff_of_the_estate_may_decide(staffed, desk, relative, fake_telegram):
    row = request_binding(relative, desk)
    press(staffed, fake_telegram, row, STRANGER, "ok")
    drain(desk)
    assert rows(desk, ResidentHouse)[0].state == "pending"
    assert any("无权限" in text for text in answers(fake_telegram))


def test_a_tenant_gives_the_end_of_the_tenancy(desk, relative):
    row = request_binding(relative, desk, role="3")
    assert (row.role, str(row.tenant_until)) == ("tenant", "2027-06-30")


def test_the_deadline_tells_the_resident_the_group_and_the_managers(
        make_app, fake_telegram, fake_wechat, staffed, relative):
    desk = staffed.extensions["wuye"]
    desk.config["BINDING_REVIEW_MINUTES"] = 0.01  # due in 0.6 s: the real worker's scheduler fires it
    row = request_binding(relative, desk)
    drain(desk, lookahead=2.0)
    [row] = rows(desk, ResidentHouse)
    assert (row.state, row.overdue) == ("pending", True)  # still open: nothing is dropped (首位责任制)
    assert any("还在核实中" in text and "主管跟进" in text for text in wechat_texts(fake_wechat))
    for chat in (STAFF_CHAT, MANAGERS_CHAT):
        assert any(f"#{row.id}" in m.get("text", "") and "超过处理时限" in m.get("text", "")
                   for m in fake_telegram.sent_to(chat))
    # the buttons still work after the deadline
    press(staffed, fake_telegram, row, WANG, "ok")
    drain(desk)
    assert rows(desk, ResidentHouse)[0].state == "active"


def test_a_request_decided_in_time_ignores_its_deadline(staffed, desk, relative, fake_telegram):
    row = request_binding(relative, desk)
    press(staffed, fake_telegram, row, ZHANG, "ok")
    drain(desk)
    assert deadline.overdue(desk, row.id) == "nothing to do (active)"
    assert not rows(desk, ResidentHouse)[0].overdue


def test_a_worker_start_recreates_a_lost_deadline_job(desk, relative):
    row = request_binding(relative, desk)
    desk.jobs.connection.flushdb()
    assert not Job.exists(f"binding-{row.id}", connection=desk.jobs.connection)
    assert deadline.restore(desk) == 1
    assert Job.exists(f"binding-{row.id}", connection=desk.jobs.connection)
    assert deadline.restore(desk) == 0


def test_a_deadline_not_yet_due_waits_under_an_id_of_its_own(desk, relative):
    # the job fired early (its deadline was moved on): the next check gets an id of its own per deadline,
    # since the id of the job running now expires with its result once it finishes
    row = request_binding(relative, desk)
    assert deadline.overdue(desk, row.id) == "not yet due"
    again = f"binding-{row.id}-{row.deadline_at:%Y%m%d%H%M%S}"
    assert Job.exists(again, connection=desk.jobs.connection)
    assert not rows(desk, ResidentHouse)[0].overdue
