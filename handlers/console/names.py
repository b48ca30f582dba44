"""How the console names things: kinds, statuses, categories, addresses, people in events."""
from __future__ import annotations

from handlers.tickets import wording as replies

KINDS = {"repair": "报修", "complaint": "投诉", "inquiry": "咨询"}
STATUSES = {"new": "待接单", "accepted": "已接单", "on_site": "已到场", "done": "已完成待回访", "closed": "已办结",
            "reopened": "重新处理", "cancelled": "已取消"}


def kind(value: str | None) -> str:
    """报修 / 投诉 / 咨询."""
    return KINDS.get(value or "", value or "")


def status(value: str | None) -> str:
    """A status as the desk says it."""
    return STATUSES.get(value or "", value or "")


def category(value: str | None) -> str:
    """A fault category in Chinese (未分类 when none)."""
    if not value:
        return "未分类"
    return replies.category_name(value) or value


def address(building: str | None, unit: str | None, room: str | None = None) -> str:
    """3栋2单元1201 (未填地址 when nothing is known)."""
    return replies.address_text(building, unit, room) or "未填地址"


def actor(value: str, staff_names: dict[int, str] | None = None) -> str:
    """Who did a step: a staff member's name, 住户 or 系统."""
    if value.startswith("staff:"):
        parts = value.split(":", 2)
        return parts[2] if len(parts) == 3 else (staff_names or {}).get(int(parts[1]), "员工")
    if value.startswith("resident:"):
        return "住户"
    return {"system": "系统"}.get(value, value)
