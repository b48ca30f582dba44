"""Staff in Telegram: cards, buttons, permissions, replies through the etiquette filter, delivery.

python-telegram-bot and wechatpy talk to local fake Bot API and WeChat API servers (tests/fakes).
"""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from storage.db import session_scope
from storage.models import EtiquetteViolation, OutboxMessage, PhoneTask, Staff, TicketEvent

from ..conftest import WeChatUser, rows
from ..staffing import HOOK_SECRET, LI, OTHER_CHAT, STAFF_CHAT, STRANGER, WANG, ZHANG, drain, push, \
    register_staff, settings, ticket

RESIDENT = "o_resident_staff_0001"
FULL_PHONE = "13812345678"


@pytest.fixture
def staffed(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat))
    desk = app.extensions["wuye"]
    register_staff(desk)
    return app


@pytest.fixture
def desk(staffed):
    return staffed.extensions["wuye"]


@pytest.fixture
def opened(staffed, desk, fake_telegram):
    """A repair reported by a resident, its card posted to the staff group."""
    user = WeChatUser(staffed.test_client(), RESIDENT)
    user.say(f"3栋2单元1201 厨房水管漏水 电话{FULL_PHONE} 随时都可以")
    drain(desk)
    return ticket(desk)


def card_of(fake_telegram, t):
    return fake_telegram.messages[(STAFF_CHAT, t.card_message_id)]


def press(app, fake_telegram, t, user_id, action):
    update = fake_telegram.callback_update(STAFF_CHAT, user_id, card_of(fake_telegram, t), f"t:{t.id}:{action}")
    assert push(app, update).status_code == 200
    return update


def answers(fake_telegram):
    return [c["text"] for c in fake_telegram.calls_of("answerCallbackQuery")]


def group_texts(fake_telegram):
    return [m.get("text", "") for (chat, _), m in fake_telegram.messages.items() if chat < 0]


def test_a_new_ticket_posts_a_card_with_a_masked_phone(opened, fake_telegram):
    card = card_of(fake_telegram, opened)
    text = card["text"]
    assert opened.code in text and "报修" in text and "3栋2单元1201" in text and "厨房水管漏水" in text
    assert "138****5678" in text and FULL_PHONE not in text
    assert "时限" in text
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["接单", "转派"]


def test_an_urgent_ticket_is_unmistakable(staffed, desk, fake_telegram):
    WeChatUser(staffed.test_client(), RESIDENT).say("救命 5栋2单元电梯困人了 电话13812345678")
    drain(desk)
    t = ticket(desk)
    assert card_of(fake_telegram, t)["text"].startswith("🚨【紧急】")


def test_accept_arrive_done_edit_the_card_and_are_recorded(staffed, desk, opened, fake_telegram, fake_wechat):
    press(staffed, fake_telegram, opened, ZHANG, "accept")
    drain(desk)
    assert "已接单（张师傅）" in card_of(fake_telegram, opened)["text"]
    assert "接单成功" in answers(fake_telegram)[-1]
    assert "张师傅" in fake_wechat.sent_to(RESIDENT)[-1]["content"]  # the resident is told who comes
    press(staffed, fake_telegram, opened, ZHANG, "arrive")
    drain(desk)
    assert "已到场" in card_of(fake_telegram, opened)["text"]
    press(staffed, fake_telegram, opened, ZHANG, "done")
    drain(desk)
    card = card_of(fake_telegram, opened)
    assert "已完成" in card["text"] and not card.get("reply_markup", {}).get("inline_keyboard")
    events = [(e.action, e.actor) for e in rows(desk, TicketEvent) if e.actor.startswith("staff:")]
    assert [a for a, _ in events] == ["accepted", "arrived", "done"]
    assert all("张师傅" in actor for _, actor in events)
    assert ticket(desk).status == "done"


def test_someone_not_registered_gets_no_permission_and_nothing_changes(staffed, desk, opened, fake_telegram):
    press(staffed, fake_telegram, opened, STRANGER, "accept")
    drain(desk)
    assert "无权限" in answers(fake_telegram)[-1]
    assert ticket(desk).status == "new" and ticket(desk).assignee_id is None


