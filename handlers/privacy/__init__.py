"""Privacy by design (PIPL): residents' personal data is kept only as long as the retention setting says,
then anonymised by a daily job (`purge`), and a resident may ask to be forgotten at any time (`forget`).

Tickets, their events, ratings and every count stay, stripped of who the resident was: the reports, the
SLA figures and the console keep working on them. Nothing is deleted that a statistic needs.
"""
from __future__ import annotations

from typing import Iterable

from nlu.privacy import mask_personal

from ..tickets.cards import mask_phone as _mask_phone

# What stays after anonymisation, and why: shown by the command line and written to the privacy log.
KEPT = ("保留：工单（类别、楼栋/单元/房号、时间、处理过程、评分）——用于服务质量统计、时限考核和设施维修记录；"
        "电话只保留遮掩后的形式（如138****5678）；住户的原话中手机号、身份证号和姓名已遮掩。"
        "删除：微信身份（openid）、姓名、完整电话、住址登记、未完成的对话、位置和照片链接；"
        "房屋绑定中住户填写的电话（绑定记录的房屋、身份、时间和审核人保留，仍有效的绑定随之结束）；"
        "住户回访中的答复人身份，回访意见中的手机号和姓名遮掩（评分、回访状态和生成的工单保留，回访率和满意率不变）。"
        "花名册中的业主姓名和电话属于物业的业主档案，随花名册更新，不在此删除。")


def mask(text: str, names: Iterable[str | None] = ()) -> str:
    """Phones, identity numbers and names in the text masked, the names we know the resident by included
    (our own replies say "陈建国您好", which no cue in the text marks as a name)."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + "**")
    return mask_personal(text)


def mask_phone(phone: str, _names: Iterable[str | None] = ()) -> str:
    """138****5678: the form every masked phone takes."""
    return _mask_phone(phone)
