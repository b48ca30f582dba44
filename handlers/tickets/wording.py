"""The words of a ticket, as residents and staff read them: kinds, fault categories and an address."""
from __future__ import annotations

CATEGORY_NAMES = {
    "water": "给水", "drain": "下水疏通", "electricity": "电路", "lift": "电梯", "door_access": "门禁",
    "gas": "燃气", "heating": "供暖", "doors_windows": "门窗", "public_facility": "公共设施",
    "network": "网络", "structure": "墙面/顶面", "appliance": "设备", "noise": "噪音", "sanitation": "环境卫生",
    "parking": "停车", "security": "安全秩序", "fees": "收费", "service": "服务质量", "pets": "宠物管理",
    "neighbour": "邻里", "greening": "绿化",
}
KIND_NAMES = {"repair": "报修", "complaint": "投诉", "inquiry": "咨询"}


def category_name(category: str | None) -> str:
    """A category as residents say it."""
    return CATEGORY_NAMES.get(category or "", "")


def address_text(building: str | None, unit: str | None, room: str | None) -> str:
    """3栋2单元1201 from the normalised parts."""
    parts = []
    if building:
        parts.append(f"{building}栋" if building[0].isdigit() else f"{building}座")
    if unit:
        parts.append(f"{unit}单元")
    if room:
        parts.append(room)
    return "".join(parts)