def test_a_chat_that_is_not_a_staff_group_is_refused(staffed, desk, opened, fake_telegram):
    update = fake_telegram.message_update(OTHER_CHAT, ZHANG, "/open")
    push(staffed, update)
    drain(desk)
    assert "未登记为物业员工群" in fake_telegram.sent_to(OTHER_CHAT)[-1]["text"]
    # a forged button on a bot message in the other chat
    foreign = fake_telegram.callback_update(OTHER_CHAT, ZHANG, fake_telegram.sent_to(OTHER_CHAT)[-1],
                                            f"t:{opened.id}:accept")
    push(staffed, foreign)
    drain(desk)
    assert ticket(desk).status == "new"


def test_staff_of_another_group_may_not_act_here(staffed, desk, opened, fake_telegram):
    with session_scope(desk.sessions) as session:
        from storage.models import Staff
        session.add(Staff(telegram_user_id=5555, name="赵保安", role="staff", groups=[-1007777]))
    press(staffed, fake_telegram, opened, 5555, "accept")
    drain(desk)
    assert "无权限" in answers(fake_telegram)[-1] and ticket(desk).status == "new"


def test_two_people_accepting_at_once_exactly_one_wins(staffed, desk, opened, fake_telegram):
    updates = [fake_telegram.callback_update(STAFF_CHAT, who, card_of(fake_telegram, opened), f"t:{opened.id}:accept")
               for who in (ZHANG, LI)]
    barrier = threading.Barrier(2)

    def go(update):
        barrier.wait()
        push(staffed, update)

    threads = [threading.Thread(target=go, args=(u,)) for u in updates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drain(desk)
    winner = ticket(desk).assignee_id
    assert winner is not None
    texts = answers(fake_telegram)
    assert sum("接单成功" in t for t in texts) == 1
    assert sum("已被接单" in t for t in texts) == 1
    assert [e.action for e in rows(desk, TicketEvent)].count("accepted") == 1


def test_only_the_assignee_can_report_progress(staffed, desk, opened, fake_telegram):
    press(staffed, fake_telegram, opened, ZHANG, "accept")
    press(staffed, fake_telegram, opened, LI, "done")
    drain(desk)
    assert "只有接单人" in answers(fake_telegram)[-1] and ticket(desk).status == "accepted"
    press(staffed, fake_telegram, opened, WANG, "done")  # a manager may
    drain(desk)
    assert ticket(desk).status == "done"


def test_hand_over_to_a_colleague(staffed, desk, opened, fake_telegram):
    press(staffed, fake_telegram, opened, ZHANG, "accept")
    press(staffed, fake_telegram, opened, ZHANG, "transfer")
    drain(desk)
    chooser = next(m for m in fake_telegram.sent_to(STAFF_CHAT) if "请选择同事" in m["text"])
    buttons = {b["text"]: b["callback_data"] for row in chooser["reply_markup"]["inline_keyboard"] for b in row}
    assert set(buttons) == {"李师傅", "王经理"}
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, ZHANG, chooser, buttons["李师傅"]))
    drain(desk)
    t = ticket(desk)
    assert t.assignee_id == next(s.id for s in rows(desk, Staff) if s.name == "李师傅")
    assert "已接单（李师傅）" in card_of(fake_telegram, t)["text"]
    transferred = [e for e in rows(desk, TicketEvent) if e.action == "transferred"]
    assert transferred[0].detail == {"from": "张师傅", "to": "李师傅"}


def test_the_full_phone_only_for_the_assignee_and_never_in_the_group(staffed, desk, opened, fake_telegram):
    press(staffed, fake_telegram, opened, LI, "phone")
    drain(desk)
    assert FULL_PHONE not in answers(fake_telegram)[-1]
    press(staffed, fake_telegram, opened, ZHANG, "accept")
    press(staffed, fake_telegram, opened, ZHANG, "phone")
    drain(desk)
    reveal = fake_telegram.calls_of("answerCallbackQuery")[-1]
    assert FULL_PHONE in reveal["text"] and reveal.get("show_alert") is True
    assert "phone_revealed" in [e.action for e in rows(desk, TicketEvent)]
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, f"/ticket {opened.code}"))
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/open"))
    drain(desk)
    assert not any(FULL_PHONE in text for text in group_texts(fake_telegram))


