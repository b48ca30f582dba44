"""What residents are told in a callback campaign (polite Chinese, checked by the etiquette filter)."""
from __future__ import annotations

KIND_NAMES = {"monthly": "月度住户回访", "quarterly": "季度业主回访", "campaign": "专项回访"}


def survey(estate: str, kind: str, address: str) -> str:
    """The campaign's WeChat survey: how satisfied, what should improve."""
    return (f"您好，我们是{estate}物业服务中心，正在进行{KIND_NAMES.get(kind, '住户回访')}（{address}）。"
            f"请问您对我们的服务满意吗？请打个分：5 非常满意，4 满意，3 基本满意，2 不满意，1 很不满意。"
            f"有需要我们改进的地方，或家里、小区里有需要处理的问题，也请直接告诉我们。谢谢您的支持！")


def thanks(rating: int | None, code: str | None) -> str:
    """The answer to an answer: thanks, and the ticket a problem became."""
    text = "感谢您的评价和宝贵意见！" if rating is None or rating >= 3 else "非常抱歉，给您添麻烦了！您的意见我们已经记录，并报告项目经理跟进改进。"
    if code:
        text += f"您反映的问题已为您登记（工单号 {code}），我们会尽快安排处理。"
    return text + "请问还有其他需要帮助的吗？"
