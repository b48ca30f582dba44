"""Follow-up callbacks (回访), managers' figures, the daily digest and etiquette escalations."""
from __future__ import annotations

import time

import pytest

from handlers.tickets import digest
from handlers.tickets.followup import understand
from storage.models import Alert, PhoneTask, TicketEvent, utcnow

from ..conftest import ADMIN_TOKEN, WeChatUser, rows
from ..staffing import STAFF_CHAT, ZHANG, push, register_staff, settings, ticket
from ..staffing import drain as _drain

MANAGERS = -1002000000002


def drain(desk):
    """Run what is due now, not the follow-up steps a second away (the tests wait for those)."""
    _drain(desk, lookahead=0)
RESIDENT = "o_resident_followup_0001"
SECOND = 1 / 60


@pytest.mark.parametrize("text,rating,fixed", [
    ("5", 5, True), ("4分", 4, True), ("3", 3, True), ("满意", 4, True), ("非常满意 谢谢师傅", 5, True),
    ("挺好的", 4, True), ("基本满意", 3, True), ("还行吧", 3, True), ("不满意", 1, True), ("很差", 1, True),
    ("还是漏水", 1, False), ("没修好 又坏了", 1, False), ("还是不行", 2, False), ("还是没电", 1, False),
    ("不行，灯还是不亮", 2, False), ("2分 态度不好", 2, True), ("五星好评", 5, True),
])
def test_survey_answers_are_understood_in_free_text(text, rating, fixed):
    answer = understand(text)
    assert answer is not None and answer.rating == rating and answer.fixed is fixed


@pytest.mark.parametrize("text", ["请问物业费怎么交", "3栋2单元1201 门锁坏了", "你好"])
def test_other_messages_are_not_survey_answers(text):
    assert understand(text) is None


@pytest.fixture
def build(make_app, fake_telegram, fake_wechat):
    def make(**extra):
        base = {"FOLLOWUP_DELAY_MINUTES": 2 * SECOND, "TELEGRAM_MANAGER_CHAT_IDS": str(MANAGERS)}
        app = make_app(**settings(fake_telegram, fake_wechat, **{**base, **extra}))
        register_staff(app.extensions["wuye"])
        return app, app.extensions["wuye"], WeChatUser(app.test_client(), RESIDENT)
    return make


def _finish(app, desk, fake_telegram, user, text="3栋2单元1201 厨房水管漏水 电话13812345678 随时"):
    """A repair reported, accepted and done by 张师傅; returns the ticket."""
    user.say(text)
    drain(desk)
    t = ticket(desk)
    for action in ("accept", "done"):
        card = fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]
        push(app, fake_telegram.callback_update(STAFF_CHAT, ZHANG, card, f"t:{t.id}:{action}"))
        drain(desk)
    return ticket(desk)


def _survey(desk, fake_wechat):
    time.sleep(2.2)
    drain(desk)
    return [m for m in fake_wechat.sent_to(RESIDENT) if "打个分" in m.get("content", "")]


def test_done_brings_a_survey_and_a_good_answer_closes_the_ticket(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    t = _finish(app, desk, fake_telegram, user)
    [survey] = _survey(desk, fake_wechat)
    assert t.code in survey["content"] and "满意" in survey["content"]
    reply = user.say("挺好的 谢谢师傅")
    assert "感谢" in reply
    drain(desk)
    t = ticket(desk)
    assert (t.status, t.rating, t.followup_status) == ("closed", 4, "answered")
    assert "已办结" in fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]["text"]


def test_still_broken_reopens_and_tells_staff_and_managers(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    _finish(app, desk, fake_telegram, user)
    _survey(desk, fake_wechat)
    reply = user.say("还是漏水 根本没修好")
    assert "抱歉" in reply and "重新安排" in reply
    drain(desk)
    t = ticket(desk)
    assert t.status == "reopened" and t.escalated
    assert any("重新打开" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))
    [alert] = fake_telegram.sent_to(MANAGERS)
    assert "仍未解决" in alert["text"] and "还是漏水" in alert["text"] and "张师傅" in alert["text"]
    assert {"accept_due", "arrive_due"} <= {x.kind for x in rows(desk, __import__("storage.models").models.Timer,
                                                                    ticket_id=t.id, status="pending")}


def test_the_reopened_notice_masks_the_phone_and_name_the_resident_gives(build, fake_telegram, fake_wechat):
    """The survey answer from issue 11 item 3: the staff group's notice must not carry the number."""
    app, desk, user = build()
    _finish(app, desk, fake_telegram, user)
    _survey(desk, fake_wechat)
    user.say("不满意，还是漏水，麻烦师傅再来看看，我叫王小明，我电话139 1234 5678")
    drain(desk)
    [notice] = [m["text"] for m in fake_telegram.sent_to(STAFF_CHAT) if "重新打开" in m.get("text", "")]
    assert "回访反映问题仍未解决，已重新打开" in notice and "回访回访" not in notice
    assert "139****5678" in notice and "王**" in notice
    for message in fake_telegram.sent_to(STAFF_CHAT) + fake_telegram.sent_to(MANAGERS):
        assert "1234 5678" not in message.get("text", "") and "王小明" not in message.get("text", "")


