"""A ticket's whole history as a timeline: who, when, what, in the words people used.

Residents' words and staff replies are shown with phone numbers masked; a reply the etiquette
filter stopped is shown with the phrases it caught, and the rewrite that was sent instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..tickets import escalation
from ..tickets.wording import event_name
from ..desk import Desk
from . import names
from .privacy import masked_text

STEPS = {"accept": "接单", "arrive": "到场", "respond": "答复住户", "resolve": "办结"}
LEVELS = {1: "主管", 2: "项目经理"}


@dataclass
class Entry:
    when: str
    who: str
    what: str
    tone: str                                   # resident | staff | system | blocked
    quotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _tone(actor: str, action: str) -> str:
    if action == "reply_blocked":
        return "blocked"
    if actor.startswith("resident:"):
        return "resident"
    return "staff" if actor.startswith("staff:") else "system"


def _words(detail: dict) -> list[str]:
    words = detail.get("words")
    if isinstance(words, str):
        words = [words]
    return [masked_text(w) for w in words or [] if w]


def _when(desk: Desk, stored: str | None) -> str:
    """A stored naive-UTC ISO time as the estate's local time."""
    try:
        return desk.local(datetime.fromisoformat(stored)).strftime("%m-%d %H:%M") if stored else ""
    except (TypeError, ValueError):
        return str(stored)


def _describe(desk: Desk, action: str, detail: dict) -> tuple[list[str], list[str]]:
    """(quoted words, notes) of one event."""
    if action in ("staff_reply", "reply_blocked"):
        quotes = [masked_text(detail.get("text"))]
        notes = ["采用系统建议的改写发送"] if detail.get("suggested") else []
        if detail.get("phrases"):
            notes.append("拦截的用语：" + "、".join(detail["phrases"]))
        return quotes, notes
    notes = []
    if action == "deadline_missed":
        notes.append(f"{STEPS.get(detail.get('step'), detail.get('step', ''))}时限 {_when(desk, detail.get('due'))}".strip())
    if action == "escalated":
        notes.append(f"{escalation.REASONS.get(detail.get('reason'), detail.get('reason', ''))}，"
                     f"报{LEVELS.get(detail.get('level'), '主管')}")
    if action == "secondary_intent":
        notes.append({"complaint": "投诉", "repair": "报修", "inquiry": "咨询"}.get(detail.get("intent"), ""))
    if action == "followup_answered":
        notes.append(f"评分 {detail.get('rating')}" + ("，反映问题仍未解决" if detail.get("fixed") is False else ""))
    if action == "transferred":
        notes.append(f"{detail.get('from') or '无人'} → {detail.get('to')}")
    if action == "phone_revealed":
        notes.append("在管理后台查看" if detail.get("via") == "console" else "在 Telegram 查看")
    if action in ("reopened", "phone_task", "cancelled") and detail.get("reason"):
        notes.append(f"原因：{detail['reason']}")
    if action == "created" and detail.get("urgent"):
        notes.append("紧急")
    return _words(detail), notes


def entries(desk: Desk, ticket) -> list[Entry]:
    """The ticket's events, oldest first, ready to show."""
    found = []
    for event in ticket.events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        quotes, notes = _describe(desk, event.action, detail)
        found.append(Entry(desk.local(event.at).strftime("%Y-%m-%d %H:%M"), names.actor(event.actor),
                           event_name(event.action), _tone(event.actor, event.action),
                           [q for q in quotes if q], notes))
    return found
