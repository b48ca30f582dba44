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
# What happened to a ticket (event action → label): one table for /ticket in Telegram and the console timeline.
EVENT_NAMES = {
    "created": "提交", "accepted": "接单", "arrived": "到场", "done": "完成", "transferred": "转派",
    "taken_over": "主管接手", "deadline_missed": "超过时限", "reminded": "时限提醒", "followup_sent": "发送回访",
    "followup_reminded": "回访提醒", "followup_answered": "住户评价", "closed": "办结", "time_changed": "住户改约时间",
    "phone_revealed": "查看完整电话", "staff_reply": "回复住户", "reply_blocked": "回复被拦截（服务禁用语）",
    "delivered": "消息已送达", "escalated": "升级", "repeat_report": "住户再次反映", "reopened": "重新打开",
    "cancelled": "住户取消", "photo_added": "补充照片", "location_added": "补充位置", "made_urgent": "改为紧急",
    "marked_for_manager": "报项目经理", "phone_task": "转电话联系", "delivery_failed": "消息发送失败",
    "needs_phone_call": "需电话确认", "secondary_intent": "兼有其他诉求", "details_added": "住户补充信息",
    "personal_data_anonymised": "个人信息超过保存期限，已匿名化", "personal_data_forgotten": "应住户要求删除个人信息",
    "joined_incident": "并入事件", "detached_from_incident": "从事件拆出",
}


def category_name(category: str | None) -> str:
    """A category as residents say it."""
    return CATEGORY_NAMES.get(category or "", "")


def event_name(action: str) -> str:
    """An event's label as staff and managers read it (the stored name when there is none)."""
    return EVENT_NAMES.get(action, action)


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
