"""Telegram updates (captured Bot API payloads in tests/fixtures/telegram) as neutral staff actions."""
from __future__ import annotations

import pytest

from bot.telegram.updates import to_action
from handlers.notices import GIVE

from .. import fixtures


def test_a_reply_to_a_card_names_the_card_it_replies_to():
    action = to_action(fixtures.telegram("reply_to_card"))
    assert (action.kind, action.update_id, action.chat_id, action.chat_private) == \
        ("message", 837261501, -1001000000001, False)
    assert (action.user_id, action.user_name) == (1001, "张师傅")
    assert action.text == "您好，师傅下午三点上门，请您家里留人"
    assert (action.message, action.replying_to) == (2291, 2288)
    assert action.button is None and action.press is None


def test_a_command_addressed_to_this_bot_is_split_into_command_and_arguments():
    action = to_action(fixtures.telegram("command_in_group"), bot_username="wuye_test_bot")
    assert (action.kind, action.command, action.args) == ("command", "reply", "BX-20251125-0001 您好，已安排师傅")


def test_a_command_for_another_bot_in_the_group_is_not_for_the_desk():
    assert to_action(fixtures.telegram("command_for_another_bot"), bot_username="wuye_test_bot") is None


def test_a_private_message_is_trimmed_and_marked_private():
    action = to_action(fixtures.telegram("private_message"))
    assert (action.kind, action.chat_private, action.text, action.user_name) == ("message", True, "你好", "王 经理")


def test_a_press_carries_the_decoded_button_and_what_answers_it():
    action = to_action(fixtures.telegram("press_accept"))
    assert (action.kind, action.chat_id, action.user_id, action.message) == ("button", -1001000000001, 1001, 2288)
    assert (action.button.action, action.button.target) == ("accept", 12)
    assert action.press == "4382716530198273645"


def test_a_hand_over_press_names_the_colleague():
    button = to_action(fixtures.telegram("press_hand_over")).button
    assert (button.action, button.target, button.arg) == (GIVE, 12, 2)


def test_a_press_of_a_button_the_desk_no_longer_knows_still_arrives_without_a_button():
    action = to_action(fixtures.telegram("press_unknown"))
    assert action.kind == "button" and action.button is None and action.press  # answered with 这个按钮已失效


def test_an_edited_reply_is_marked_as_an_edit():
    action = to_action(fixtures.telegram("edited_message"))
    assert (action.kind, action.text, action.replying_to, action.edited) == ("message", "您好，师傅下午四点上门", 2288, True)


@pytest.mark.parametrize("name", ["photo_without_caption", "bot_added_to_group"])
def test_updates_without_words_or_buttons_are_not_for_the_desk(name):
    assert to_action(fixtures.telegram(name)) is None
