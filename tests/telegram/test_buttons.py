"""The button codec: neutral buttons to Telegram callback data and back, in the first version's wire format."""
from __future__ import annotations

import pytest

from bot.telegram.buttons import decode, encode, markup
from handlers.notices import ENCODED, GIVE, HISTORY, TAKE_OVER, USE_SUGGESTION, Button


@pytest.mark.parametrize("button,data", [
    (Button("接单", "accept", 12), "t:12:accept"),
    (Button("已到场", "arrive", 12), "t:12:arrive"),
    (Button("已完成", "done", 12), "t:12:done"),
    (Button("转派", "transfer", 12), "t:12:transfer"),
    (Button("查看电话", "phone", 12), "t:12:phone"),
    (Button("李师傅", GIVE, 12, 3), "g:12:3"),
    (Button("改用此回复发送", USE_SUGGESTION, 99), "r:99"),
    (Button("查看处理记录", HISTORY, 12), "h:12"),
    (Button("我来接手", TAKE_OVER, 12), "k:12"),
])
def test_every_button_round_trips_through_the_wire_format(button, data):
    assert encode(button) == data
    pressed = decode(data)
    assert (pressed.action, pressed.target, pressed.arg) == (button.action, button.target, button.arg)
    assert len(data.encode()) <= 64  # Telegram's limit for callback data


@pytest.mark.parametrize("data", ["", "x:1", "t:1", "t:1:explode", "t:x:accept", "g:1", "g:1:abc", "accept",
                                  "t:1:accept:2", "h:-1"])
def test_data_the_desk_does_not_know_decodes_to_nothing(data):
    assert decode(data) is None


def test_buttons_of_rows_written_before_are_passed_on_unchanged():
    old = Button.from_json(["接单", "t:5:accept"])
    assert old.action == ENCODED and encode(old) == "t:5:accept"
    assert Button.from_json(Button("我来接手", TAKE_OVER, 5).to_json()) == Button("我来接手", TAKE_OVER, 5)


def test_rows_of_buttons_become_an_inline_keyboard():
    keyboard = markup(((Button("接单", "accept", 1), Button("转派", "transfer", 1)), (Button("查看电话", "phone", 1),)))
    assert [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard] == [
        [("接单", "t:1:accept"), ("转派", "t:1:transfer")], [("查看电话", "t:1:phone")]]
    assert markup(()) is None
