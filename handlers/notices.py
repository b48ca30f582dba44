"""What the desk sends, said neutrally, and what a channel answers.

Handlers say *what* to tell *whom*: a Notice (recipient, text, buttons, the message it answers, the
ticket it is about). A channel module in bot/ decides *how* (callback data, markup, message ids, template
slots) and reports back an Outcome. The same notice can go to Telegram today and another staff channel
tomorrow; handlers never see a wire format.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

MessageRef = Union[int, str]      # a channel's reference to a message it sent or received: opaque here

# What a button asks for. A card's buttons act on its ticket; the others act on the target named.
CARD_ACTIONS = ("accept", "arrive", "done", "transfer", "phone")
GIVE = "give"                      # hand the ticket (target) to the colleague (arg: staff id)
USE_SUGGESTION = "use_suggestion"  # send the polite rewrite kept in the outbox (target: outbox row)
HISTORY = "history"                # show the ticket's history
TAKE_OVER = "take_over"            # a supervisor takes the ticket over
BIND_APPROVE = "bind_approve"      # approve a resident's house binding request (target: the request)
BIND_REFUSE = "bind_refuse"        # refuse it
BINDING_ACTIONS = (BIND_APPROVE, BIND_REFUSE)
INCIDENT_ACK = "incident_ack"          # a member of staff takes charge of the incident (target: incident)
INCIDENT_RESOLVE = "incident_resolve"  # the outage is over: tell every household (target: incident)
INCIDENT_ACTIONS = (INCIDENT_ACK, INCIDENT_RESOLVE)
# Rows written before buttons were neutral carry channel data already encoded (arg); channels pass it on.
ENCODED = "encoded"


@dataclass(frozen=True)
class Button:
    """A button under a notice: its label, what it asks for, on which ticket (or outbox row), and an argument."""
    label: str
    action: str
    target: int
    arg: int | str | None = None

    def to_json(self) -> dict:
        """The form kept in an outbox row."""
        return {"label": self.label, "action": self.action, "target": self.target, "arg": self.arg}

    @classmethod
    def from_json(cls, value) -> "Button":
        """A button kept by to_json, or a [label, data] pair written by earlier versions."""
        if isinstance(value, dict):
            return cls(value["label"], value["action"], int(value["target"]), value.get("arg"))
        label, data = value
        return cls(label, ENCODED, 0, data)


Buttons = tuple[tuple[Button, ...], ...]   # rows of buttons


@dataclass(frozen=True)
class Notice:
    """One thing to tell someone on a channel."""
    to: str                            # a chat, a resident's openid, or (kind "answer") the button press answered
    text: str
    buttons: Buttons = ()
    reply_to: MessageRef | None = None     # an earlier message of the same chat this one answers
    replaces: MessageRef | None = None     # a message to edit in place (a ticket's card)
    ticket_id: int | None = None
    kind: str = "message"              # message | answer (seen only by who pressed the button)
    alert: bool = False                # an answer shown as a pop-up to be dismissed
    template: str | None = None        # send as this template message (WeChat outside the 48-hour window)
    subject: str | None = None         # what it is about in a word (the ticket code), for template slots


@dataclass(frozen=True)
class Sent:
    """Delivered; `ref` is the channel's reference to the message (to reply to it or edit it later)."""
    ref: MessageRef | None = None


@dataclass(frozen=True)
class Retry:
    """Not delivered this time: try again after `after_seconds` (a rate limit, not a failed attempt),
    or after the next configured wait when None."""
    reason: str
    after_seconds: float | None = None
    maybe_sent: bool = False   # the answer was lost after the request went out: it may have arrived


@dataclass(frozen=True)
class OutsideWindow:
    """The resident cannot be messaged freely now (WeChat: no message from them for 48 hours)."""
    reason: str


@dataclass(frozen=True)
class Failed:
    """Never deliverable: `status` says why for the record (expired: a button press too old to answer;
    skipped: the channel is not configured)."""
    reason: str
    status: str = "failed"


@dataclass(frozen=True)
class Moved:
    """Not delivered: the chat has a new id (Telegram: a group upgraded to a supergroup); send there."""
    to: int


Outcome = Union[Sent, Retry, OutsideWindow, Failed, Moved]