def test_a_polite_reply_to_the_card_reaches_the_resident(staffed, desk, opened, fake_telegram, fake_wechat):
    card = card_of(fake_telegram, opened)
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "您好，师傅下午三点上门，请您家里留人，谢谢您的配合",
                                               reply_to=card))
    drain(desk)
    [message] = fake_wechat.sent_to(RESIDENT)
    assert message["content"] == f"【{opened.code}】您好，师傅下午三点上门，请您家里留人，谢谢您的配合"
    assert any(m["text"].startswith("✅ 已送达住户") for m in fake_telegram.sent_to(STAFF_CHAT))
    assert "staff_reply" in [e.action for e in rows(desk, TicketEvent)]


def test_a_rude_reply_is_stopped_and_a_polite_rewrite_offered(staffed, desk, opened, fake_telegram, fake_wechat):
    card = card_of(fake_telegram, opened)
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "这个不归我们管，你自己找开发商去", reply_to=card))
    drain(desk)
    assert fake_wechat.sent_to(RESIDENT) == []
    warning = next(m for m in fake_telegram.sent_to(STAFF_CHAT) if "禁用语" in m["text"])
    [violation] = rows(desk, EtiquetteViolation)[:1]
    assert violation.ticket_id == opened.id and violation.category
    button = warning["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "改用此回复发送"
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, LI, warning, button["callback_data"]))
    drain(desk)
    assert fake_wechat.sent_to(RESIDENT) == []  # only the author (or a manager) may send it
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, ZHANG, warning, button["callback_data"]))
    drain(desk)
    [sent] = fake_wechat.sent_to(RESIDENT)
    suggestion = sent["content"].split("】", 1)[1]
    assert desk.etiquette.check(suggestion).allowed
    push(staffed, fake_telegram.callback_update(STAFF_CHAT, ZHANG, warning, button["callback_data"]))
    drain(desk)
    assert len(fake_wechat.sent_to(RESIDENT)) == 1  # never twice


def test_reply_command(staffed, desk, opened, fake_telegram, fake_wechat):
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, f"/reply {opened.code} 您好，已安排师傅，请稍候"))
    drain(desk)
    assert fake_wechat.sent_to(RESIDENT)[-1]["content"].endswith("您好，已安排师傅，请稍候")


def test_commands_list_and_explain(staffed, desk, opened, fake_telegram):
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/open"))
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/mine"))
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, f"/ticket {opened.code}"))
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/help"))
    drain(desk)
    texts = [m["text"] for m in fake_telegram.sent_to(STAFF_CHAT)][-4:]
    assert opened.code in texts[0]
    assert "没有负责中" in texts[1]
    assert "处理记录" in texts[2] and "提交" in texts[2]
    assert "/reply" in texts[3]


def test_the_webhook_needs_the_secret(staffed, desk, opened, fake_telegram):
    update = fake_telegram.callback_update(STAFF_CHAT, ZHANG, card_of(fake_telegram, opened), f"t:{opened.id}:accept")
    assert push(staffed, update, secret=None).status_code == 403
    assert push(staffed, update, secret="wrong").status_code == 403
    assert ticket(desk).status == "new"


def test_a_redelivered_update_is_handled_once(staffed, desk, opened, fake_telegram, fake_wechat):
    card = card_of(fake_telegram, opened)
    update = fake_telegram.message_update(STAFF_CHAT, ZHANG, "您好，师傅马上到", reply_to=card)
    push(staffed, update)
    push(staffed, update)
    drain(desk)
    assert len(fake_wechat.sent_to(RESIDENT)) == 1


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"no_update_id": 1}'])
def test_bad_webhook_bodies_are_refused(staffed, body):
    response = staffed.test_client().post("/telegram/webhook", data=body, content_type="application/json",
                                          headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET})
    assert response.status_code == 400


def _reply(staffed, fake_telegram, t, text="您好，师傅马上到"):
    push(staffed, fake_telegram.message_update(STAFF_CHAT, ZHANG, text, reply_to=card_of(fake_telegram, t)))


def test_an_expired_token_is_refreshed_and_the_message_sent_once(staffed, desk, opened, fake_telegram, fake_wechat):
    _reply(staffed, fake_telegram, opened)
    drain(desk)
    fetched = fake_wechat.token_fetches
    fake_wechat.expire_tokens()
    _reply(staffed, fake_telegram, opened, "您好，请问现在方便开门吗")
    drain(desk)
    assert fake_wechat.token_fetches == fetched + 1
    assert [m["content"].split("】")[1] for m in fake_wechat.sent_to(RESIDENT)] == ["您好，师傅马上到", "您好，请问现在方便开门吗"]


