"""Neutral message types: what a channel hands to the handlers, and what it gets back.

Channel modules (bot/) build these from their wire formats; handlers never see WeChat XML or
Telegram objects. Anything platform-specific a handler might still want rides along in `raw`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .notices import Button, MessageRef


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class Inbound:
    """One thing a resident did: wrote, spoke, sent a picture or a location, or pressed a menu."""
    channel: str
    sender: str
    kind: str                      # text | voice | image | location | event | unsupported
    created_at: datetime           # naive UTC
    dedup_key: str                 # the channel's identity of this push, for retries
    text: str = ""                 # typed text, or the platform's speech recognition
    media_id: str | None = None
    url: str | None = None
    location: Location | None = None
    event: str | None = None       # subscribe | unsubscribe | click | view | ...
    event_key: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """What to answer at once; None text means answer nothing (the platform gets its empty ack)."""
    text: str | None


@dataclass(frozen=True)
class StaffAction:
    """Something a member of staff did in a staff chat: a command, a button press or a message."""
    kind: str                      # command | button | message | moved
    update_id: int                 # the channel's id of this action, so a redelivery is handled once
    chat_id: int
    chat_private: bool
    user_id: int
    user_name: str
    text: str = ""
    command: str | None = None     # without the slash, lower case
    args: str = ""
    button: Button | None = None   # the button pressed; None when the desk no longer knows it
    press: MessageRef | None = None        # the button press, to answer it privately
    message: MessageRef | None = None      # this message, or the one the pressed button is under
    replying_to: MessageRef | None = None  # the message this one replies to
    edited: bool = False           # an edit of a message sent before (never acted on a second time)
    moved_to: int | None = None    # kind "moved": the chat's new id (a group upgraded to a supergroup)
