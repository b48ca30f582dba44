"""The ticket card staff see in their group: rendered from the ticket's current state, phone masked.

Neutral output (text and buttons naming an action on the ticket); the staff channel (bot/) decides how
buttons look on the wire.
"""
from __future__ import annotations

from dataclasses import dataclass

from nlu.privacy import mask_personal

from storage.models import Ticket

from .. import outbox
from ..desk import Desk, Work
from ..notices import Button, Buttons, MessageRef, Notice
from . import wording
from .routing import staff_chat_for

ACTIONS = {"accept": "接单", "arrive": "已到场", "done": "已完成", "transfer": "转派", "phone": "查看电话"}
STATUS_LINE = {"new": "🆕 待接单", "reopened": "🔁 重新处理，待接单", "accepted": "👷 已接单", "on_site": "📍 已到场",
               "done": "✅ 已完成，待回访", "incident": "🔗 已并入事件，统一处理", "closed": "☑️ 已办结", "cancelled": "✖️ 住户已取消"}


@dataclass(frozen=True)
class Card:
    """A card's text and its buttons."""
    text: str
    buttons: Buttons


def mask_phone(phone: str | None) -> str:
    """138****5678 (保守业主隐私: the full number only for the assigned staff member, on request)."""
    if not phone:
        return "未留"
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def masked_words(text: str) -> str:
    """A resident's words as a staff group or console may see them: every phone in every format residents
    write (139 1234 5678, 138.1234.5678, 一三九…) as 139****5678, identity numbers and the full names they
    give (我叫王小明 -> 王**) masked (nlu.privacy, the one masking of the project)."""
    return mask_personal(text)


def render(desk: Desk, ticket: Ticket) -> Card:
    """The card for the ticket as it is now."""
    kind = wording.KIND_NAMES.get(ticket.kind, ticket.kind)
    urgent = "🚨【紧急】" if ticket.urgent else ""
    lines = [f"{urgent}{kind} {ticket.code}"]
    lines.append(f"状态：{STATUS_LINE.get(ticket.status, ticket.status)}"
                 + (f"（{ticket.assignee.name}）" if ticket.assignee and ticket.status not in ("new", "reopened") else ""))
    if ticket.category:
        lines.append(f"类别：{wording.category_name(ticket.category)}")
    address = wording.address_text(ticket.building, ticket.unit, ticket.room)
    if ticket.location and ticket.location.get("label"):
        address = f"{address} 📌{ticket.location['label']}".strip()
    lines.append(f"地址：{address or '未提供（请电话确认）'}")
    lines.append(f"联系电话：{mask_phone(ticket.contact_phone)}")
    if ticket.preferred_time:
        lines.append(f"预约时间：{ticket.preferred_time}")
    if ticket.due_at and ticket.status in ("new", "reopened", "accepted"):
        due = desk.local(ticket.due_at)
        goal = "到场" if ticket.kind == "repair" else "答复"
        lines.append(f"{goal}时限：{due:%m-%d %H:%M}")
    if ticket.escalated:
        lines.append(f"⚠️ 已升级：{ticket.escalation_reason}")
    if ticket.for_manager:
        lines.append("👔 服务质量投诉，已报项目经理")
    if ticket.attachments:
        photos = sum(1 for a in ticket.attachments if a.kind == "image")
        if photos:
            lines.append(f"照片：{photos}张（回复 /ticket {ticket.code} 查看）")
    words = masked_words((ticket.resident_words or ticket.description).strip())
    lines.append(f"住户原话：{words[:300]}")
    lines.append("直接回复本消息即可答复住户（回复会先经过服务用语检查）。")
    return Card("\n".join(lines), _buttons(ticket))


def show_card(work: Work, ticket: Ticket) -> None:
    """Put the ticket's card in its staff group, or refresh the one there (it is rendered when sent)."""
    chat = staff_chat_for(work.desk, ticket)
    if chat:
        outbox.card(work, ticket.id, chat)


def card_notice(desk: Desk, ticket: Ticket, chat_id: int, replaces: MessageRef | None = None) -> Notice:
    """The card as a notice for a staff chat; `replaces` is the card already there, edited in place."""
    card = render(desk, ticket)
    return Notice(to=str(chat_id), text=card.text, buttons=card.buttons, replaces=replaces, ticket_id=ticket.id)


def digest_notice(tickets: list[Ticket], chat_id: int) -> Notice:
    """New tickets waiting for one group, in one message when more wait than Telegram lets through (about
    20 messages a minute per group): a line each and its 接单 button; the full card follows the taking."""
    lines = [f"📋 新工单 {len(tickets)} 件（当前消息较多，合并发送；接单后会单独发出完整工单卡片）"]
    for number, ticket in enumerate(tickets, 1):
        kind = wording.KIND_NAMES.get(ticket.kind, ticket.kind)
        what = wording.category_name(ticket.category) if ticket.category else ""
        address = wording.address_text(ticket.building, ticket.unit, ticket.room) or "地址未提供"
        words = masked_words((ticket.resident_words or ticket.description).strip().replace("\n", " "))
        lines.append(f"{number}. {'🚨' if ticket.urgent else ''}{kind} {ticket.code}｜{what or kind}｜{address}｜"
                     f"{words[:60]}")
    buttons = tuple((Button(f"{ACTIONS['accept']} {ticket.code}", "accept", ticket.id),) for ticket in tickets)
    return Notice(to=str(chat_id), text="\n".join(lines), buttons=buttons)


def _buttons(ticket: Ticket) -> Buttons:
    def button(action: str) -> Button:
        return Button(ACTIONS[action], action, ticket.id)

    if ticket.status in ("new", "reopened"):
        return ((button("accept"), button("transfer")),)
    if ticket.status == "accepted":
        return ((button("arrive"), button("done")), (button("transfer"), button("phone")))
    if ticket.status == "on_site":
        return ((button("done"), button("phone")), (button("transfer"),))
    return ()