def test_outside_the_48_hour_window_without_a_template_a_phone_task(staffed, desk, opened, fake_telegram, fake_wechat):
    fake_wechat.outside_window(RESIDENT)
    _reply(staffed, fake_telegram, opened)
    drain(desk)
    assert fake_wechat.sent_to(RESIDENT) == []
    [task] = rows(desk, PhoneTask)
    assert task.ticket_id == opened.id and task.reason == "outside_48h"
    assert any("电话" in m["text"] and opened.code in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))


def test_outside_the_48_hour_window_with_a_template(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, WECHAT_TEMPLATE_ID="TPL-REPLY-1"))
    desk = app.extensions["wuye"]
    register_staff(desk)
    WeChatUser(app.test_client(), RESIDENT).say(f"3栋2单元1201 厨房水管漏水 电话{FULL_PHONE} 随时都可以")
    drain(desk)
    fake_wechat.outside_window(RESIDENT)
    _reply(app, fake_telegram, ticket(desk))
    drain(desk)
    [message] = fake_wechat.sent_to(RESIDENT)
    assert message["kind"] == "template" and message["template_id"] == "TPL-REPLY-1"
    assert rows(desk, PhoneTask) == []


def test_wechat_down_then_up_delivers_exactly_once(staffed, desk, opened, fake_telegram, fake_wechat):
    fake_wechat.down = True
    _reply(staffed, fake_telegram, opened)
    drain(desk)
    [row] = [r for r in rows(desk, OutboxMessage) if r.channel == "wechat" and r.ticket_id == opened.id
             and "马上到" in r.payload["content"]]
    assert row.status == "failed" and row.attempts == 4  # the first try and three retries
    assert any("发送失败" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))
    fake_wechat.down = False
    _reply(staffed, fake_telegram, opened, "您好，师傅十分钟后到")
    drain(desk)
    assert [m["content"].endswith("师傅十分钟后到") for m in fake_wechat.sent_to(RESIDENT)] == [True]


def test_wechat_briefly_down_is_retried_and_delivered_once(staffed, desk, opened, fake_telegram, fake_wechat):
    fake_wechat.fail_next("message/custom/send", -1, "system error", times=2)
    _reply(staffed, fake_telegram, opened)
    drain(desk)
    assert len(fake_wechat.sent_to(RESIDENT)) == 1
    row = next(r for r in rows(desk, OutboxMessage) if r.channel == "wechat")
    assert row.status == "sent" and row.attempts == 3


def test_telegram_rate_limit_answers_are_waited_out(staffed, desk, fake_telegram):
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    WeChatUser(staffed.test_client(), RESIDENT).say("3栋2单元1201 卧室灯不亮 电话13812345678 随时")
    drain(desk, lookahead=2)  # the wait of 1 s is scheduled at a whole second, rounded up
    t = ticket(desk)
    assert t.card_message_id is not None
    assert len(fake_telegram.calls_of("sendMessage")) == 2


def test_sending_respects_the_group_rate(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_GROUP_RATE_PER_MINUTE=600))  # one per 100 ms
    desk = app.extensions["wuye"]
    register_staff(desk)
    for i in range(8):
        push(app, fake_telegram.message_update(STAFF_CHAT, ZHANG, "/help"))
    drain(desk, lookahead=2)  # rate-limit waits are scheduled at whole seconds, rounded up
    times = fake_telegram.call_times("sendMessage", STAFF_CHAT)
    assert len(times) == 8
    # the limiter lets a burst of two through, then spaces the other six 100 ms apart
    assert times[-1] - times[0] >= 0.5


def test_staff_cli_add_list_remove(staffed, monkeypatch, database_url, redis_url, nlu_var_dir):
    from click.testing import CliRunner

    from app import cli
    for name, value in {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "VAR_DIR": str(nlu_var_dir)}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(cli, ["staff", "add", "777", "孙保洁", "--group", str(STAFF_CHAT)]).exit_code == 0
    listing = runner.invoke(cli, ["staff", "list"]).output
    assert re.search(r"777\s+孙保洁\s+staff", listing)
    assert runner.invoke(cli, ["staff", "remove", "777"]).exit_code == 0
    assert "(removed)" in runner.invoke(cli, ["staff", "list"]).output
    assert runner.invoke(cli, ["staff", "remove", "778"]).exit_code != 0
