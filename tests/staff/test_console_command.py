"""/console: the bot sends a manager or supervisor a one-time sign-in link in a private chat.

Through the real webhook, the real worker and python-telegram-bot talking to the fake Bot API; the
link it sends is then opened with the console's test client, as the manager's browser would.
"""
from __future__ import annotations

import re

import pytest

from ..console.conftest import csrf_token
from ..staffing import STAFF_CHAT, WANG, ZHANG, drain, push, register_staff, settings


@pytest.fixture
def staffed(make_app, fake_telegram, fake_wechat):
    app = make_app(**settings(fake_telegram, fake_wechat, CONSOLE_BASE_URL="https://wuye.example.com"))
    register_staff(app.extensions["wuye"])
    return app


def ask(app, fake_telegram, chat_id, user_id, chat_type=None) -> str:
    """Send /console from user_id in chat_id; the bot's answer in that chat."""
    update = fake_telegram.message_update(chat_id, user_id, "/console", chat_type=chat_type)
    assert push(app, update).status_code == 200
    drain(app.extensions["wuye"])
    return fake_telegram.sent_to(chat_id)[-1]["text"]


def test_a_manager_gets_a_link_in_private_that_signs_in_once(staffed, fake_telegram):
    answer = ask(staffed, fake_telegram, WANG, WANG, chat_type="private")
    link = re.search(r"https://wuye\.example\.com(/login/\S+)", answer).group(1)
    assert "分钟内有效" in answer
    client = staffed.test_client()
    page = client.get(link)
    signed_in = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert staffed.test_client().get(link).status_code == 410  # used: nobody else gets in with it


def test_in_a_group_the_link_is_not_sent(staffed, fake_telegram):
    answer = ask(staffed, fake_telegram, STAFF_CHAT, WANG)
    assert "私聊" in answer and "/login/" not in answer


def test_staff_without_console_rights_are_told_politely(staffed, fake_telegram):
    answer = ask(staffed, fake_telegram, ZHANG, ZHANG, chat_type="private")
    assert "项目经理" in answer and "/login/" not in answer


def test_help_mentions_the_command(staffed, fake_telegram):
    update = fake_telegram.message_update(STAFF_CHAT, ZHANG, "/help")
    push(staffed, update)
    drain(staffed.extensions["wuye"])
    assert "/console" in fake_telegram.sent_to(STAFF_CHAT)[-1]["text"]