def test_a_low_rating_reopens_as_dissatisfied(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    _finish(app, desk, fake_telegram, user)
    _survey(desk, fake_wechat)
    user.say("2")
    drain(desk)
    t = ticket(desk)
    assert t.status == "reopened" and t.rating == 2
    assert "回访不满意" in fake_telegram.sent_to(MANAGERS)[0]["text"]


def test_no_answer_gets_one_reminder_then_a_phone_task(build, fake_telegram, fake_wechat):
    app, desk, user = build(FOLLOWUP_REMINDER_MINUTES=3 * SECOND, FOLLOWUP_PHONE_MINUTES=6 * SECOND)
    _finish(app, desk, fake_telegram, user)
    assert len(_survey(desk, fake_wechat)) == 1
    time.sleep(3.1)
    drain(desk)
    surveys = [m for m in fake_wechat.sent_to(RESIDENT) if "打个分" in m["content"]]
    assert len(surveys) == 2 and surveys[1]["content"].startswith("您好，打扰了")
    time.sleep(3.1)
    drain(desk)
    [task] = rows(desk, PhoneTask)
    assert task.reason == "followup_call" and ticket(desk).followup_status == "phone"
    assert any("电话回访" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))
    time.sleep(1.1)
    drain(desk)
    assert len([m for m in fake_wechat.sent_to(RESIDENT) if "打个分" in m["content"]]) == 2  # nothing more


def test_outside_the_window_the_survey_becomes_a_phone_task(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    t = _finish(app, desk, fake_telegram, user)
    fake_wechat.outside_window(RESIDENT)
    assert _survey(desk, fake_wechat) == []
    [task] = rows(desk, PhoneTask)
    assert task.reason == "followup_call" and task.ticket_id == t.id
    assert ticket(desk).followup_status == "phone"


def test_outside_the_window_the_survey_goes_as_a_template(build, fake_telegram, fake_wechat):
    app, desk, user = build(WECHAT_TEMPLATE_ID="TPL-SURVEY")
    _finish(app, desk, fake_telegram, user)
    fake_wechat.outside_window(RESIDENT)
    time.sleep(2.2)
    drain(desk)
    [message] = fake_wechat.sent_to(RESIDENT)[-1:]
    assert message["kind"] == "template" and message["template_id"] == "TPL-SURVEY"
    assert rows(desk, PhoneTask) == []


def test_a_complaint_is_followed_up_too(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    t = _finish(app, desk, fake_telegram, user, "楼上天天半夜装修 吵得睡不着")
    [survey] = _survey(desk, fake_wechat)
    assert "反映的问题" in survey["content"] and t.code in survey["content"]


def test_managers_figures(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    _finish(app, desk, fake_telegram, user)
    _survey(desk, fake_wechat)
    user.say("5")
    other = WeChatUser(app.test_client(), "o_resident_followup_0002")
    _finish(app, desk, fake_telegram, other, "6栋1单元502 卧室灯不亮 电话13900001111 随时")
    time.sleep(2.2)
    drain(desk)
    other.say("不满意")
    figures = app.test_client().get("/api/reports", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).get_json()
    assert figures["tickets"] == {"repair": 2}
    assert figures["callback_coverage"] == 1.0 and figures["followed_up"] == 2
    assert figures["satisfaction_rate"] == 0.5 and figures["rated"] == 2
    assert figures["deadline_compliance"]["repair"] == 1.0
    assert figures["deadline_compliance_by_staff"]["张师傅"]["tickets"] == 2
    bad = app.test_client().get("/api/reports?from=2026-12-01&to=2026-11-01",
                                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert bad.status_code == 400


def test_the_daily_digest_reaches_the_managers_and_schedules_the_next(build, fake_telegram, fake_wechat):
    app, desk, user = build()
    desk_clock = desk.clock
    desk.clock = lambda: desk_clock() + __import__("datetime").timedelta(days=1)  # "tomorrow morning"
    try:
        result = digest.send(desk)
    finally:
        desk.clock = desk_clock
    drain(desk)
    [message] = fake_telegram.sent_to(MANAGERS)
    assert message["text"].startswith("📊 物业服务日报") and "满意率" in message["text"] and "回访率" in message["text"]
    assert "to 2 chats" in result  # the managers' group and 王经理
    scheduled = desk.jobs.queue.scheduled_job_registry.get_job_ids()
    assert any(job.startswith("digest-") for job in scheduled)


def test_repeated_etiquette_violations_alert_the_managers_once(build, fake_telegram, fake_wechat):
    app, desk, user = build(ETIQUETTE_ALERT_COUNT=3)
    user.say("3栋2单元1201 厨房水管漏水 电话13812345678 随时")
    drain(desk)
    t = ticket(desk)
    card = fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]
    for text in ("不知道", "没空，等着吧", "这事跟我们没关系", "爱咋咋地"):
        push(app, fake_telegram.message_update(STAFF_CHAT, ZHANG, text, reply_to=card))
        drain(desk)
    alerts = [m for m in fake_telegram.sent_to(MANAGERS) if "服务禁用语" in m["text"]]
    assert len(alerts) == 1 and "张师傅" in alerts[0]["text"]
    assert [a.reason for a in rows(desk, Alert)] == ["etiquette"]
    assert fake_wechat.sent_to(RESIDENT) == []
