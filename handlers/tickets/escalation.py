"""Escalations to managers: missed deadlines, repeat reports, unhappy follow-ups, service-quality
complaints and staff who keep being stopped by the etiquette filter.

Each alert says what happened, which ticket, who holds it, how late, and what the resident said,
with buttons to see the ticket's history and to take it over. Level 1 goes to the supervisors
(staff with role supervisor, and the TELEGRAM_MANAGER_CHAT_IDS chats); an escalation still open
after ESCALATION_LEVEL2_MINUTES goes to the project managers (role manager) as well. The alerts
table's unique key makes sure the same event never alerts twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from storage import queries
from storage.models import Staff, Ticket

from .. import outbox
from ..desk import Work
from ..notices import HISTORY, TAKE_OVER, Button
from . import wording
from .cards import masked_words
from .routing import current_chat

log = logging.getLogger(__name__)

REASONS = {
    "missed_accept": "超过接单时限仍无人接单", "missed_arrive": "超过到场时限", "missed_respond": "超过答复时限",
    "missed_resolve": "超过办结时限", "repeat_report": "住户再次反映同一问题", "dissatisfied": "回访不满意",
    "not_fixed": "回访反映问题仍未解决", "service_quality": "服务质量投诉", "unresolved": "升级后仍未解决",
    "etiquette": "员工多次使用服务禁用语",
    "handling_complaint": "住户报修时对处理情况不满",
}
LEVEL_NAMES = {1: "主管", 2: "项目经理"}


def recipients(work: Work, level: int, estate_id: int | None = None, every_estate: bool = False) -> list[int]:
    """Chats that receive an alert of this level about an estate (None: the company's): the estate's
    managers' chats, its 主管 (and 项目经理 at level 2) named in its settings, and the staff of those
    roles who serve it (private chats are Telegram user ids)."""
    settings = work.desk.settings.for_estate(estate_id)
    roles = ("supervisor",) if level == 1 else ("supervisor", "manager")
    named = settings["supervisors"] + (settings["managers"] if level == 2 else [])
    people = named + queries.user_ids_with_role(work.session, roles, estate_id, every_estate)
    if level == 1 and not people:  # no supervisors registered: the managers are the first level
        people = settings["managers"] + queries.user_ids_with_role(work.session, ("manager",), estate_id, every_estate)
    chats = [current_chat(work.desk.config, chat) for chat in settings["manager_chats"]]  # as they are now
    return list(dict.fromkeys([*chats, *people]))


def raise_alert(work: Work, ticket: Ticket, reason: str, level: int = 1, dedup: str | None = None,
                detail: dict | None = None) -> bool:
    """Escalate a ticket; False when this event was already alerted."""
    key = dedup or f"{ticket.id}:{reason}:{level}"
    text = _text(work, ticket, reason, level, detail or {})
    if not _record(work, key, ticket.id, None, reason, level, text):
        return False
    ticket.escalated = True
    ticket.escalation_reason = ticket.escalation_reason if reason == "repeat_report" and ticket.escalation_reason \
        else REASONS.get(reason, reason)
    if ticket.escalated_at is None:
        ticket.escalated_at = work.now  # the second level counts from the first escalation
    queries.add_event(work.session, ticket, "system", "escalated", work.now,
                      {"reason": reason, "level": level, "to": LEVEL_NAMES[level]})
    buttons = ((Button("查看处理记录", HISTORY, ticket.id), Button("我来接手", TAKE_OVER, ticket.id)),)
    for chat in recipients(work, level, ticket.estate_id):
        outbox.to_staff(work, chat, text, ticket_id=ticket.id, buttons=buttons)
    return True


def _record(work: Work, key: str, ticket_id: int | None, staff_id: int | None, reason: str, level: int,
            text: str) -> bool:
    return queries.record_alert(work.session, key, ticket_id=ticket_id, staff_id=staff_id, reason=reason,
                                level=level, text=text, created_at=work.now)


def _late(work: Work, due: datetime | None) -> str:
    if not due:
        return ""
    minutes = int((work.now - due).total_seconds() // 60)
    if minutes < 1:
        return "刚刚超时"
    return f"已超时{minutes // 60}小时{minutes % 60}分钟" if minutes >= 60 else f"已超时{minutes}分钟"


def _text(work: Work, ticket: Ticket, reason: str, level: int, detail: dict) -> str:
    kind = wording.KIND_NAMES.get(ticket.kind, ticket.kind) + (f"·{wording.category_name(ticket.category)}"
                                                              if ticket.category else "")
    address = wording.address_text(ticket.building, ticket.unit, ticket.room) or "地址未提供"
    holder = ticket.assignee.name if ticket.assignee else "尚未接单"
    lines = [f"🚨 升级提醒（{LEVEL_NAMES[level]}）：{REASONS.get(reason, reason)}",
             f"工单：{ticket.code}（{kind}{'，紧急' if ticket.urgent else ''}）{address}",
             f"负责人：{holder}",
             f"创建于：{work.desk.local(ticket.created_at):%m-%d %H:%M}"]
    late = _late(work, detail.get("due"))
    if late:
        lines.append(f"时限：{work.desk.local(detail['due']):%m-%d %H:%M}，{late}")
    said = detail.get("said") or (detail.get("words") or [None])[-1] or ticket.description
    if said:
        lines.append(f"住户说：{masked_words(said)[:200]}")
    return "\n".join(lines)


def check_violations(work: Work, member: Staff) -> bool:
    """Alert the managers when one person's replies were stopped ETIQUETTE_ALERT_COUNT times within
    ETIQUETTE_ALERT_DAYS (once per such run of violations)."""
    config = work.desk.config
    since = work.now - timedelta(days=config["ETIQUETTE_ALERT_DAYS"])
    texts = queries.violation_texts(work.session, member.id, since)
    distinct = list(dict.fromkeys(texts))  # one reply with two bad phrases counts once
    if len(distinct) < config["ETIQUETTE_ALERT_COUNT"] or len(distinct) % config["ETIQUETTE_ALERT_COUNT"]:
        return False
    text = (f"🚨 升级提醒（{LEVEL_NAMES[1]}）：{REASONS['etiquette']}\n员工：{member.name}\n"
            f"近{config['ETIQUETTE_ALERT_DAYS']}天内有{len(distinct)}条回复因服务禁用语被拦截，最近一条：\n"
            f"{masked_words(distinct[-1])[:200]}")
    if not _record(work, f"etiquette:{member.id}:{since:%Y%m%d}:{len(distinct)}", None, member.id, "etiquette", 1,
                   text):
        return False
    for chat in recipients(work, 1):
        outbox.to_staff(work, chat, text)
    return True
