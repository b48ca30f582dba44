"""THE button codec: neutral buttons to Telegram callback data and back, in one place.

The wire format is kept from the first version, so buttons of cards already in the groups keep working:
  t:<ticket>:<action>   an action on a ticket's card (accept, arrive, done, transfer, phone)
  g:<ticket>:<staff>    hand the ticket to that colleague
  r:<outbox row>        send the suggested polite rewrite
  h:<ticket>            show the ticket's history
  k:<ticket>            a supervisor takes the ticket over
  b:<request>:ok|no     approve or refuse a resident's house binding request (房屋认证)
  i:<incident>:<step>   an incident card's button (ack: take charge, resolve: the outage is over)
Telegram allows 64 bytes of callback data, so it stays short. Data is never trusted: handlers authorise
every press from the database.
"""
from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.notices import (BIND_APPROVE, BIND_REFUSE, CARD_ACTIONS, ENCODED, GIVE, HISTORY, INCIDENT_ACK,
                              INCIDENT_RESOLVE, TAKE_OVER,
                              USE_SUGGESTION, Button, Buttons)

_PREFIXES = {GIVE: "g", USE_SUGGESTION: "r", HISTORY: "h", TAKE_OVER: "k"}
_ACTIONS = {prefix: action for action, prefix in _PREFIXES.items()}
_BINDING = {BIND_APPROVE: "ok", BIND_REFUSE: "no"}
_BINDING_ACTIONS = {word: action for action, word in _BINDING.items()}
_INCIDENT_STEPS = {INCIDENT_ACK: "ack", INCIDENT_RESOLVE: "resolve"}
_INCIDENT_ACTIONS = {step: action for action, step in _INCIDENT_STEPS.items()}
_DATA = re.compile(r"^(?P<kind>[tgrhkbi]):(?P<id>[0-9]{1,10})(?::(?P<arg>[a-z]+|[0-9]{1,10}))?$")
INT4 = (1 << 31) - 1  # tickets, staff and outbox rows are numbered in 32 bits: a larger id names nothing


def encode(button: Button) -> str:
    """The callback data of a button."""
    if button.action == ENCODED:
        return str(button.arg)
    if button.action in CARD_ACTIONS:
        return f"t:{button.target}:{button.action}"
    if button.action in _BINDING:
        return f"b:{button.target}:{_BINDING[button.action]}"
    if button.action in _INCIDENT_STEPS:
        return f"i:{button.target}:{_INCIDENT_STEPS[button.action]}"
    data = f"{_PREFIXES[button.action]}:{button.target}"
    return data if button.arg is None else f"{data}:{button.arg}"


def decode(data: str) -> Button | None:
    """The button behind callback data (its label is not on the wire); None for data the desk does not know."""
    m = _DATA.match(data or "")
    if not m:
        return None
    target, arg = int(m["id"]), m["arg"]
    if target > INT4 or (arg and arg.isdigit() and int(arg) > INT4):
        return None
    if m["kind"] == "t":
        return Button("", arg, target) if arg in CARD_ACTIONS else None
    if m["kind"] == "b":
        return Button("", _BINDING_ACTIONS[arg], target) if arg in _BINDING_ACTIONS else None
    if m["kind"] == "i":
        return Button("", _INCIDENT_ACTIONS[arg], target) if arg in _INCIDENT_ACTIONS else None
    if m["kind"] == "g":
        return Button("", GIVE, target, int(arg)) if arg and arg.isdigit() else None
    return Button("", _ACTIONS[m["kind"]], target)


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Rows of buttons as an inline keyboard (None when there are none)."""
    rows = [[InlineKeyboardButton(button.label, callback_data=encode(button)) for button in row]
            for row in buttons or ()]
    return InlineKeyboardMarkup(rows) if rows else None
